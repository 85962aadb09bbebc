package tiering_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/hostiletest"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/tiering"
)

// panicking yields n customers, then panics.
func panicking(n int) iter.Seq[strata.Customer] {
	return func(yield func(strata.Customer) bool) {
		for i := range n {
			if !yield(cust(fmt.Sprint("p", i), "CN", cny(int64(i)), 1)) {
				return
			}
		}
		panic("the host's database went away")
	}
}

// hugeTags is a record far past the limits (Validate refuses it).
func hugeTags() strata.Customer {
	c := cust("huge", "CN", cny(1), 1)
	c.Tags = make([]string, 100_000)
	for i := range c.Tags {
		c.Tags[i] = fmt.Sprint("t", i)
	}
	return c
}

// TestHostileInput is every hostile input the tiering API takes, each
// bounded in time: nil and zero values, panicking host sequences,
// cancellation during rules that loop over records past the limits, and
// configurations too large or too long for the old merged program.
func TestHostileInput(t *testing.T) {
	e := compile(t, simpleConfig())
	var nilEngine *tiering.Engine
	zero := &tiering.Engine{}
	c := cust("a", "CN", cny(1), 1)
	ctx := t.Context()
	loopy := simpleConfig()
	loopy.Segments = append(loopy.Segments, tiering.Segment{Name: "quadratic", When: `customer.tags.filter(a, a in customer.tags).size() == 0`})
	quadratic := compile(t, loopy)
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"nil engine", func(t *testing.T) {
			_, err := nilEngine.Classify(ctx, &c, now)
			assert.Error(t, err)
			_, err = nilEngine.Explain(ctx, &c, now)
			assert.Error(t, err)
			_, err = nilEngine.Summarize(ctx, slices.Values([]strata.Customer{c}), now, "CNY")
			assert.Error(t, err)
			_, err = nilEngine.Impact(ctx, nil, nil, now)
			assert.Error(t, err)
			for _, err := range nilEngine.ClassifyAll(ctx, slices.Values([]strata.Customer{c}), now) {
				assert.Error(t, err)
			}
			assert.Nil(t, nilEngine.Ladders())
			assert.Zero(t, nilEngine.Config())
		}},
		{"zero engine", func(t *testing.T) {
			_, err := zero.Classify(ctx, &c, now)
			assert.Error(t, err)
			_, err = e.Impact(ctx, zero, slices.Values([]strata.Customer{c}), now)
			assert.Error(t, err)
			assert.Nil(t, zero.Segments())
			_, ok := zero.Tier("value", "vip")
			assert.False(t, ok)
		}},
		{"nil record, context, sequence", func(t *testing.T) {
			_, err := e.Classify(ctx, nil, now)
			assert.Error(t, err)
			_, err = e.Explain(ctx, nil, now)
			assert.Error(t, err)
			//lint:ignore SA1012 a nil context is refused, not a panic
			_, err = e.Classify(nil, &c, now)
			assert.Error(t, err)
			for _, err := range e.ClassifyAll(ctx, nil, now) {
				assert.Error(t, err)
			}
			_, err = e.Summarize(ctx, nil, now, "CNY")
			assert.Error(t, err)
			_, err = e.Impact(ctx, e, nil, now)
			assert.Error(t, err)
			assert.Error(t, tiering.Placement{}.Apply(nil))
		}},
		{"panicking sequence", func(t *testing.T) {
			onEachPath(t, func(t *testing.T) {
				var last error
				n := 0
				for _, err := range e.ClassifyAll(ctx, panicking(1000), now) {
					if err != nil {
						last = err
						break
					}
					n++
				}
				assert.ErrorIs(t, last, tiering.ErrPanicked)
				assert.NotContains(t, last.Error(), "database", "the panic value is not repeated")
				_, err := e.Summarize(ctx, panicking(10), now, "CNY")
				assert.ErrorIs(t, err, tiering.ErrPanicked)
				_, err = e.Impact(ctx, e, panicking(10), now)
				assert.ErrorIs(t, err, tiering.ErrPanicked)
			})
		}},
		{"cancelled during a quadratic rule", func(t *testing.T) {
			onEachPath(t, func(t *testing.T) {
				huge := hugeTags()
				book := slices.Repeat([]strata.Customer{huge}, 64)
				cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
				var last error
				for _, err := range quadratic.ClassifyAll(cctx, slices.Values(book), now) {
					if err != nil {
						last = err
					}
				}
				assert.ErrorIs(t, last, context.DeadlineExceeded)
				one, stop := context.WithTimeout(ctx, 20*time.Millisecond)
				defer stop()
				_, err := quadratic.Classify(one, &huge, now)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			})
		}},
		{"a thousand tiers", func(t *testing.T) {
			cfg := tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value"}}}
			for i := range 1000 {
				cfg.Ladders[0].Tiers = append(cfg.Ladders[0].Tiers, tiering.Tier{Name: fmt.Sprint("t", i), FollowUp: tiering.CadenceNone,
					When: fmt.Sprintf(`customer.revenue >= money("%d", "CNY")`, (1000-i)*1000)})
			}
			cfg.Ladders[0].Tiers = append(cfg.Ladders[0].Tiers, tiering.Tier{Name: "rest", FollowUp: tiering.CadenceNone})
			big := compile(t, cfg)
			rich := cust("r", "CN", cny(500_500), 1)
			p, err := big.Classify(ctx, &rich, now)
			require.NoError(t, err)
			assert.Equal(t, "t500", p.Tier())
		}},
		{"long rules", func(t *testing.T) {
			// 16 tiers of 80 KB each: the unreachable-tier check reads
			// each rule once.
			cfg := tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value"}}}
			for i := range 16 {
				var b strings.Builder
				fmt.Fprintf(&b, "customer.orders >= %d", 16-i)
				for b.Len() < 80_000 {
					fmt.Fprintf(&b, ` && customer.industry != "industry-%06d"`, b.Len())
				}
				cfg.Ladders[0].Tiers = append(cfg.Ladders[0].Tiers, tiering.Tier{Name: fmt.Sprint("t", i), When: b.String(), FollowUp: tiering.CadenceNone})
			}
			cfg.Ladders[0].Tiers = append(cfg.Ladders[0].Tiers, tiering.Tier{Name: "rest", FollowUp: tiering.CadenceNone})
			_, err := tiering.New(cfg)
			require.NoError(t, err)
		}},
		{"many segments", func(t *testing.T) {
			cfg := simpleConfig()
			cfg.Segments = nil
			for i := range 1500 {
				cfg.Segments = append(cfg.Segments, tiering.Segment{Name: fmt.Sprint("s", i),
					When: fmt.Sprintf(`in_group(customer, "EU") && customer.orders >= %d && customer.industry != "industry-number-%06d"`, i%20, i)})
			}
			many := compile(t, cfg)
			de := cust("de", "DE", cny(1), 7)
			p, err := many.Classify(ctx, &de, now)
			require.NoError(t, err)
			assert.Len(t, p.Segments, 1500/20*8)
		}},
		{"hostile rule text", func(t *testing.T) {
			for _, rule := range []string{
				`customer.revenue >= money("` + strings.Repeat("9", 1_000_000) + `", "CNY")`,
				"customer.orders > 1 \xff",
				strings.Repeat("(", 100_000),
				`customer.tags.all(a, customer.tags.all(b, customer.tags.all(c, a + b + c != "")))`,
			} {
				cfg := simpleConfig()
				cfg.Segments[0].When = rule
				_, err := tiering.New(cfg)
				var re *strata.RuleError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "segments[0].when", re.Path)
				assert.Less(t, len(err.Error()), 4000, "the error does not quote the whole rule")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { hostiletest.Within(t, func() { tt.run(t) }) })
	}
}

// TestRuleErrorsCarryTheirPath: every rule error names where the
// configuration holds the rule, and its column is the misspelt name's.
func TestRuleErrorsCarryTheirPath(t *testing.T) {
	cfg := simpleConfig()
	cfg.Ladders[0].Tiers[1].When = `customer.revenu >= money("1", "CNY")`
	cfg.Ladders[0].Tiers[0].Stay = `customer.ordrs > 1`
	cfg.Segments[2].When = `customer.country == home && customer.industy == "x"`
	_, err := tiering.New(cfg)
	require.Error(t, err)
	got := map[string][2]int{}
	for _, p := range strata.Problems(err) {
		var re *strata.RuleError
		require.ErrorAs(t, p, &re)
		got[re.Path] = [2]int{re.Line, re.Column}
	}
	assert.Equal(t, map[string][2]int{
		"ladders[0].tiers[0].stay": {1, 10},
		"ladders[0].tiers[1].when": {1, 10},
		"segments[2].when":         {1, 38},
	}, got)
	assert.Contains(t, err.Error(), "ladders[0].tiers[1].when: rule \"tier value/key\" 1:10: undefined field 'revenu'")
}

// TestFollowUpRequiredOnThePrimaryLadder: a primary tier without a cadence
// is refused (it would silently end follow-ups); "none" says so.
func TestFollowUpRequiredOnThePrimaryLadder(t *testing.T) {
	cfg := simpleConfig()
	cfg.Ladders[0].Tiers[1].FollowUp = ""
	_, err := tiering.New(cfg)
	require.Error(t, err)
	var ce *strata.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "ladders[0].tiers[1].follow_up", ce.Path)
	cfg.Ladders[0].Tiers[1].FollowUp = tiering.CadenceNone
	e := compile(t, cfg)
	c := cust("k", "CN", cny(2_000_000), 3)
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	assert.Equal(t, "key", p.Tier())
	assert.True(t, p.NextFollowUp.IsZero())
}

// TestStarterFileIsTheStarter: the shipped starter.yaml loads strictly,
// satisfies the schema, round-trips, compiles, and is what StarterConfig
// returns, with home replaced.
func TestStarterFileIsTheStarter(t *testing.T) {
	data, err := os.ReadFile("starter.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, tiering.ParseConfig)
	assert.Equal(t, cfg, tiering.StarterConfig("CN"))
	us := tiering.StarterConfig("US")
	assert.Equal(t, "US", us.Home)
	cfg.Home = "US"
	assert.Equal(t, cfg, us)
	us.Ladders[0].Tiers[0].Name = "changed"
	assert.Equal(t, "vip", tiering.StarterConfig("US").Ladders[0].Tiers[0].Name, "each call returns a new copy")
	compile(t, tiering.StarterConfig("CN"), tiering.WithConverter(sample.Rates))
}

// shuffled returns cfg rebuilt with every map filled in a random order.
func shuffled(r *rand.Rand, cfg tiering.Config) tiering.Config {
	fill := func(m map[string]string) map[string]string {
		if m == nil {
			return nil
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		out := make(map[string]string, len(m))
		for _, k := range keys {
			out[k] = m[k]
		}
		return out
	}
	out := cfg
	out.Ladders = slices.Clone(cfg.Ladders)
	for i := range out.Ladders {
		out.Ladders[i].Tiers = slices.Clone(out.Ladders[i].Tiers)
		for j := range out.Ladders[i].Tiers {
			out.Ladders[i].Tiers[j].Meta = fill(out.Ladders[i].Tiers[j].Meta)
		}
	}
	out.Segments = slices.Clone(cfg.Segments)
	for i := range out.Segments {
		out.Segments[i].Meta = fill(out.Segments[i].Meta)
	}
	if cfg.Groups != nil {
		names := make([]string, 0, len(cfg.Groups))
		for k := range cfg.Groups {
			names = append(names, k)
		}
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		out.Groups = map[string][]string{}
		for _, k := range names {
			out.Groups[k] = cfg.Groups[k]
		}
	}
	return out
}

// TestDeterminism builds configurations 50 times with their maps filled in
// shuffled orders and requires identical bytes out: errors, explanations,
// placements, summaries and impact reports.
func TestDeterminism(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	good := tiering.StarterConfig("CN")
	good.Groups = map[string][]string{}
	for i := range 30 {
		good.Groups[fmt.Sprintf("Market %02d", i)] = []string{"DE", "FR", "CN-GD"}
	}
	for i := range good.Ladders[0].Tiers {
		good.Ladders[0].Tiers[i].Meta = map[string]string{"colour": "red", "sla": "4h", "band": fmt.Sprint(i), "discount": "5%"}
	}
	good.Segments = append(good.Segments, tiering.Segment{Name: "market-07", When: `in_group(customer, "Market 07")`})
	bad := tiering.StarterConfig("CN")
	bad.Groups = map[string][]string{}
	for i := range 30 {
		bad.Groups[fmt.Sprintf("G%02d", i)] = []string{"XX", fmt.Sprintf("Q%d", i)}
	}
	bad.Ladders[0].Tiers[2].When = "customer.nope"
	bad.Segments[3].When = `in_group(customer, "Atlantis")`
	book := sample.Book(now)[:200]
	var want []string
	for run := range 50 {
		out := outputs(t, shuffled(r, good), shuffled(r, bad), book)
		if run == 0 {
			want = out
			continue
		}
		for i := range want {
			require.Equal(t, want[i], out[i], "run %d, output %d", run, i)
		}
	}
}

// outputs returns what the good and bad configurations give, as text.
func outputs(t *testing.T, good, bad tiering.Config, book []strata.Customer) []string {
	_, err := tiering.New(bad)
	require.Error(t, err)
	out := []string{err.Error()}
	e := compile(t, good, tiering.WithConverter(sample.Rates))
	js := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	for i := range 20 {
		ex, err := e.Explain(t.Context(), &book[i], now)
		require.NoError(t, err)
		out = append(out, js(ex), ex.Placement.Why())
	}
	var all []tiering.Placement
	for p, err := range e.ClassifyAll(t.Context(), slices.Values(book), now) {
		require.NoError(t, err)
		all = append(all, p)
	}
	s, err := e.Summarize(t.Context(), slices.Values(book), now, "CNY")
	require.NoError(t, err)
	proposed := good
	proposed.Ladders = slices.Clone(good.Ladders)
	proposed.Ladders[0].Tiers = slices.Clone(good.Ladders[0].Tiers)
	proposed.Ladders[0].Tiers[1].When = `customer.revenue >= money("1500000", "CNY")`
	rep, err := e.Impact(t.Context(), compile(t, proposed, tiering.WithConverter(sample.Rates)), slices.Values(book), now)
	require.NoError(t, err)
	return append(out, js(all), js(s), js(rep), js(e.Config()))
}

// TestObserver: each batch reports once, with its outcome and counts.
func TestObserver(t *testing.T) {
	var events []strata.Event
	e := compile(t, simpleConfig(), tiering.WithObserver(func(_ context.Context, ev strata.Event) { events = append(events, ev) }))
	book := []strata.Customer{cust("a", "CN", cny(1), 1), cust("b", "CN", cny(6_000_000), 9)}
	for _, err := range e.ClassifyAll(t.Context(), slices.Values(book), now) {
		require.NoError(t, err)
	}
	_, err := e.Summarize(t.Context(), slices.Values(book), now, "CNY")
	require.NoError(t, err)
	_, err = e.Impact(t.Context(), e, slices.Values(book), now)
	require.NoError(t, err)
	for _, err := range e.ClassifyAll(t.Context(), panicking(3), now) {
		_ = err
	}
	require.Len(t, events, 4)
	for i, op := range []string{"classify_all", "summarize", "impact", "classify_all"} {
		assert.Equal(t, "tiering", events[i].Package)
		assert.Equal(t, op, events[i].Op)
	}
	assert.Equal(t, []string{"ok", "ok", "ok", "error"}, []string{events[0].Outcome, events[1].Outcome, events[2].Outcome, events[3].Outcome})
	assert.Equal(t, &tiering.BatchStats{Customers: 2}, events[0].Detail)
	assert.ErrorIs(t, events[3].Err, tiering.ErrPanicked)
}

// TestHeapDoesNotGrowWithInput: ten thousand distinct invalid
// configurations, documents and records leave the live heap where it was.
func TestHeapDoesNotGrowWithInput(t *testing.T) {
	e := compile(t, simpleConfig())
	run := func(n int) {
		for i := range n {
			cfg := tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "v", Tiers: []tiering.Tier{{Name: "all", FollowUp: tiering.CadenceNone}}}},
				Segments: []tiering.Segment{{Name: "s", When: fmt.Sprintf(`customer.revenu%d > 1 && in_group(customer, "Nowhere %d")`, i, i)}}}
			_, err := tiering.New(cfg)
			require.Error(t, err)
			_, err = tiering.ParseConfig([]byte(fmt.Sprintf(`{"home": "CN", "ladders": [], "x%d": 1}`, i)))
			require.Error(t, err)
			c := cust(fmt.Sprint("c", i), "CN", strata.MoneyOf(decimal.NewFromInt(int64(i)), fmt.Sprintf("X%02d", i%100)), 1)
			c.TimeZone = fmt.Sprint("Nowhere/", i)
			_, _ = e.Classify(t.Context(), &c, now)
		}
	}
	run(1000) // what is allocated once
	before := liveHeap()
	run(10_000)
	assert.Less(t, int64(liveHeap())-int64(before), int64(1<<20))
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// FuzzParseConfig: the loader never panics, returns typed errors, and what
// it accepts round-trips.
func FuzzParseConfig(f *testing.F) {
	starter, err := os.ReadFile("starter.yaml")
	require.NoError(f, err)
	f.Add(starter)
	js, _ := json.Marshal(simpleConfig())
	f.Add(js)
	f.Add([]byte(`{"home":"CN","ladders":[{"name":"v","tiers":[{"name":"a","folow_up":"weekly"}]}]}`))
	f.Add([]byte("home: CN\nladders: &a [*a]\n"))
	f.Add([]byte(`{"ladders":[{"tiers":[{"min_dwell":"9999999999999d"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := tiering.ParseConfig(data)
		if err != nil {
			for _, p := range strata.Problems(err) {
				var ce *strata.ConfigError
				require.True(t, errors.As(p, &ce), "typed errors only: %v", p)
			}
			return
		}
		out, err := json.Marshal(cfg)
		require.NoError(t, err)
		back, err := tiering.ParseConfig(out)
		require.NoError(t, err, "%s", out)
		require.Equal(t, cfg, back)
	})
}
