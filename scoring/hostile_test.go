package scoring_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/hostiletest"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/scoring"
)

// TestGradeAtThresholdIsExact is the finding: weights of 0.7, 0.1 and 0.2
// add up in float64 to 0.7999999999999999 of 1, which graded B while Why
// printed 80.0. The score is 80 and the grade A.
func TestGradeAtThresholdIsExact(t *testing.T) {
	card := scoring.Config{Name: "g", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
		Criteria: []scoring.Criterion{
			{Name: "a", Weight: 0.7, When: "customer.orders > 0"},
			{Name: "b", Weight: 0.1, When: "customer.orders > 1"},
			{Name: "c", Weight: 0.2, When: "customer.orders > 100"},
		},
		Grades: []scoring.GradeBand{{Grade: "A", Min: 80}, {Grade: "B", Min: 50}, {Grade: "D", Min: 0}}}
	r, err := compile(t, card).Score(t.Context(), &strata.Customer{ID: "x", Country: "CN", Orders: 5}, nil, now)
	require.NoError(t, err)
	assert.Equal(t, 80.0, r.Score)
	assert.Equal(t, strata.GradeA, r.Grade)
	assert.Contains(t, r.Why(), "score 80.0 → grade A")
}

// TestGradesMatchExactArithmetic: for random cards of conditions with
// weights of up to two decimals (which do not sum to 100), random caps and
// thresholds of one decimal, the grade is the one exact rational arithmetic
// gives, and Score is the exact score to nine decimals.
func TestGradesMatchExactArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 2000 {
		n := 1 + r.IntN(6)
		card := scoring.Config{Name: "p", Target: scoring.TargetValue, Home: "CN", Currency: "CNY"}
		weights := make([]*big.Rat, n)
		for i := range n {
			cents := 1 + r.Int64N(100_000)
			weights[i] = big.NewRat(cents, 100)
			w, _ := weights[i].Float64()
			cr := scoring.Criterion{Name: fmt.Sprint("c", i), Weight: w, When: fmt.Sprintf("customer.orders > %d", i)}
			if i < 2 && r.IntN(2) == 0 {
				cr.Group = "g"
			}
			card.Criteria = append(card.Criteria, cr)
		}
		var capRat *big.Rat
		if slices.ContainsFunc(card.Criteria, func(c scoring.Criterion) bool { return c.Group == "g" }) && r.IntN(2) == 0 {
			capCents := 1 + r.Int64N(100_000)
			capRat = big.NewRat(capCents, 100)
			capF, _ := capRat.Float64()
			card.Caps = map[string]float64{"g": capF}
		}
		top := 1 + r.IntN(1000) // tenths
		mins := []float64{float64(top) / 10}
		if mid := r.IntN(top); mid > 0 {
			mins = append(mins, float64(mid)/10)
		}
		mins = append(mins, 0)
		for i, m := range mins {
			card.Grades = append(card.Grades, scoring.GradeBand{Grade: []strata.Grade{"A", "B", "C"}[i], Min: m})
		}
		orders := r.IntN(n + 1)
		exact := exactScore(card, weights, capRat, orders)
		// Half the time the best grade starts exactly at the score, when the
		// score has at most two decimals: the case floats get wrong.
		if hundredths := new(big.Rat).Mul(exact, big.NewRat(100, 1)); hundredths.IsInt() && exact.Sign() > 0 && r.IntN(2) == 0 {
			f, _ := exact.Float64()
			card.Grades = []scoring.GradeBand{{Grade: "A", Min: f}, {Grade: "B", Min: 0}}
		}
		e := compile(t, card)
		res, err := e.Score(t.Context(), &strata.Customer{ID: "x", Country: "CN", Orders: orders}, nil, now)
		require.NoError(t, err)
		want := card.Grades[len(card.Grades)-1].Grade
		for _, g := range card.Grades {
			min := new(big.Rat).SetFrac64(int64(math.Round(g.Min*100)), 100)
			if exact.Cmp(min) >= 0 {
				want = g.Grade
				break
			}
		}
		require.Equal(t, want, res.Grade, "score %v, exact %s, card %+v", res.Score, exact.FloatString(12), card)
		f, _ := exact.Float64()
		require.InDelta(t, f, res.Score, 1e-9)
	}
}

// exactScore is 100 × earned / possible in rational arithmetic, with the
// cap applied to group g.
func exactScore(card scoring.Config, weights []*big.Rat, capRat *big.Rat, orders int) *big.Rat {
	earned, possible := new(big.Rat), new(big.Rat)
	groupEarned, groupPossible := new(big.Rat), new(big.Rat)
	for i, c := range card.Criteria {
		got := orders > i
		if c.Group == "g" {
			groupPossible.Add(groupPossible, weights[i])
			if got {
				groupEarned.Add(groupEarned, weights[i])
			}
			continue
		}
		possible.Add(possible, weights[i])
		if got {
			earned.Add(earned, weights[i])
		}
	}
	if capRat != nil {
		if groupPossible.Cmp(capRat) > 0 {
			groupPossible.Set(capRat)
		}
		if groupEarned.Cmp(capRat) > 0 {
			groupEarned.Set(capRat)
		}
	}
	earned.Add(earned, groupEarned)
	possible.Add(possible, groupPossible)
	return earned.Mul(earned, big.NewRat(100, 1)).Quo(earned, possible)
}

// TestStarterFilesAreTheStarters: the shipped value.yaml and potential.yaml
// load strictly, satisfy the schema, round-trip, compile, and are what the
// Starter functions return, with home and currency replaced.
func TestStarterFilesAreTheStarters(t *testing.T) {
	for file, starter := range map[string]func(string, string) scoring.Config{
		"value.yaml": scoring.StarterValueConfig, "potential.yaml": scoring.StarterPotentialConfig,
	} {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		card := schematest.Check(t, "config.schema.json", data, scoring.ParseConfig)
		assert.Equal(t, card, starter("CN", "CNY"), file)
		us := starter("US", "USD")
		card.Home, card.Currency = "US", "USD"
		assert.Equal(t, card, us, file)
		us.Criteria[0].Scale.From = -1
		assert.NotEqual(t, -1.0, starter("US", "USD").Criteria[0].Scale.From, "each call returns a new copy")
		compile(t, starter("CN", "CNY"))
	}
}

// TestRuleErrorsCarryTheirPath: a criterion's rule error names its path,
// and its column is the misspelt name's.
func TestRuleErrorsCarryTheirPath(t *testing.T) {
	c := card()
	c.Criteria[0].When = "customer.contry == home"
	c.Criteria[1].Value = "customer.ordrs"
	_, err := scoring.New(c)
	require.Error(t, err)
	var paths []string
	for _, p := range strata.Problems(err) {
		var re *strata.RuleError
		require.ErrorAs(t, p, &re)
		paths = append(paths, fmt.Sprintf("%s %d:%d", re.Path, re.Line, re.Column))
	}
	assert.Equal(t, []string{"criteria[0].when 1:10", "criteria[1].value 1:10"}, paths)
}

// TestHalfLifeRequiredWithEngagement: a card measuring engagement without
// a half-life is refused rather than counting old events in full.
func TestHalfLifeRequiredWithEngagement(t *testing.T) {
	c := scoring.StarterPotentialConfig("CN", "CNY")
	c.HalfLife = 0
	_, err := scoring.New(c)
	var ce *strata.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "half_life", ce.Path)
	v := scoring.StarterValueConfig("CN", "CNY")
	v.HalfLife = 0
	compile(t, v) // no engagement: none needed
}

// TestDeterminism builds cards 50 times with their caps filled in shuffled
// orders and requires identical bytes out: errors and the JSON of results.
func TestDeterminism(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	base := scoring.StarterValueConfig("CN", "CNY")
	for i := range 12 {
		base.Criteria = append(base.Criteria, scoring.Criterion{Name: fmt.Sprint("x", i), Group: fmt.Sprint("g", i), Weight: 0.1 + float64(i)/7,
			When: fmt.Sprintf("customer.orders > %d", i)})
	}
	caps := map[string]float64{"monetary": 45}
	for i := range 12 {
		caps[fmt.Sprint("g", i)] = 0.05 + float64(i)/13
	}
	badCaps := map[string]float64{}
	for i := range 20 {
		badCaps[fmt.Sprint("nope", i)] = -1
	}
	book := sample.Book(now)[:100]
	var want []string
	for run := range 50 {
		card, bad := base, base
		card.Caps, bad.Caps = shuffledCaps(r, caps), shuffledCaps(r, badCaps)
		_, err := scoring.New(bad)
		require.Error(t, err)
		out := []string{err.Error()}
		e := compile(t, card, scoring.WithConverter(sample.Rates))
		for i := range book {
			res, err := e.Score(t.Context(), &book[i], nil, now)
			require.NoError(t, err)
			b, err := json.Marshal(res)
			require.NoError(t, err)
			out = append(out, string(b), res.Why())
		}
		if run == 0 {
			want = out
			continue
		}
		require.Equal(t, want, out, "run %d", run)
	}
}

func shuffledCaps(r *rand.Rand, m map[string]float64) map[string]float64 {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	out := make(map[string]float64, len(m))
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

func panicking(n int) iter.Seq[strata.Customer] {
	return func(yield func(strata.Customer) bool) {
		for range n {
			if !yield(strata.Customer{ID: "p", Country: "CN"}) {
				return
			}
		}
		panic("the host's database went away")
	}
}

// TestHostileInput is every hostile input the scoring API takes, each
// bounded in time.
func TestHostileInput(t *testing.T) {
	e := compile(t, card())
	var nilEngine *scoring.Engine
	c := strata.Customer{ID: "x", Country: "CN"}
	ctx := t.Context()
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"nil and zero engines", func(t *testing.T) {
			_, err := nilEngine.Score(ctx, &c, nil, now)
			assert.Error(t, err)
			_, err = (&scoring.Engine{}).Score(ctx, &c, nil, now)
			assert.Error(t, err)
			assert.Zero(t, nilEngine.Config())
		}},
		{"nil record and context", func(t *testing.T) {
			_, err := e.Score(ctx, nil, nil, now)
			assert.Error(t, err)
			//lint:ignore SA1012 a nil context is refused, not a panic
			_, err = e.Score(nil, &c, nil, now)
			assert.Error(t, err)
			_, err = scoring.RFM(ctx, nil, now)
			assert.Error(t, err)
		}},
		{"panicking sequence", func(t *testing.T) {
			_, err := scoring.RFM(ctx, panicking(100), now)
			assert.ErrorIs(t, err, scoring.ErrPanicked)
			assert.NotContains(t, err.Error(), "database")
		}},
		{"cancelled during a quadratic rule", func(t *testing.T) {
			card := card()
			card.Criteria[0].When = `customer.tags.filter(a, a in customer.tags).size() == 0`
			slow := compile(t, card)
			huge := c
			huge.Tags = make([]string, 100_000)
			for i := range huge.Tags {
				huge.Tags[i] = fmt.Sprint("t", i)
			}
			cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			_, err := slow.Score(cctx, &huge, nil, now)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		}},
		{"hostile configurations", func(t *testing.T) {
			for _, mutate := range []func(*scoring.Config){
				func(c *scoring.Config) {
					c.Criteria[0].When = `customer.orders > 0 && money("` + strings.Repeat("9", 1_000_000) + `", "CNY") > customer.revenue`
				},
				func(c *scoring.Config) { c.Criteria[0].When = "customer.orders > 1 \xff" },
				func(c *scoring.Config) { c.Criteria[1].Weight = 1e308 },
				func(c *scoring.Config) { c.Caps["money"] = 1e300 },
			} {
				cfg := card()
				cfg.Caps = map[string]float64{"money": 25}
				cfg.Criteria = slices.Clone(cfg.Criteria)
				mutate(&cfg)
				_, err := scoring.New(cfg)
				require.Error(t, err)
				assert.Less(t, len(err.Error()), 4000)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { hostiletest.Within(t, func() { tt.run(t) }) })
	}
}

// TestObserver: RFM reports each run once.
func TestObserver(t *testing.T) {
	var events []strata.Event
	obs := scoring.WithObserver(func(_ context.Context, ev strata.Event) { events = append(events, ev) })
	_, err := scoring.RFM(t.Context(), population(100), now, obs)
	require.NoError(t, err)
	_, err = scoring.RFM(t.Context(), panicking(3), now, obs)
	require.Error(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, []string{"rfm", "ok"}, []string{events[0].Op, events[0].Outcome})
	assert.Equal(t, &scoring.BatchStats{Customers: 100}, events[0].Detail)
	assert.Equal(t, "error", events[1].Outcome)
	assert.ErrorIs(t, events[1].Err, scoring.ErrPanicked)
}

// TestHeapDoesNotGrowWithInput: ten thousand distinct invalid cards,
// documents and records leave the live heap where it was.
func TestHeapDoesNotGrowWithInput(t *testing.T) {
	e := compile(t, card())
	run := func(n int) {
		for i := range n {
			cfg := scoring.Config{Name: "h", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
				Criteria: []scoring.Criterion{{Name: "a", Weight: 1, When: fmt.Sprintf("customer.ordrs%d > %d", i, i)}},
				Grades:   []scoring.GradeBand{{Grade: "A", Min: 0}}}
			_, err := scoring.New(cfg)
			require.Error(t, err)
			_, err = scoring.ParseConfig([]byte(fmt.Sprintf(`{"name": "x", "y%d": 1}`, i)))
			require.Error(t, err)
			c := strata.Customer{ID: fmt.Sprint("c", i), Country: "CN", Orders: i,
				Revenue: strata.MoneyOf(money(fmt.Sprint(i), "CNY").Amount, fmt.Sprintf("X%02d", i%100))}
			_, _ = e.Score(t.Context(), &c, nil, now)
		}
	}
	run(1000)
	var m runtime.MemStats
	heap := func() int64 {
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := heap()
	run(10_000)
	assert.Less(t, heap()-before, int64(1<<20))
}

// FuzzParseConfig: the loader never panics, returns typed errors, and what
// it accepts round-trips.
func FuzzParseConfig(f *testing.F) {
	for _, file := range []string{"value.yaml", "potential.yaml"} {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	js, _ := json.Marshal(card())
	f.Add(js)
	f.Add([]byte(`{"name":"x","criteria":[{"name":"a","weight":"heavy"}]}`))
	f.Add([]byte("name: x\ncaps: {a: .nan}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := scoring.ParseConfig(data)
		if err != nil {
			for _, p := range strata.Problems(err) {
				var ce *strata.ConfigError
				require.True(t, errors.As(p, &ce), "typed errors only: %v", p)
			}
			return
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			return // NaN and infinities have no JSON; New refuses them
		}
		back, err := scoring.ParseConfig(out)
		require.NoError(t, err, "%s", out)
		require.Equal(t, cfg, back)
	})
}
