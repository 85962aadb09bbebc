package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/rules"
)

func TestImplies(t *testing.T) {
	env := newEnv(t)
	rev := func(op, amt, cur string) string {
		return `customer.revenue ` + op + ` money("` + amt + `", "` + cur + `")`
	}
	tests := []struct {
		later, earlier string
		want           bool
	}{
		{rev(">=", "5000000", "CNY"), rev(">=", "1000000", "CNY"), true},
		{rev(">=", "1000000", "CNY"), rev(">=", "5000000", "CNY"), false},
		{rev(">", "1000000", "CNY"), rev(">=", "1000000", "CNY"), true},
		{rev(">=", "1000000", "CNY"), rev(">", "1000000", "CNY"), false},
		{rev(">=", "5000000", "CNY"), rev(">=", "1000000", "USD"), false}, // currencies differ: not shown
		{`customer.orders > 10`, `customer.orders >= 5`, true},
		{`10 < customer.orders`, `customer.orders >= 5`, true},
		{`customer.orders < 3`, `customer.orders <= 5`, true},
		{`customer.orders == 5`, `customer.orders >= 5`, true},
		{`customer.orders >= 5`, `customer.orders == 5`, false},
		{`customer.country == home && customer.orders > 10`, `customer.country == home`, true},
		{`customer.country == home`, `customer.country == home && customer.orders > 10`, false},
		{`customer.orders > 100`, `true`, true},
		{`customer.country == home && customer.orders > 50 || customer.orders > 99`,
			`customer.country == home && customer.orders > 10 || customer.orders > 90`, true},
		{`customer.orders > 99 || customer.orders < 1`, `customer.orders > 10`, false},
		{`has_tag(customer, "VIP")`, `has_tag(customer,"VIP")`, true}, // same text after unparsing
	}
	for _, tt := range tests {
		t.Run(tt.later+" ⇒ "+tt.earlier, func(t *testing.T) {
			l, err := env.Compile("l", tt.later, rules.Bool)
			require.NoError(t, err)
			e, err := env.Compile("e", tt.earlier, rules.Bool)
			require.NoError(t, err)
			assert.Equal(t, tt.want, rules.Implies(l, e))
		})
	}
}
