package rules

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

// The differential test of the closures: rules generated from the planned
// subset (with fallbacks mixed in) and random records (customers and
// leads, at the edges of every type) are evaluated three ways, and every
// answer, value or error, must be the same:
//
//   - Program.EvalBool, which runs the closures;
//   - the rule's planned cel-go program, with this package's decorators
//     (money literals folded, the field and money fast paths), which the
//     fallbacks and the combined programs run;
//   - cel-go alone: the checked rule planned with no decorator at all.

// diffLead is an extra variable with a field of every kind the closures read.
type diffLead struct {
	ID       string        `cel:"id"`
	Source   strata.Source `cel:"source"`
	Priority int           `cel:"priority"`
	Small    int8          `cel:"small"`
	Mid      int32         `cel:"mid"`
	Big      int64         `cel:"big"`
	Count    uint          `cel:"count"`
	Tiny     uint8         `cel:"tiny"`
	Score    float64       `cel:"score"`
	Ratio    float32       `cel:"ratio"`
	Hot      bool          `cel:"hot"`
	Value    strata.Money  `cel:"value"`
	At       time.Time     `cel:"at"`
	Wait     time.Duration `cel:"wait"`
	Plain    string
	Secret   string    `cel:"-"`
	Inner    diffInner `cel:"inner"`
	Tags     []string  `cel:"tags"`
}

// diffAgent is a second extra variable, shaped as routing's agent, so
// the shipped pool selectors check too.
type diffAgent struct {
	ID        string   `cel:"id"`
	Country   string   `cel:"country"`
	Seniority int      `cel:"seniority"`
	Capacity  int      `cel:"capacity"`
	Inactive  bool     `cel:"inactive"`
	Regions   []string `cel:"regions"`
	Languages []string `cel:"languages"`
	Roles     []string `cel:"roles"`
}

type diffInner struct {
	Name string `cel:"name"`
	N    int64  `cel:"n"`
}

var diffNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// roundingConverter converts as Rates does but offers no exact ratios, so
// money compares as it rounds, in the orientation of the rule.
type roundingConverter struct{ r strata.Rates }

func (c roundingConverter) Convert(m strata.Money, to string) (strata.Money, error) {
	return c.r.Convert(m, to)
}

var diffRates = strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{
	"CNY": decimal.RequireFromString("7.1234"), "EUR": decimal.RequireFromString("0.9"),
	"JPY": decimal.RequireFromString("151.5"), "KWD": decimal.RequireFromString("0.3075"),
}}

// diffEnvs are the environments rules are checked in: exact rates (as a
// value and a pointer), a converter that rounds, and none.
func diffEnvs(t testing.TB) []*Env {
	var envs []*Env
	rates := diffRates
	for _, conv := range []strata.Converter{diffRates, &rates, roundingConverter{diffRates}, nil} {
		env, err := New(WithConverter(conv), WithVariable("lead", reflect.TypeFor[diffLead]()),
			WithVariable("agent", reflect.TypeFor[diffAgent]()),
			WithGroups(map[string][]string{"Key Markets": {"US", "DE", "CN-GD", "HK"}}))
		require.NoError(t, err)
		envs = append(envs, env)
	}
	return envs
}

// gen writes random rules over the planned subset.
type gen struct {
	r     *rand.Rand
	depth int
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

var (
	strFields = []string{"customer.country", "customer.subdivision", "customer.city", "customer.industry", "customer.kind",
		"customer.source", "customer.tier", "customer.owner", "customer.id", "customer.time_zone", "customer.scores.grade",
		"customer.revenue.currency", "lead.source", "lead.id", "lead.Plain", "lead.inner.name", "home"}
	strLits = []string{`""`, `"DE"`, `"CN"`, `"cn"`, `"CN-SH"`, `"VIP"`, `"zh"`, `"纺织"`, `"enterprise"`, `"trade_show"`,
		`"USD"`, `"a"`, `"B"`, `"expo"`, `"t1"`}
	intFields  = []string{"customer.orders", "lead.priority", "lead.small", "lead.mid", "lead.big", "lead.inner.n"}
	intLits    = []string{"0", "1", "-1", "12", "13", "14", "128", "-129", "1099511627776", "9223372036854775807", "-9223372036854775808"}
	dblFields  = []string{"customer.scores.value", "customer.scores.potential", "lead.score", "lead.ratio"}
	dblLits    = []string{"0.0", "-0.0", "80.5", "1e300", "-2.5", "0.1"}
	uintFields = []string{"lead.count", "lead.tiny"}
	uintLits   = []string{"0u", "1u", "255u", "256u", "18446744073709551615u"}
	timeFields = []string{"customer.last_order_at", "customer.first_order_at", "customer.created_at", "customer.tier_since",
		"customer.scores.scored_at", "lead.at", "now"}
	moneyOps  = []string{"customer.revenue", "customer.profit", "lead.value"}
	moneyLits = []string{`money("0", "CNY")`, `money("1000000", "CNY")`, `money("106851.004", "CNY")`, `money("106851", "CNY")`,
		`money("15000", "USD")`, `money("-5", "EUR")`, `money("2400000.00", "USD")`, `money("151.5", "JPY")`,
		`money("1", "GBP")`, `money("12345678901234567890123.45", "CNY")`, `money("0.001", "KWD")`, `money("7.1234", "CNY")`}
	dayLits = []string{"0", "1", "-1", "20", "90", "365", "106751", "106752", "-106752", "-106753",
		"9223372036854775807", "-9223372036854775808"}
	groupNames = []string{"EU", "Eurozone", "DACH", "华东", "华南", "欧美", "ASEAN", "middle east", "Key Markets", "key_markets", "APAC"}
	cmpOpsSrc  = []string{"==", "!=", "<", "<=", ">", ">="}
	fallbacks  = []string{
		`customer.tags.exists(t, t == "VIP")`, `customer.orders + 1 > 5`, `customer.industry.startsWith("tex")`,
		`attr(customer, "k", 1) > 0`, `customer.orders > 2.5`, `size(customer.tags) > 1`,
		`customer.revenue + customer.profit > money("1", "USD")`, `amount(customer.revenue) > 1.0`,
		`in_group(customer.country, customer.industry)`, `customer.orders / 0 > 1`, `customer.attrs["missing"] == 1`,
		`lead.wait > duration("1h")`, `customer.last_order_at > now - duration("720h")`, `has(customer.attrs.k)`,
		`customer.channels.exists(c, c.preferred)`, `lead.tags.all(t, t != "")`,
		// The fast paths of the decorated plan, inside comprehensions
		// (where the closures leave them to cel-go) and either way round.
		`[1, 2].all(x, lead.source == "expo")`, `[1].exists(x, customer.country == "FR") || customer.country == "DE"`,
		`[1].all(x, customer.orders >= 14)`, `[1].all(x, 13 < customer.orders)`, `[1].all(x, "DE" <= customer.country)`,
		`[1].all(x, customer.revenue >= money("2400000", "USD"))`, `[1].all(x, money("106851.004", "CNY") > customer.revenue)`,
		`[1].all(x, customer.industry >= "纺织")`, `[1].all(x, lead.inner.name != "a")`,
	}
)

// cond returns a random condition.
func (g *gen) cond() string {
	g.depth++
	defer func() { g.depth-- }()
	k := g.r.IntN(20)
	if g.depth > 4 {
		k = 5 + g.r.IntN(15) // leaves only
	}
	switch k {
	case 0, 1:
		return "(" + g.cond() + pick(g.r, " && ", " || ") + g.cond() + ")"
	case 2:
		return "(" + g.cond() + " && " + g.cond() + " && " + g.cond() + ")"
	case 3:
		return "!(" + g.cond() + ")"
	case 4:
		return "(" + g.cond() + " ? " + g.cond() + " : " + g.cond() + ")"
	case 5:
		return pick(g.r, "true", "false", "lead.hot", `lead.hot == true`, `lead.hot != customer.orders > 3`)
	case 6, 7, 8:
		return g.compare()
	case 9:
		return g.money()
	case 10, 11:
		return g.days()
	case 12, 13:
		return g.in()
	case 14, 15, 16:
		return g.function()
	}
	return pick(g.r, fallbacks...)
}

func (g *gen) operand(fields, lits []string) string {
	if g.r.IntN(3) == 0 {
		return pick(g.r, lits...)
	}
	return pick(g.r, fields...)
}

func (g *gen) compare() string {
	op := pick(g.r, cmpOpsSrc...)
	switch g.r.IntN(6) {
	case 0:
		return g.operand(strFields, strLits) + " " + op + " " + g.operand(strFields, strLits)
	case 1:
		return g.operand(intFields, intLits) + " " + op + " " + g.operand(intFields, intLits)
	case 2:
		return g.operand(dblFields, dblLits) + " " + op + " " + g.operand(dblFields, dblLits)
	case 3:
		return g.operand(uintFields, uintLits) + " " + op + " " + g.operand(uintFields, uintLits)
	case 4:
		return pick(g.r, timeFields...) + " " + op + " " + pick(g.r, timeFields...)
	}
	return g.operand([]string{"lead.hot"}, []string{"true", "false"}) + " " + pick(g.r, "==", "!=") + " " + pick(g.r, "true", "false", "lead.hot")
}

func (g *gen) money() string {
	op := pick(g.r, cmpOpsSrc...)
	l, r := pick(g.r, moneyOps...), g.operand(moneyOps, moneyLits)
	if g.r.IntN(2) == 0 {
		l, r = r, l
	}
	return l + " " + op + " " + r
}

func (g *gen) days() string {
	d := pick(g.r, "days_since("+pick(g.r, timeFields...)+")", "days_between("+pick(g.r, timeFields...)+", "+pick(g.r, timeFields...)+")")
	n := pick(g.r, dayLits...)
	if g.r.IntN(2) == 0 {
		return n + " " + pick(g.r, cmpOpsSrc...) + " " + d
	}
	return d + " " + pick(g.r, cmpOpsSrc...) + " " + n
}

func (g *gen) in() string {
	n := 1 + g.r.IntN(12)
	switch g.r.IntN(3) {
	case 0:
		lits := make([]string, n)
		for i := range lits {
			lits[i] = pick(g.r, strLits...)
		}
		return g.operand(strFields, strLits) + " in [" + strings.Join(lits, ", ") + "]"
	case 1:
		lits := make([]string, n)
		for i := range lits {
			lits[i] = pick(g.r, intLits...)
		}
		return g.operand(intFields, intLits) + " in [" + strings.Join(lits, ", ") + "]"
	}
	return g.operand(strFields, strLits) + " in " + pick(g.r, "customer.tags", "customer.products", "customer.languages", "lead.tags")
}

func (g *gen) function() string {
	switch g.r.IntN(7) {
	case 0:
		return fmt.Sprintf("in_group(customer, %q)", pick(g.r, groupNames...))
	case 1:
		return fmt.Sprintf("in_group(%s, %q)", g.operand(strFields, []string{`"CN-HK"`, `"HK"`, `"FR-NC"`, `"FR-75"`, `"de"`, `"D"`, `"NO-21"`}), pick(g.r, groupNames...))
	case 2:
		return fmt.Sprintf("has_tag(customer, %s)", pick(g.r, `"VIP"`, `"vip"`, `""`, `"long-term"`))
	case 3:
		return fmt.Sprintf("has_segment(customer, %s)", pick(g.r, `"s1"`, `"East"`))
	case 4:
		return fmt.Sprintf("has_channel(customer, %s)", pick(g.r, `"email"`, `"wechat"`, `"EMAIL"`))
	case 5:
		return fmt.Sprintf("has_product(customer, %s)", pick(g.r, `"yarn"`, `"dye"`))
	}
	return fmt.Sprintf("speaks(customer, %s)", pick(g.r, `"de"`, `"DE-ch"`, `"he"`, `"iw"`, `"in"`, `"zh_Hant"`, `"yi"`, `"İt"`, `""`))
}

// randMoney returns an amount at the edges: currencies with and without a
// rate, unset, more than 18 digits, many decimals, negative.
func randMoney(r *rand.Rand) strata.Money {
	amounts := []string{"0", "1000000", "106851", "106851.00", "106851.004", "15000.00", "14999.99", "2400000", "-5",
		"0.0001", "123456789012345678901", "151.5", "1", "7.1234", "100000000000000000", "999999999999999999"}
	cur := pick(r, "CNY", "USD", "EUR", "JPY", "KWD", "GBP", "", "CNY", "USD")
	m := strata.MoneyOf(decimal.RequireFromString(pick(r, amounts...)), cur)
	if r.IntN(10) == 0 {
		return strata.Money{}
	}
	return m
}

// wallNow is a time with a monotonic clock reading: Time.Sub subtracts
// those when both times have one.
var wallNow = time.Now()

func randTime(r *rand.Rand) time.Time {
	switch r.IntN(10) {
	case 8:
		return wallNow.Add(-time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))
	case 9:
		return time.Unix(1<<62, 0)
	case 0:
		return time.Time{}
	case 1:
		return time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
	case 2:
		return time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	case 3:
		return diffNow.Add(-time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))
	case 4: // around a whole number of days
		return diffNow.Add(-time.Duration(r.IntN(400))*24*time.Hour + time.Duration(r.IntN(3)-1))
	case 5:
		return diffNow.Add(time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))
	case 6:
		return diffNow.In(time.FixedZone("x", 8*3600)).Add(-90 * 24 * time.Hour)
	}
	return diffNow
}

func randCustomer(r *rand.Rand) *strata.Customer {
	codes := []string{"DE", "CN", "FR", "US", "HK", "de", "", "D", "DEU", "GP", "NC", "XK", "CN-SH", "AX"}
	subs := []string{"", "CN-SH", "CN-GD", "CN-HK", "FR-NC", "FR-971", "FR-75", "DE-BY", "cn-sh", "US-PR", "NO-21", "CN-",
		"DE", "CN-ABCDEFGH", "CN-GD\x00", "FI-01", "xx-GD"}
	langs := []string{"de", "DE-AT", "en", "iw", "HE", "in", "pt_BR", "zh-Hant", "İt", "ji", "", "de_CH"}
	c := &strata.Customer{
		ID: pick(r, "C-1", "t1", ""), Kind: pick(r, strata.KindEnterprise, strata.KindReseller, ""),
		Country: pick(r, codes...), Subdivision: pick(r, subs...), City: pick(r, "Hamburg", "", "B"),
		Industry: pick(r, "textiles", "纺织", "EU", "retail"), TimeZone: pick(r, "", "Europe/Berlin"),
		Source: pick(r, strata.SourceTradeShow, "expo", ""), Tier: pick(r, "", "VIP", "a"), Owner: pick(r, "", "B"),
		Revenue: randMoney(r), Profit: randMoney(r), Orders: pick(r, 0, 1, 12, 13, 14, -3, 1<<40, math.MaxInt64),
		FirstOrderAt: randTime(r), LastOrderAt: randTime(r), CreatedAt: randTime(r), TierSince: randTime(r),
		Scores: strata.Scores{Value: pick(r, 0, 80.5, math.NaN(), -2.5, math.Inf(1)), Potential: pick(r, 0.1, 50.0),
			Grade: pick(r, strata.GradeA, strata.GradeB, ""), ScoredAt: randTime(r)},
	}
	for range r.IntN(4) {
		c.Tags = append(c.Tags, pick(r, "VIP", "vip", "long-term", "", "t1"))
		c.Products = append(c.Products, pick(r, "yarn", "dye", "a"))
		c.Languages = append(c.Languages, pick(r, langs...))
		c.Segments = append(c.Segments, pick(r, "s1", "East"))
		c.Channels = append(c.Channels, strata.Channel{Kind: pick(r, strata.ChannelEmail, strata.ChannelWeChat), Preferred: r.IntN(2) == 0})
	}
	if r.IntN(2) == 0 {
		c.Attrs = map[string]any{"k": pick[any](r, 2.0, "x", 1.5)}
	}
	return c
}

func randLead(r *rand.Rand) any {
	l := &diffLead{
		ID: pick(r, "L1", ""), Source: pick(r, strata.Source("expo"), ""), Priority: pick(r, 0, 13, -1, math.MinInt),
		Small: pick[int8](r, 0, -128, 127, 13), Mid: pick[int32](r, 0, 1<<30, -1), Big: pick[int64](r, 0, math.MaxInt64, 1<<40),
		Count: pick[uint](r, 0, 1, 256, math.MaxUint), Tiny: pick[uint8](r, 0, 255, 1), Score: pick(r, 0, 80.5, math.NaN(), 0.1),
		Ratio: pick[float32](r, 0, 0.1, -2.5), Hot: r.IntN(2) == 0, Value: randMoney(r), At: randTime(r),
		Wait: time.Duration(r.IntN(3)) * time.Hour, Plain: pick(r, "a", "B"), Inner: diffInner{Name: pick(r, "a", "DE"), N: pick[int64](r, 0, 13)},
		Tags: pick(r, nil, []string{"a", "DE"}),
	}
	switch r.IntN(10) {
	case 0:
		return *l // a value: cel-go adapts it
	case 1:
		return (*diffLead)(nil)
	}
	return l
}

func randAgent(r *rand.Rand) *diffAgent {
	a := &diffAgent{ID: pick(r, "sh-ma", ""), Country: pick(r, "CN", "DE", "BR", ""), Seniority: pick(r, 0, 2, 3, 4, 5, -1),
		Capacity: pick(r, 0, 1, 200), Inactive: r.IntN(4) == 0}
	for range r.IntN(3) {
		a.Regions = append(a.Regions, pick(r, "CN", "Europe", "APAC", ""))
		a.Languages = append(a.Languages, pick(r, "zh-Hans", "de", "pt-BR", "en"))
		a.Roles = append(a.Roles, pick(r, "sales-rep", "sales-director"))
	}
	return a
}

// outcome is one evaluation's answer: a value or an error's text.
type outcome struct {
	v   bool
	err string
}

func (o outcome) String() string {
	if o.err != "" {
		return "error: " + o.err
	}
	return fmt.Sprint(o.v)
}

func celOutcome(out ref.Val, _ any, err error) outcome {
	if err != nil {
		return outcome{err: err.Error()}
	}
	b, ok := out.(types.Bool)
	if !ok {
		return outcome{err: fmt.Sprintf("result %v is not a bool", out)}
	}
	return outcome{v: bool(b)}
}

func closureOutcome(v bool, err error) outcome {
	var ee *strata.EvalError
	if errors.As(err, &ee) {
		return outcome{err: ee.Err.Error()}
	}
	if err != nil {
		return outcome{err: err.Error()}
	}
	return outcome{v: v}
}

// diffStats counts what a differential run covered.
type diffStats struct{ rules, planned, evals int }

// checkRule compiles src in env and requires the three evaluations to
// agree on every record; it returns whether the rule compiled.
func checkRule(t *testing.T, env *Env, src string, r *rand.Rand, records int, st *diffStats) {
	t.Helper()
	p, err := env.Compile("diff", src, Bool)
	if err != nil {
		return // a generated rule may exceed the cost limit or mix types
	}
	st.rules++
	if p.fastProgram(env) != nil {
		st.planned++
	}
	planned, err := p.program()
	require.NoError(t, err)
	reference, err := env.cel.Program(p.ast)
	require.NoError(t, err, src)
	act := env.NewActivation(pick(r, "CN", "DE", ""), pick(r, diffNow, diffNow.Add(-time.Nanosecond), time.Time{},
		wallNow, wallNow.Round(0), time.Unix(-1<<62, 0), diffNow.In(time.FixedZone("UTC+8", 8*3600))))
	for range records {
		act.SetCustomer(randCustomer(r))
		act.Set("lead", randLead(r))
		act.Set("agent", randAgent(r))
		want := celOutcome(reference.Eval(act))
		got := closureOutcome(p.EvalBool(act))
		viaPlan := celOutcome(planned.Eval(act))
		st.evals++
		if got != want || viaPlan != want {
			c := act.customer
			t.Fatalf("%s\ncustomer %#v\nlead %+v\nagent %+v\nnow %v home %q\ncel-go: %v\nclosures: %v\nplanned: %v", src, *c, act.raw[0], act.raw[1], act.now, act.homeStr, want, got, viaPlan)
		}
	}
}

// runDiff checks n generated rules in every environment.
func runDiff(t *testing.T, seed uint64, n, records int) diffStats {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var st diffStats
	envs := diffEnvs(t)
	for range n {
		src := (&gen{r: r}).cond()
		for _, env := range envs {
			checkRule(t, env, src, r, records, &st)
		}
	}
	return st
}

// TestClosuresMatchCEL runs the differential test over a fixed sample, and
// checks the sample exercises the closures.
func TestClosuresMatchCEL(t *testing.T) {
	st := runDiff(t, 1, 500, 10)
	t.Logf("%d rules compiled, %d planned as closures, %d evaluations", st.rules, st.planned, st.evals)
	require.Greater(t, st.rules, 1300, "generated rules compile")
	require.Greater(t, st.planned*10, st.rules*8, "most generated rules are planned as closures (%d of %d)", st.planned, st.rules)
}

// FuzzClosuresMatchCEL runs the differential test from fuzzed seeds.
func FuzzClosuresMatchCEL(f *testing.F) {
	for _, s := range []uint64{2, 3, 5, 8, 13} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { runDiff(t, seed, 4, 8) })
}
