package rules_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
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

// BenchmarkAdversarialRules evaluates every adversarial rule that compiles
// under the default limits over a record at every limit. The goal: each
// finishes within 10 ms (see ns/op of each sub-benchmark).
func BenchmarkAdversarialRules(b *testing.B) {
	env, err := rules.New(rules.WithConverter(rates))
	require.NoError(b, err)
	c := maxRecord(b)
	for i, src := range adversarial {
		p, err := env.Compile("adversarial", src, rules.Any)
		if err != nil {
			continue
		}
		b.Run(fmt.Sprint(i), func(b *testing.B) {
			act := env.NewActivation("CN", benchNow)
			act.SetCustomer(c)
			b.ReportAllocs()
			for b.Loop() {
				_, _ = p.Eval(act)
			}
		})
	}
}

// adversarialUnits are operations that cost much per unit of cel-go's cost
// model; BenchmarkAdversarialRules packs each into a loop over the tags as
// many times as the default cost limit allows.
var adversarialUnits = []string{
	`amount(customer.revenue, "CNY") > 0.0`,
	`customer.revenue + customer.profit > money("1", "EUR")`,
	`customer.revenue >= money("1", "CNY")`,
	`money(attr(customer, "k", "12345.678"), "CNY") > money("0", "CNY")`,
	`in_group(t, "EU")`,
	`in_group(customer, "华东")`,
	`attr(customer, t, "") == ""`,
	`t.startsWith(customer.city)`,
	`t == customer.city`,
	`t.matches("^(x+x+)+y$")`,
	`speaks(customer, "de")`,
	`has_tag(customer, "x")`,
	`days_since(customer.last_order_at) > 0`,
	`string(customer.orders) != t`,
	`customer.scores.value * 2.0 > 1.0`,
	`"%s".format([t]).size() > 0`,
	`t.lowerAscii() != t`,
	`t.split("x").size() > 0`,
	`customer.attrs[t] == t`,
	`now.getHours(t) > 0`,
	`now.getHours("Asia/Shanghai") > 0`,
	`customer.last_order_at.getDayOfWeek(customer.time_zone) > 0`,
	`timestamp(t) > now`,
	`duration(t) > duration("1s")`,
	`t.quote().size() > 0`,
	`int(t) > 0`,
	`double(t) > 0.0`,
	`t.substring(1, 100).size() > 0`,
	`t.charAt(1000) != ""`,
	`t.trim() != ""`,
	`t.replace("x", "yy") != ""`,
	`customer.tags.join(",").size() > 0`,
}

// packed returns `customer.tags.all(t, [unit, unit, …].size() > 0)` with as
// many copies of unit as env compiles, up to 1,000: every copy is
// evaluated in every iteration.
func packed(env *rules.Env, unit string) (string, bool) {
	build := func(k int) string {
		parts := make([]string, k)
		for i := range parts {
			parts[i] = unit
		}
		return "customer.tags.all(t, [" + strings.Join(parts, ", ") + "].size() > 0)"
	}
	lo, hi := 0, 1000
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if _, err := env.Compile("packed", build(mid), rules.Bool); err == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return build(lo), lo > 0
}

// BenchmarkPackedRules evaluates, over a record at every limit, rules that
// pack an expensive operation into a loop as often as the default cost
// limit allows. The goal: each within 10 ms.
func BenchmarkPackedRules(b *testing.B) {
	env, err := rules.New(rules.WithConverter(strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{
		"CNY": decimal.RequireFromString("7.123456789"), "EUR": decimal.RequireFromString("0.91234567")}}))
	require.NoError(b, err)
	c := maxRecord(b)
	c.Profit = strata.MoneyOf(decimal.RequireFromString("123456.789"), "EUR")
	for i, unit := range adversarialUnits {
		src, ok := packed(env, unit)
		if !ok {
			continue
		}
		p, err := env.Compile("packed", src, rules.Bool)
		require.NoError(b, err)
		b.Run(fmt.Sprint(i), func(b *testing.B) {
			act := env.NewActivation("CN", benchNow)
			act.SetCustomer(c)
			for b.Loop() {
				_, _ = p.Eval(act)
			}
			b.ReportMetric(float64(strings.Count(src, unit)), "copies")
		})
	}
}

// BenchmarkRuntimeCostLimit measures what bounding evaluation at run time
// would cost instead of at compile time: the same rule planned plainly,
// with cel-go's run-time cost limit, and evaluated under a context.
func BenchmarkRuntimeCostLimit(b *testing.B) {
	env, err := rules.New(rules.WithConverter(rates))
	require.NoError(b, err)
	for _, src := range []string{`customer.country != home && customer.orders >= 12`, `customer.tags.exists(t, t == "VIP") && customer.products.exists(p, p in ["yarn", "dye"])`} {
		checked, iss := env.CEL().Compile(src)
		require.NoError(b, iss.Err())
		plain, err := env.CEL().Program(checked, cel.EvalOptions(cel.OptOptimize))
		require.NoError(b, err)
		limited, err := env.CEL().Program(checked, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(rules.DefaultCostLimit))
		require.NoError(b, err)
		interruptible, err := env.CEL().Program(checked, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(16))
		require.NoError(b, err)
		act := env.NewActivation("CN", benchNow)
		act.SetCustomer(benchCustomer())
		ctx, cancel := context.WithCancel(b.Context())
		defer cancel()
		name := "scalar"
		if strings.Contains(src, "exists") {
			name = "loops"
		}
		b.Run(name+"/plain", func(b *testing.B) {
			for b.Loop() {
				_, _, _ = plain.Eval(act)
			}
		})
		b.Run(name+"/cost-limit", func(b *testing.B) {
			for b.Loop() {
				_, _, _ = limited.Eval(act)
			}
		})
		b.Run(name+"/context", func(b *testing.B) {
			for b.Loop() {
				_, _, _ = interruptible.ContextEval(ctx, act)
			}
		})
	}
}

// BenchmarkCompileLarge compiles a 1,000-tier ladder and 10,000 segments,
// each set combined as the engines combine them. The goal: under 2 s each.
func BenchmarkCompileLarge(b *testing.B) {
	for _, n := range []int{1000, 10_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rs := make([]rules.Rule, n)
			for i := range rs {
				rs[i] = rules.Rule{Name: fmt.Sprint("r", i), Out: rules.Bool,
					Source: fmt.Sprintf(`customer.revenue >= money("%d", "CNY") && customer.orders >= %d && in_group(customer, "EU")`, n-i, i%50)}
			}
			for b.Loop() {
				env, err := rules.New(rules.WithConverter(rates))
				require.NoError(b, err)
				conds, errs := env.CompileAll(rs)
				require.NoError(b, errors.Join(errs...))
				if n == 1000 {
					_, err = env.FirstMatch("ladder", conds)
				} else {
					_, err = env.Each("segments", conds)
				}
				require.NoError(b, err)
			}
		})
	}
}
