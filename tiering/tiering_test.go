package tiering_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/tiering"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func cny(units int64) strata.Money { return strata.MoneyOf(decimal.NewFromInt(units), "CNY") }

func cust(id, country string, rev strata.Money, orders int) strata.Customer {
	c := strata.Customer{ID: id, Country: country, Revenue: rev, Orders: orders}
	if orders > 0 {
		c.FirstOrderAt, c.LastOrderAt = now.AddDate(-2, 0, 0), now.AddDate(0, 0, -10)
	}
	return c
}

func simpleConfig() tiering.Config {
	return tiering.Config{
		Home: "CN",
		Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
			{Name: "vip", When: `customer.revenue >= money("5000000", "CNY")`, Stay: `customer.revenue >= money("4000000", "CNY")`,
				OwnerRole: "sales-director", FollowUp: tiering.CadenceWeekly},
			{Name: "key", When: `customer.revenue >= money("1000000", "CNY")`, FollowUp: tiering.CadenceMonthly},
			{Name: "regular", FollowUp: tiering.CadenceQuarterly},
		}}, {Name: "market", Tiers: []tiering.Tier{
			{Name: "domestic", When: `customer.country == home`},
			{Name: "overseas"},
		}}},
		Segments: []tiering.Segment{
			{Name: "east-china", When: `in_group(customer, "华东")`},
			{Name: "loyal", When: `customer.orders >= 10`},
			{Name: "big", When: `customer.revenue >= money("1000000", "CNY")`},
		},
	}
}

func compile(t testing.TB, cfg tiering.Config, opts ...tiering.Option) *tiering.Engine {
	t.Helper()
	e, err := tiering.New(cfg, opts...)
	require.NoError(t, err)
	return e
}

func TestFirstMatchEveryMatchAndDefaults(t *testing.T) {
	e := compile(t, simpleConfig())
	tests := []struct {
		c             strata.Customer
		value, market string
		segments      []string
		reason        tiering.Reason
		nextFollowUp  time.Time
	}{
		{withSub(cust("a", "CN", cny(6_000_000), 12), "CN-SH"), "vip", "domestic", []string{"east-china", "loyal", "big"}, tiering.ReasonMatched, now.AddDate(0, 0, 7)},
		{cust("b", "CN", cny(5_000_000), 3), "vip", "domestic", []string{"big"}, tiering.ReasonMatched, now.AddDate(0, 0, 7)}, // exactly at the line
		{cust("c", "DE", cny(4_999_999), 30), "key", "overseas", []string{"loyal", "big"}, tiering.ReasonMatched, now.AddDate(0, 1, 0)},
		{cust("d", "CN", cny(10), 1), "regular", "domestic", []string{}, tiering.ReasonDefault, time.Date(2027, 2, 22, 9, 0, 0, 0, time.UTC)},
		{cust("e", "US", strata.Money{}, 0), "regular", "overseas", []string{}, tiering.ReasonDefault, now.AddDate(0, 3, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.c.ID, func(t *testing.T) {
			p, err := e.Classify(t.Context(), &tt.c, now)
			require.NoError(t, err)
			assert.Equal(t, tt.value, p.Tier())
			assert.Equal(t, tt.value, p.TierOn("value"))
			assert.Equal(t, tt.market, p.TierOn("market"))
			assert.Equal(t, tt.segments, p.Segments)
			assert.Equal(t, tt.reason, p.Tiers[0].Reason)
			assert.True(t, p.Tiers[0].Changed, "no previous tier")
			assert.Equal(t, now, p.Tiers[0].Since)
			assert.Equal(t, tt.nextFollowUp, p.NextFollowUp)
		})
	}
}

func withSub(c strata.Customer, sub string) strata.Customer { c.Subdivision = sub; return c }

func TestHysteresis(t *testing.T) {
	e := compile(t, simpleConfig())
	c := cust("h", "CN", cny(5_200_000), 5)
	// Revenue oscillates around the 5M line night after night.
	revenues := []int64{5_200_000, 4_900_000, 5_050_000, 4_600_000, 4_100_000, 5_300_000}
	for day, rev := range revenues {
		c.Revenue = cny(rev)
		p, err := e.Classify(t.Context(), &c, now.AddDate(0, 0, day))
		require.NoError(t, err)
		assert.Equal(t, "vip", p.Tier(), "day %d at %d keeps vip", day, rev)
		if day > 0 {
			assert.False(t, p.Tiers[0].Changed)
			assert.Equal(t, now, p.Tiers[0].Since, "since does not move while the tier holds")
		}
		if rev < 5_000_000 {
			assert.Equal(t, tiering.ReasonStayRule, p.Tiers[0].Reason)
			assert.Equal(t, "key", p.Tiers[0].Would)
			assert.Contains(t, p.Why(), "stay rule")
		}
		require.NoError(t, p.Apply(&c))
	}
	// Below the stay line the customer moves down.
	c.Revenue = cny(3_900_000)
	p, err := e.Classify(t.Context(), &c, now.AddDate(0, 0, 7))
	require.NoError(t, err)
	assert.Equal(t, "key", p.Tier())
	assert.True(t, p.Tiers[0].Changed)
	assert.Equal(t, "vip", p.Tiers[0].Previous)
	assert.Equal(t, now.AddDate(0, 0, 7), p.Tiers[0].Since)
	assert.Contains(t, p.Why(), "(was vip)")

	// Moving up is immediate.
	c.Tier, c.TierSince = "regular", now
	c.Revenue = cny(9_000_000)
	p, err = e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	assert.Equal(t, "vip", p.Tier())
}

func TestMinDwell(t *testing.T) {
	cfg := simpleConfig()
	cfg.Ladders[0].Tiers[0].Stay = ""
	cfg.Ladders[0].Tiers[0].MinDwell = strata.Duration(90 * 24 * time.Hour)
	e := compile(t, cfg)
	c := cust("m", "CN", cny(100), 1)
	c.Tier, c.TierSince = "vip", now.AddDate(0, 0, -30)
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	assert.Equal(t, "vip", p.Tier())
	assert.Equal(t, tiering.ReasonMinDwell, p.Tiers[0].Reason)
	assert.Equal(t, "regular", p.Tiers[0].Would)
	assert.Contains(t, p.Why(), "min_dwell")

	c.TierSince = now.AddDate(0, 0, -91)
	p, err = e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	assert.Equal(t, "regular", p.Tier())

	// A tier the ladder no longer has is simply replaced.
	c.Tier = "platinum"
	p, err = e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	assert.Equal(t, "regular", p.Tier())
	assert.Equal(t, "platinum", p.Tiers[0].Previous)
}

func TestLint(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*tiering.Config)
		want   []string
	}{
		{"no ladders", func(c *tiering.Config) { c.Ladders = nil }, []string{"ladders: at least one ladder"}},
		{"bad home", func(c *tiering.Config) { c.Home = "China" }, []string{`home: "China" is not`}},
		{"duplicate ladder", func(c *tiering.Config) { c.Ladders[1].Name = "value" }, []string{`ladders[1].name: duplicate ladder "value"`}},
		{"duplicate tier", func(c *tiering.Config) { c.Ladders[0].Tiers[1].Name = "vip" }, []string{`ladders[0].tiers[1].name: duplicate tier "vip"`}},
		{"no default", func(c *tiering.Config) { c.Ladders[1].Tiers[1].When = "customer.orders > 0" }, []string{`ladder "market" has no default`}},
		{"default not last", func(c *tiering.Config) { c.Ladders[0].Tiers[1].When = "" }, []string{`ladders[0].tiers[1].when: only the last tier may have no rule`}},
		{"unreachable", func(c *tiering.Config) {
			c.Ladders[0].Tiers[1].When = `customer.revenue >= money("6000000", "CNY")`
		}, []string{`ladders[0].tiers[1]: tier "key" can never be reached: every customer it matches is taken first by tier "vip"`}},
		{"stay off the primary ladder", func(c *tiering.Config) { c.Ladders[1].Tiers[0].Stay = "true" }, []string{"apply only to the primary"}},
		{"stay on the default", func(c *tiering.Config) { c.Ladders[0].Tiers[2].MinDwell = strata.Duration(time.Hour) }, []string{"on the default tier have no effect"}},
		{"bad cadence", func(c *tiering.Config) { c.Ladders[0].Tiers[2].FollowUp = "fortnightly" }, []string{`unknown cadence "fortnightly"`}},
		{"duplicate segment", func(c *tiering.Config) { c.Segments[1].Name = "east-china" }, []string{`segments[1].name: duplicate segment`}},
		{"segment without rule", func(c *tiering.Config) { c.Segments[0].When = "" }, []string{`segments[0].when: required`}},
		{"unknown field", func(c *tiering.Config) { c.Ladders[0].Tiers[1].When = `customer.revenu >= money("1", "CNY")` },
			[]string{`rule "tier value/key" 1:10: undefined field 'revenu'`}},
		{"unknown group", func(c *tiering.Config) { c.Segments[0].When = `in_group(customer, "East-Asia-Pacific")` },
			[]string{`rule "segment east-china" 1:20: unknown region group`}},
		{"bad host group", func(c *tiering.Config) { c.Groups = map[string][]string{"x": {"Mars"}} }, []string{`groups: group "x"`}},
		{"many at once", func(c *tiering.Config) {
			c.Ladders[0].Tiers[0].When = "customer.x"
			c.Segments[2].When = "customer.y == 1"
			c.Ladders[1].Name = ""
		}, []string{"ladders[1].name: required", `rule "tier value/vip"`, `rule "segment big"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := simpleConfig()
			tt.mutate(&cfg)
			_, err := tiering.New(cfg)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	// Errors are typed.
	cfg := simpleConfig()
	cfg.Ladders[0].Tiers[1].When = "customer.revenu > 1"
	cfg.Segments[0].Name = ""
	_, err := tiering.New(cfg)
	var re *strata.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "tier value/key", re.Rule)
	assert.Equal(t, 1, re.Line)
	var ce *strata.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "segments[0].name", ce.Path)
}

func TestExplain(t *testing.T) {
	e := compile(t, simpleConfig())
	c := withSub(cust("x", "CN", cny(2_000_000), 12), "CN-ZJ")
	ex, err := e.Explain(t.Context(), &c, now)
	require.NoError(t, err)
	assert.Equal(t, "key", ex.Placement.Tier())
	var names []string
	for _, r := range ex.Rules {
		names = append(names, r.Rule)
	}
	assert.Equal(t, []string{"tier value/vip", "tier value/key", "tier market/domestic", "segment east-china", "segment loyal", "segment big"}, names)
	vip := ex.Rules[0]
	assert.False(t, vip.Matched)
	assert.Contains(t, vip.Steps, strata.Step{Expr: `customer.revenue`, Value: "2000000.00 CNY"})
	assert.True(t, ex.Rules[1].Matched)
	assert.Contains(t, ex.Placement.Why(), `value: key — matched customer.revenue >= money("1000000", "CNY")`)
	assert.Contains(t, ex.Placement.Why(), "segments: east-china, loyal, big")
}

func TestConfigJSONRoundTrip(t *testing.T) {
	for _, cfg := range []tiering.Config{simpleConfig(), tiering.StarterConfig("CN")} {
		b, err := json.Marshal(cfg)
		require.NoError(t, err)
		var back tiering.Config
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, cfg, back)
		b2, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(b2))
	}
	var d strata.Duration
	require.NoError(t, json.Unmarshal([]byte(`"90d"`), &d))
	assert.Equal(t, strata.Duration(90*24*time.Hour), d)
	require.NoError(t, json.Unmarshal([]byte(`"36h"`), &d))
	assert.Equal(t, `"36h0m0s"`, string(must(json.Marshal(d))))
	assert.Error(t, json.Unmarshal([]byte(`"-3d"`), &d))
	assert.Error(t, json.Unmarshal([]byte(`90`), &d))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestEngineAccessors(t *testing.T) {
	e := compile(t, simpleConfig())
	assert.Equal(t, []string{"value", "market"}, e.Ladders())
	assert.Equal(t, []string{"vip", "key", "regular"}, e.Tiers("value"))
	assert.Nil(t, e.Tiers("nope"))
	assert.Equal(t, []string{"east-china", "loyal", "big"}, e.Segments())
	tier, ok := e.Tier("value", "vip")
	require.True(t, ok)
	assert.Equal(t, "sales-director", tier.OwnerRole)
	assert.Equal(t, simpleConfig(), e.Config())
}

func TestEvalErrorNamesTheRule(t *testing.T) {
	e := compile(t, simpleConfig()) // no converter
	u := cust("u", "US", strata.MoneyOf(decimal.NewFromInt(1), "USD"), 1)
	_, err := e.Classify(t.Context(), &u, now)
	var ee *strata.EvalError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "tier value/vip", ee.Rule)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)

	withRates := compile(t, simpleConfig(), tiering.WithConverter(sample.Rates))
	u = cust("u", "US", strata.MoneyOf(decimal.NewFromInt(800_000), "USD"), 1)
	p, err := withRates.Classify(t.Context(), &u, now)
	require.NoError(t, err)
	assert.Equal(t, "vip", p.Tier(), "800k USD is 5.68M CNY")
}

// TestClassifyAllMatchesClassify is the property the issue asks for: the
// parallel path gives exactly the sequential answers, in order.
func TestClassifyAllMatchesClassify(t *testing.T) {
	e := compile(t, tiering.StarterConfig("CN"), tiering.WithConverter(sample.Rates))
	book := sample.Book(now)
	for len(book) < 3000 { // more than a few batches, and not a multiple of the batch size
		book = append(book, sample.Book(now)[:333]...)
	}
	var got []tiering.Placement
	for p, err := range e.ClassifyAll(t.Context(), slices.Values(book), now) {
		require.NoError(t, err)
		got = append(got, p)
	}
	require.Len(t, got, len(book))
	for i, c := range book {
		want, err := e.Classify(t.Context(), &c, now)
		require.NoError(t, err)
		require.Equal(t, want, got[i], "customer %d (%s)", i, c.ID)
	}
}

func TestClassifyAllStopsEarly(t *testing.T) { onEachPath(t, testStopsEarly) }

func testStopsEarly(t *testing.T) {
	e := compile(t, simpleConfig())
	n := 0
	for _, err := range e.ClassifyAll(t.Context(), endless(), now) {
		require.NoError(t, err)
		n++
		if n == 1000 {
			break
		}
	}
	assert.Equal(t, 1000, n)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var lastErr error
	count := 0
	for _, err := range e.ClassifyAll(ctx, endless(), now) {
		if err != nil {
			lastErr = err
			break
		}
		count++
		if count == 500 {
			cancel()
		}
	}
	assert.ErrorIs(t, lastErr, context.Canceled)
}

func endless() iter.Seq[strata.Customer] {
	return func(yield func(strata.Customer) bool) {
		for i := 0; ; i++ {
			if !yield(cust("e", "CN", cny(int64(i%7_000_000)), i%20)) {
				return
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	e := compile(t, simpleConfig())
	book := []strata.Customer{
		withSub(cust("a", "CN", cny(6_000_000), 12), "CN-SH"),
		cust("b", "CN", cny(2_000_000), 3),
		cust("c", "CN", cny(1_000_000), 3),
		cust("d", "CN", cny(10), 1),
	}
	s, err := e.Summarize(t.Context(), slices.Values(book), now, "CNY")
	require.NoError(t, err)
	assert.Equal(t, 4, s.Total)
	assert.Equal(t, map[string]int{"vip": 1, "key": 2, "regular": 1}, s.Tiers["value"])
	assert.Equal(t, map[string]int{"domestic": 4, "overseas": 0}, s.Tiers["market"])
	assert.Equal(t, map[string]int{"east-china": 1, "loyal": 1, "big": 3}, s.Segments)
	assert.Equal(t, "3000000.00 CNY", s.Revenue["value"]["key"].String())
	assert.Equal(t, "0.00 CNY", s.Revenue["market"]["overseas"].String())
}

func TestImpact(t *testing.T) {
	old := compile(t, simpleConfig())
	cfg := simpleConfig()
	cfg.Ladders[0].Tiers[1].When = `customer.revenue >= money("2000000", "CNY")` // key gets harder
	cfg.Segments[1].When = `customer.orders >= 3`                                // loyal gets easier
	newer := compile(t, cfg)
	book := []strata.Customer{
		cust("a", "CN", cny(6_000_000), 12),
		cust("b", "CN", cny(1_500_000), 3),
		cust("c", "CN", cny(1_200_000), 5),
		cust("d", "CN", cny(2_500_000), 1),
		cust("e", "CN", cny(10), 1),
	}
	rep, err := old.Impact(t.Context(), newer, slices.Values(book), now, tiering.WithSamples(1))
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Total)
	assert.Equal(t, 2, rep.Moved)
	order := []string{"vip", "key", "regular"}
	assert.Equal(t, [][]int{{1, 0, 0}, {0, 1, 2}, {0, 0, 1}}, rep.Matrix("value", order, order))
	for _, mv := range rep.Movements {
		if mv.From == "key" && mv.To == "regular" {
			assert.Equal(t, []string{"b"}, mv.Samples, "first mover in input order, one sample")
		}
	}
	loyal := rep.Segments[slices.IndexFunc(rep.Segments, func(s tiering.SegmentChange) bool { return s.Segment == "loyal" })]
	assert.Equal(t, tiering.SegmentChange{Segment: "loyal", Gained: 2, Lost: 0, Before: 1, After: 3, Samples: []string{"b"}}, loyal)

	same, err := old.Impact(t.Context(), old, slices.Values(book), now)
	require.NoError(t, err)
	assert.Zero(t, same.Moved)
}

func TestStarterConfigOnSampleBook(t *testing.T) {
	e := compile(t, tiering.StarterConfig(sample.Home), tiering.WithConverter(sample.Rates))
	s, err := e.Summarize(t.Context(), slices.Values(sample.Book(now)), now, "CNY")
	require.NoError(t, err)
	assert.Equal(t, 700, s.Total)
	tiers := s.Tiers["value"]
	// The seed's cohorts: 30 domestic and 10 US VIPs at least; 80 potential.
	assert.GreaterOrEqual(t, tiers["vip"], 40)
	assert.Equal(t, 80, tiers["potential"])
	assert.Greater(t, tiers["key"], 80, "domestic key plus sizeable overseas accounts")
	// Every placement agrees with a hand-written Go version of the ladder.
	for _, c := range sample.Book(now) {
		p, err := e.Classify(t.Context(), &c, now)
		require.NoError(t, err)
		require.Equal(t, handTier(c), p.Tier(), c.ID)
	}
	assert.Equal(t, 10, s.Segments["us-vip"])
	assert.Equal(t, 110, s.Segments["domestic-high-value"])
	assert.Positive(t, s.Segments["east-china"])
	assert.Positive(t, s.Segments["needs-follow-up"])
}

func FuzzCompileConfig(f *testing.F) {
	seed, _ := json.Marshal(simpleConfig())
	f.Add(seed, `customer.orders > 3`)
	starter, _ := json.Marshal(tiering.StarterConfig("CN"))
	f.Add(starter, `in_group(customer, "华东")`)
	f.Add([]byte(`{"home":"CN","ladders":[{"name":"x","tiers":[{"name":"a","when":"true"},{"name":"b","when":"true"},{"name":"c"}]}]}`), `(`)
	f.Add([]byte(`{"ladders":[{"tiers":[{"min_dwell":"9999999d"}]}]}`), `customer.revenue + 1`)
	// hostile: quadratic loops, huge literals, deep nesting, zones in loops
	f.Add(seed, `customer.tags.filter(a, a in customer.tags).size() == 0`)
	f.Add(seed, `customer.revenue > money("`+strings.Repeat("9", 5000)+`", "CNY")`)
	f.Add(seed, strings.Repeat("(", 300)+"true"+strings.Repeat(")", 300))
	f.Add(seed, `customer.tags.all(t, now.getHours(t) > 1)`)
	f.Add([]byte(`{"home":"CN","groups":{"x":["HK","CN-HK"]},"ladders":[{"name":"v","tiers":[{"name":"a","follow_up":"none"}]}],"segments":[{"name":"s","when":"true"}]}`), `in_group(customer, "x")`)
	c := cust("f", "CN", cny(3_000_000), 5)
	f.Fuzz(func(t *testing.T, data []byte, rule string) {
		var cfg tiering.Config
		if json.Unmarshal(data, &cfg) != nil {
			return
		}
		if len(cfg.Segments) > 0 {
			cfg.Segments[0].When = rule
		}
		e, err := tiering.New(cfg)
		if err != nil {
			require.Nil(t, e)
			var re *strata.RuleError
			var ce *strata.ConfigError
			require.True(t, errors.As(err, &re) || errors.As(err, &ce), "typed errors only: %v", err)
			return
		}
		require.NotNil(t, e)
		p, err := e.Classify(t.Context(), &c, now)
		if err == nil {
			require.Len(t, p.Tiers, len(cfg.Ladders))
		}
	})
}

var (
	starterCNY  = []decimal.Decimal{decimal.NewFromInt(5_000_000), decimal.NewFromInt(1_000_000), decimal.NewFromInt(300_000)}
	starterUSD  = []decimal.Decimal{decimal.NewFromInt(2_000_000), decimal.NewFromInt(500_000), decimal.NewFromInt(100_000)}
	starterTier = []string{"vip", "key", "regular"}
)

// handTier is the starter ladder written by hand in Go, without hysteresis:
// the reference for correctness and for the benchmark ratio.
func handTier(c strata.Customer) string {
	domestic := c.Country == sample.Home
	cur, lines := "USD", starterUSD
	if domestic {
		cur, lines = "CNY", starterCNY
	}
	rev, err := c.Revenue.In(cur, sample.Rates)
	if err != nil {
		return "error"
	}
	for i, line := range lines {
		if rev.Amount.Cmp(line) >= 0 {
			return starterTier[i]
		}
	}
	if c.Orders == 0 {
		return "potential"
	}
	return "basic"
}
