package rules_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

var rates = strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{
	"CNY": decimal.RequireFromString("7"), "EUR": decimal.RequireFromString("0.9"),
}}

func newEnv(t testing.TB, opts ...rules.Option) *rules.Env {
	t.Helper()
	env, err := rules.New(append([]rules.Option{rules.WithConverter(rates)}, opts...)...)
	require.NoError(t, err)
	return env
}

func eval(t *testing.T, env *rules.Env, c *strata.Customer, src string) bool {
	t.Helper()
	p, err := env.Compile("t", src, rules.Bool)
	require.NoError(t, err, src)
	act := env.NewActivation("CN", benchNow)
	act.SetCustomer(c)
	got, err := p.EvalBool(act)
	require.NoError(t, err, src)
	return got
}

func TestFunctions(t *testing.T) {
	env := newEnv(t)
	c := benchCustomer()
	c.Attrs = map[string]any{"credit_days": 45.0, "segment_code": "T1", "strategic": true, "margin": 0.31, "odd": 1.5}
	c.Profit = strata.MoneyOf(decimal.NewFromInt(300_000), "USD")
	tests := []struct {
		src  string
		want bool
	}{
		{`customer.country != home`, true},
		{`customer.country == "DE" && customer.subdivision == "DE-BY"`, true},
		{`customer.kind == "enterprise" && customer.source == "trade_show"`, true},
		{`customer.revenue >= money("2400000", "USD")`, true},
		{`customer.revenue > money("2400000", "USD")`, false},
		{`customer.revenue < money("2400000.01", "USD")`, true},
		{`customer.revenue <= money("2400000", "USD")`, true},
		{`customer.revenue >= money("16800000", "CNY")`, true}, // 2.4M USD = 16.8M CNY at 7
		{`customer.revenue > money("16800000", "CNY")`, false},
		{`customer.revenue == money("2400000.00", "USD")`, true},
		{`customer.revenue - customer.profit == money("2100000", "USD")`, true},
		{`customer.revenue + money("7", "CNY") == money("2400001", "USD")`, true},
		{`customer.revenue.currency == "USD"`, true},
		{`amount(customer.revenue) == 2400000.0`, true},
		{`amount(customer.revenue, "CNY") == 16800000.0`, true},
		{`in_group(customer.country, "EU") && in_group(customer.country, "DACH")`, true},
		{`in_group(customer.subdivision, "EU")`, true}, // a subdivision is in its country's groups
		{`in_group(customer, "Europe") && !in_group(customer, "ASEAN")`, true},
		{`in_group("CN-SH", "华东") && in_group("CN-SH", "CN-East") && !in_group("CN", "CN-East")`, true},
		{`in_group("TL", "ASEAN") && in_group("BR", "Latin America") && in_group("MX", "north_america")`, true},
		{`has_tag(customer, "VIP") && !has_tag(customer, "vip")`, true},
		{`has_segment(customer, "x")`, false},
		{`has_channel(customer, "email") && !has_channel(customer, "wechat")`, true},
		{`has_product(customer, "yarn") && !has_product(customer, "dye")`, true},
		{`speaks(customer, "de-CH") && speaks(customer, "EN") && !speaks(customer, "zh")`, true},
		{`days_since(customer.last_order_at) == 20`, true},
		{`days_between(customer.first_order_at, customer.last_order_at) > 1000`, true},
		{`attr(customer, "credit_days", 30) == 45`, true},
		{`attr(customer, "missing", 30) == 30`, true},
		{`attr(customer, "odd", 7) == 7`, true}, // 1.5 is not a whole number: the default
		{`attr(customer, "segment_code", "") == "T1"`, true},
		{`attr(customer, "credit_days", "none") == "none"`, true}, // wrong type: the default
		{`attr(customer, "strategic", false)`, true},
		{`attr(customer, "margin", 0.0) > 0.3`, true},
		{`customer.scores.grade == "A" && customer.scores.value > 80.0`, true},
		{`customer.orders >= 12 && size(customer.languages) == 2`, true},
		{`customer.channels.exists(ch, ch.kind == "email")`, true},
		{`customer.tags.exists(t, t.startsWith("long"))`, true},
		{`customer.last_order_at > now - duration("720h")`, true},
		{`customer.industry.lowerAscii() == "textiles"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, eval(t, env, c, tt.src))
		})
	}
}

func TestEveryGroup(t *testing.T) {
	env := newEnv(t)
	// One member and one non-member per built-in group.
	cases := map[string][2]string{
		"EU": {"FR", "GB"}, "Eurozone": {"HR", "PL"}, "EEA": {"NO", "CH"}, "Europe": {"UA", "TR"},
		"DACH": {"AT", "FR"}, "Nordics": {"IS", "EE"}, "ASEAN": {"VN", "CN"}, "MiddleEast": {"AE", "PK"},
		"LatinAmerica": {"AR", "US"}, "NorthAmerica": {"MX", "BR"}, "NorthernAmerica": {"CA", "MX"},
		"Americas": {"CL", "ES"}, "APAC": {"AU", "RU"}, "Asia": {"JP", "AU"}, "Oceania": {"NZ", "JP"},
		"Africa": {"NG", "SA"}, "SouthEasternAsia": {"TH", "IN"}, "WesternAsia": {"SA", "IR"}, "EasternAsia": {"KR", "VN"},
		"EuropeAmerica": {"US", "MX"},
		"CN-East":       {"CN-ZJ", "CN-GD"}, "CN-South": {"CN-GD", "CN-SH"}, "CN-North": {"CN-BJ", "CN-HB"},
		"CN-Central": {"CN-HB", "CN-HE"}, "CN-Southwest": {"CN-SC", "CN-SN"}, "CN-Northwest": {"CN-XJ", "CN-XZ"},
		"CN-Northeast": {"CN-HL", "CN-NM"},
	}
	assert.ElementsMatch(t, rules.BuiltinGroups(), keys(cases), "every built-in group has a case")
	for g, c := range cases {
		in, ok := env.InGroup(c[0], g)
		require.True(t, ok, g)
		assert.True(t, in, "%s in %s", c[0], g)
		out, _ := env.InGroup(c[1], g)
		assert.False(t, out, "%s not in %s", c[1], g)
	}
	for alias, member := range map[string]string{"华东": "CN-SH", "华南": "CN-GD", "华北": "CN-BJ", "华中": "CN-HN",
		"西南": "CN-CQ", "西北": "CN-GS", "东北": "CN-LN", "欧美": "DE", "东南亚": "SG", "中东": "QA"} {
		in, ok := env.InGroup(member, alias)
		assert.True(t, ok && in, "%s in %s", member, alias)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestHostGroups(t *testing.T) {
	env := newEnv(t, rules.WithGroups(map[string][]string{
		"Key Markets": {"US", "DE", "CN-GD"},
		"EU":          {"FR"}, // replaces the built-in
	}))
	c := benchCustomer()
	assert.True(t, eval(t, env, c, `in_group(customer, "key_markets")`))
	assert.False(t, eval(t, env, c, `in_group(customer, "EU")`))

	_, err := rules.New(rules.WithGroups(map[string][]string{"bad": {"US", "Germany", "CN-ZZ"}}))
	require.Error(t, err)
	assert.ErrorContains(t, err, `members[1]: "Germany"`)
	assert.ErrorContains(t, err, `members[2]: "CN-ZZ"`)
}

func TestCompileErrors(t *testing.T) {
	env := newEnv(t)
	tests := []struct {
		name, src string
		out       rules.Output
		want      []string // each a fragment of one *RuleError, in order
		line, col int      // of the first error
	}{
		{"syntax", "customer.country ==", rules.Bool, []string{"Syntax error"}, 1, 20},
		{"unknown field", "customer.country == home &&\n  customer.revnue > money(\"1\", \"CNY\")", rules.Bool,
			[]string{"undefined field 'revnue'"}, 2, 12}, // the column of the field's name, not of its '.'

		{"hidden field", `customer.name == "x"`, rules.Bool, []string{"undefined field 'name'"}, 1, 10},
		{"spaced select", "customer . revnue > 1", rules.Bool, []string{"undefined field 'revnue'"}, 1, 12},
		{"unknown variable", `lead.value > 1`, rules.Bool, []string{"undeclared reference to 'lead'"}, 1, 1},
		{"unknown group", `in_group(customer, "Atlantis")`, rules.Bool, []string{`unknown region group "Atlantis"`}, 1, 20},
		{"wrong output", `customer.orders`, rules.Bool, []string{"must evaluate to bool, not int"}, 0, 0},
		{"money vs number", `customer.revenue > 5`, rules.Bool, []string{"no matching overload"}, 1, 18},
		{"two errors", "customer.x == 1 ||\ncustomer.y == 2", rules.Bool,
			[]string{"undefined field 'x'", "undefined field 'y'"}, 1, 10},
		{"empty", "  ", rules.Bool, []string{"empty rule"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Compile("vip", tt.src, tt.out)
			require.Error(t, err)
			var all []*strata.RuleError
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					var re *strata.RuleError
					require.ErrorAs(t, e, &re)
					all = append(all, re)
				}
			} else {
				var re *strata.RuleError
				require.ErrorAs(t, err, &re)
				all = append(all, re)
			}
			require.Len(t, all, len(tt.want), "%v", err)
			for i, w := range tt.want {
				assert.Contains(t, all[i].Msg, w)
				assert.Equal(t, "vip", all[i].Rule)
			}
			assert.Equal(t, tt.line, all[0].Line, "line: %v", err)
			assert.Equal(t, tt.col, all[0].Column, "column: %v", err)
			if tt.line > 0 {
				assert.Contains(t, err.Error(), fmt.Sprintf(`rule "vip" %d:%d`, tt.line, tt.col))
				assert.Contains(t, all[0].Snippet, "^")
			}
		})
	}
}

func TestCaretSnippet(t *testing.T) {
	_, err := newEnv(t).Compile("vip", `customer.revnue > money("1", "CNY")`, rules.Bool)
	require.Error(t, err)
	assert.Equal(t, "rule \"vip\" 1:10: undefined field 'revnue'\n"+
		"    | customer.revnue > money(\"1\", \"CNY\")\n"+
		"    |          ^", err.Error(), "the caret under the misspelt name, not the '.' before it")
}

func TestCostLimit(t *testing.T) {
	env := newEnv(t)
	heavy := `customer.tags.all(a, customer.segments.all(b, customer.products.all(c, a + b + c != "")))`
	_, err := env.Compile("heavy", heavy, rules.Bool)
	require.Error(t, err)
	assert.ErrorContains(t, err, "worst-case cost")
	assert.ErrorContains(t, err, "exceeds the limit 20000")

	roomy := newEnv(t, rules.WithCostLimit(1_000_000_000))
	_, err = roomy.Compile("heavy", heavy, rules.Bool)
	assert.NoError(t, err)

	_, err = env.Compile("light", `customer.tags.exists(t, t == "VIP")`, rules.Bool)
	assert.NoError(t, err, "a loop over one list stays well inside the default")
}

func TestEvalErrors(t *testing.T) {
	env, err := rules.New() // no converter
	require.NoError(t, err)
	p, err := env.Compile("cross", `customer.revenue > money("1", "CNY")`, rules.Bool)
	require.NoError(t, err)
	act := env.NewActivation("CN", benchNow)
	act.SetCustomer(benchCustomer())
	_, err = p.EvalBool(act)
	var ee *strata.EvalError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "cross", ee.Rule)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)

	p, err = env.Compile("group", `in_group(customer.country, customer.industry)`, rules.Bool)
	require.NoError(t, err, "a group from data cannot be checked at compile time")
	_, err = p.EvalBool(act)
	assert.ErrorContains(t, err, `unknown group "textiles"`)

	withRates := newEnv(t)
	p, err = withRates.Compile("gbp", `customer.revenue > money("1", "GBP")`, rules.Bool)
	require.NoError(t, err)
	_, err = p.EvalBool(act)
	assert.ErrorIs(t, err, strata.ErrNoRate)
}

func TestEvalNumberAndContext(t *testing.T) {
	env := newEnv(t)
	p, err := env.Compile("n", `customer.orders * 2 + 1`, rules.Number)
	require.NoError(t, err)
	act := env.NewActivation("CN", benchNow)
	act.SetCustomer(benchCustomer())
	n, err := p.EvalNumber(act)
	require.NoError(t, err)
	assert.Equal(t, 29.0, n)

	ctx, cancel := context.WithCancel(t.Context())
	v, err := p.EvalContext(ctx, act)
	require.NoError(t, err)
	assert.EqualValues(t, 29, v.Value())
	cancel()
	_, err = p.EvalContext(ctx, act)
	assert.ErrorIs(t, err, context.Canceled)
}

type testLead struct {
	Product string  `cel:"product"`
	Value   float64 `cel:"value"`
	Email   string  `cel:"-"`
}

func TestExtraVariable(t *testing.T) {
	env := newEnv(t, rules.WithVariable("lead", reflect.TypeFor[*testLead]()))
	p, err := env.Compile("lead", `lead.product == "yarn" && lead.value > 1000.0 && customer.country == "DE"`, rules.Bool)
	require.NoError(t, err)
	act := env.NewActivation("CN", benchNow)
	act.SetCustomer(benchCustomer())
	act.Set("lead", &testLead{Product: "yarn", Value: 5000})
	ok, err := p.EvalBool(act)
	require.NoError(t, err)
	assert.True(t, ok)
	act.Set("lead", &testLead{Product: "dye", Value: 5000})
	ok, err = p.EvalBool(act)
	require.NoError(t, err)
	assert.False(t, ok)

	_, err = env.Compile("hidden", `lead.email == ""`, rules.Bool)
	assert.ErrorContains(t, err, "undefined field 'email'")
	_, err = rules.New(rules.WithVariable("customer", reflect.TypeFor[testLead]()))
	assert.ErrorContains(t, err, "already declared")
	_, err = rules.New(rules.WithVariable("n", reflect.TypeFor[int]()))
	assert.ErrorContains(t, err, "not a struct type")
}

func TestExplain(t *testing.T) {
	env := newEnv(t)
	p, err := env.Compile("vip", `customer.country != home && customer.revenue >= money("5000000", "CNY")`, rules.Bool)
	require.NoError(t, err)
	act := env.NewActivation("CN", benchNow)
	act.SetCustomer(benchCustomer())
	steps, err := p.Explain(act)
	require.NoError(t, err)
	got := map[string]string{}
	for _, s := range steps {
		got[s.Expr] = s.Value
	}
	assert.Equal(t, `"DE"`, got["customer.country"])
	assert.Equal(t, "2400000.00 USD", got["customer.revenue"])
	assert.Equal(t, "5000000.00 CNY", got[`money("5000000", "CNY")`])
	assert.Equal(t, "true", got[`customer.revenue >= money("5000000", "CNY")`])
	last := steps[len(steps)-1]
	assert.Equal(t, p.Source(), last.Expr, "the whole rule comes last")
	assert.Equal(t, "true", last.Value)
}

func TestProgramCache(t *testing.T) {
	env := newEnv(t)
	a, err := env.Compile("a", `customer.orders > 1`, rules.Bool)
	require.NoError(t, err)
	b, err := env.Compile("b", `customer.orders > 1`, rules.Bool)
	require.NoError(t, err)
	assert.Equal(t, "a", a.Name())
	assert.Equal(t, "b", b.Name(), "a cached program keeps its own name")
}

// TestConcurrentEval runs one program from many goroutines, each with its
// own activation; under -race this proves programs are safe to share.
func TestConcurrentEval(t *testing.T) {
	env := newEnv(t)
	p, err := env.Compile("mix", `in_group(customer, "EU") && customer.revenue >= money("1000000", "EUR") && days_since(customer.last_order_at) < 30`, rules.Bool)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			act := env.NewActivation("CN", benchNow)
			for i := range 500 {
				c := benchCustomer()
				c.LastOrderAt = benchNow.AddDate(0, 0, -(i+g)%60)
				act.SetCustomer(c)
				got, err := p.EvalBool(act)
				if err != nil {
					errs <- err
					return
				}
				if want := (i+g)%60 < 30; got != want {
					errs <- fmt.Errorf("goroutine %d item %d: got %v want %v", g, i, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func FuzzCompileRule(f *testing.F) {
	for _, s := range []string{
		`customer.country == home`, `customer.revenue >= money("5e6", "CNY")`, `in_group(customer, "华东")`,
		`days_since(customer.last_order_at) > 90`, `attr(customer, "k", 1) + 1`, `money("x", "y")`,
		`customer.tags.map(t, t + t).size() > 0`, `"\u0000"`, `(((((`, `customer.revenue - money("1","USD")`,
		`amount(customer.profit, "EUR") / 0.0`, `has_tag(customer, customer.tags[7])`,
		// hostile: quadratic loops, huge amounts, zones, string building
		`customer.tags.filter(a, a in customer.tags).size() == 0`, `money("` + strings.Repeat("9", 5000) + `", "CNY") > customer.revenue`,
		`money("1e999999999", "CNY") > customer.revenue`, `now.getHours(customer.city) > 1`,
		`customer.city.replace("", customer.city).replace("", customer.city) == ""`, `"%s".format([customer.tags]) != ""`,
		"customer.orders > 0" + strings.Repeat(" && (customer.orders > 0", 300) + strings.Repeat(")", 300),
	} {
		f.Add(s)
	}
	env := newEnv(f)
	c := benchCustomer()
	c.Attrs = map[string]any{"k": 2.0}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := env.Compile("fuzz", src, rules.Any)
		if err != nil {
			var re *strata.RuleError
			require.True(t, errors.As(err, &re), "compile errors are RuleErrors: %v", err)
			return
		}
		act := env.NewActivation("CN", benchNow)
		act.SetCustomer(c)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, _ = p.EvalContext(ctx, act) // may fail, must not panic
		_, _ = p.Explain(act)
	})
}

// TestTerritoriesEitherWay: a territory that has both an ISO 3166-2 code
// under its sovereign and its own ISO 3166-1 code (Hong Kong: CN-HK and HK)
// is in the same groups whichever way a record spells it, for every
// built-in group, in both forms of in_group.
func TestTerritoriesEitherWay(t *testing.T) {
	env := newEnv(t)
	pairs := map[string]string{
		"CN-HK": "HK", "CN-MO": "MO", "CN-TW": "TW", "US-PR": "PR", "US-GU": "GU", "US-VI": "VI", "US-AS": "AS",
		"US-MP": "MP", "US-UM": "UM", "FR-971": "GP", "FR-972": "MQ", "FR-973": "GF", "FR-974": "RE", "FR-976": "YT",
		"FR-NC": "NC", "FR-PF": "PF", "FR-BL": "BL", "FR-MF": "MF", "FR-PM": "PM", "FR-WF": "WF", "FR-TF": "TF",
		"NL-AW": "AW", "NL-CW": "CW", "NL-SX": "SX", "NO-21": "SJ", "FI-01": "AX",
	}
	groups := append(rules.BuiltinGroups(), "华南", "华东", "欧美", "亚太")
	for sub, country := range pairs {
		require.True(t, strata.IsSubdivision(sub), sub)
		require.True(t, strata.IsCountry(country), country)
		asSub := &strata.Customer{ID: "s", Country: sub[:2], Subdivision: sub}
		asCountry := &strata.Customer{ID: "c", Country: country}
		for _, g := range groups {
			bySub, ok := env.InGroup(sub, g)
			require.True(t, ok)
			byCountry, _ := env.InGroup(country, g)
			assert.Equal(t, byCountry, bySub, "%s and %s in %s", sub, country, g)
			src := fmt.Sprintf("in_group(customer, %q)", g)
			assert.Equal(t, eval(t, env, asCountry, src), eval(t, env, asSub, src), "customer %s/%s and %s in %s", sub[:2], sub, country, g)
		}
	}
	for _, tt := range []struct {
		code, group string
		in          bool
	}{
		{"HK", "华南", true}, {"MO", "华南", true}, {"CN-HK", "华南", true}, {"TW", "EasternAsia", true},
		{"GP", "EU", true}, {"FR-971", "Eurozone", true}, {"AX", "EU", true}, {"FR-NC", "EU", false}, {"NC", "EU", false},
		{"NL-AW", "EU", false}, {"NO-21", "EEA", false}, {"NO-21", "Nordics", true}, {"US-PR", "LatinAmerica", true},
		{"US-CA", "NorthernAmerica", true}, {"FR-75", "EU", true},
	} {
		in, _ := env.InGroup(tt.code, tt.group)
		assert.Equal(t, tt.in, in, "%s in %s", tt.code, tt.group)
	}
}

// TestHostGroupsReplaceEverySpelling: a host group replaces a built-in one
// under every spelling of its name, and a host group named like an alias
// is the host's.
func TestHostGroupsReplaceEverySpelling(t *testing.T) {
	env := newEnv(t, rules.WithGroups(map[string][]string{"eu": {"FR"}, "华东": {"CN-GD"}}))
	for _, name := range []string{"EU", "eu", "E-U", "欧盟"} {
		in, ok := env.InGroup("FR", name)
		assert.True(t, ok && in, name)
		in, _ = env.InGroup("DE", name)
		assert.False(t, in, "%s is the host's EU", name)
	}
	in, _ := env.InGroup("CN-GD", "华东")
	assert.True(t, in)
	in, _ = env.InGroup("CN-SH", "华东")
	assert.False(t, in, "the host's 华东")
	in, _ = env.InGroup("CN-SH", "CN-East")
	assert.True(t, in, "the built-in CN-East is untouched")
	plain := newEnv(t)
	in, _ = plain.InGroup("DE", "EU")
	assert.True(t, in, "another Env keeps the built-in EU")
}

// TestCrossCurrencyThresholdIsExact is the finding: a rule's threshold in
// another currency was converted into the customer's and rounded to cents,
// so a customer just under it was placed above it. 15,000.00 USD is worth
// exactly 106,851.00 CNY at 7.1234, under a line of 106,851.004 CNY that
// rounds to 15,000.00 USD.
func TestCrossCurrencyThresholdIsExact(t *testing.T) {
	env := newEnv(t, rules.WithConverter(strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.1234")}}))
	c := benchCustomer()
	c.Revenue = strata.MoneyOf(decimal.RequireFromString("15000.00"), "USD")
	for src, want := range map[string]bool{
		`customer.revenue >= money("106851.004", "CNY")`:                     false,
		`money("106851.004", "CNY") <= customer.revenue`:                     false,
		`customer.revenue < money("106851.004", "CNY")`:                      true,
		`customer.revenue >= money("106851.00", "CNY")`:                      true,
		`customer.revenue == money("106851", "CNY")`:                         true,
		`customer.revenue > money("106850.9999", "CNY")`:                     true,
		`customer.revenue + money("0", "USD") >= money("106851.004", "CNY")`: false,
	} {
		assert.Equal(t, want, eval(t, env, c, src), src)
	}
}
