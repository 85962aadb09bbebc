package rules_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

var benchNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func benchCustomer() *strata.Customer {
	return &strata.Customer{
		ID: "C-1", Kind: strata.KindEnterprise, Country: "DE", Subdivision: "DE-BY", Industry: "textiles",
		Languages: []string{"de", "en"}, Source: strata.SourceTradeShow, Products: []string{"yarn", "fabric"},
		Revenue: strata.MoneyOf(decimal.NewFromInt(2_400_000), "USD"), Orders: 14,
		FirstOrderAt: benchNow.AddDate(-3, 0, 0), LastOrderAt: benchNow.AddDate(0, 0, -20),
		Tags: []string{"VIP", "long-term"}, Scores: strata.Scores{Value: 81, Potential: 64, Grade: strata.GradeA},
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "anna@example.de"}},
	}
}

func benchRule(b *testing.B, src string) {
	env, err := rules.New(rules.WithConverter(strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.1")}}))
	require.NoError(b, err)
	p, err := env.Compile("bench", src, rules.Bool)
	require.NoError(b, err)
	act := env.NewActivation("CN", benchNow)
	act.SetCustomer(benchCustomer())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.EvalBool(act); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvalSmall is the "small rule": one field against a variable.
func BenchmarkEvalSmall(b *testing.B) { benchRule(b, `customer.country != home`) }

// BenchmarkEvalLarge combines money, groups, tags, dates and a comprehension.
func BenchmarkEvalLarge(b *testing.B) {
	benchRule(b, `customer.country != home && in_group(customer, "EU") &&
customer.revenue >= money("5000000", "CNY") && has_tag(customer, "VIP") &&
days_since(customer.last_order_at) <= 90 && customer.orders >= 12 &&
customer.products.exists(p, p in ["yarn", "dye"]) && customer.scores.grade in ["A", "B"] &&
speaks(customer, "de") && attr(customer, "credit_days", 30) <= 60`)
}

func BenchmarkEvalMoney(b *testing.B) {
	benchRule(b, `customer.revenue >= money("1000000", "USD")`)
}
