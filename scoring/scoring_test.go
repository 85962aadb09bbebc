package scoring_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/scoring"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func money(amount, cur string) strata.Money {
	return strata.MoneyOf(decimal.RequireFromString(amount), cur)
}

func compile(t testing.TB, card scoring.Config, opts ...scoring.Option) *scoring.Engine {
	t.Helper()
	e, err := scoring.New(card, opts...)
	require.NoError(t, err)
	return e
}

// card has one criterion of each kind, equal weights, and a capped group.
func card() scoring.Config {
	return scoring.Config{
		Name: "t", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
		Criteria: []scoring.Criterion{
			{Name: "domestic", Weight: 25, When: "customer.country == home"},
			{Name: "orders", Weight: 25, Value: "customer.orders", Scale: &scoring.Scale{Kind: scoring.ScaleLinear, From: 0, To: 10}},
			{Name: "revenue", Group: "money", Weight: 25, Measure: scoring.MeasureRevenue, Scale: &scoring.Scale{Kind: scoring.ScaleLinear, From: 0, To: 1_000_000}},
			{Name: "margin", Group: "money", Weight: 25, Measure: scoring.MeasureProfitMargin, Scale: &scoring.Scale{Kind: scoring.ScaleLinear, From: 0, To: 0.2}},
		},
		Caps:   map[string]float64{"money": 25},
		Grades: []scoring.GradeBand{{Grade: "A", Min: 80}, {Grade: "B", Min: 50}, {Grade: "C", Min: 20}, {Grade: "D", Min: 0}},
	}
}

func TestCriterionKindsAndCaps(t *testing.T) {
	e := compile(t, card())
	c := strata.Customer{ID: "a", Country: "CN", Orders: 5, Revenue: money("500000", "CNY"), Profit: money("50000", "CNY")}
	r, err := e.Score(t.Context(), &c, nil, now)
	require.NoError(t, err)
	// Points possible: 25 + 25 + min(50, cap 25) = 75.
	by := map[string]scoring.Contribution{}
	for _, con := range r.Breakdown {
		by[con.Criterion] = con
	}
	assert.InDelta(t, 25.0/75*100, by["domestic"].Points, 1e-9)
	assert.Equal(t, 1.0, by["domestic"].Raw)
	assert.InDelta(t, 0.5, by["orders"].Fraction, 1e-12)
	assert.InDelta(t, 12.5/75*100, by["orders"].Points, 1e-9)
	// revenue 0.5 and margin 0.5 of 25 each: 25 earned, exactly the cap.
	assert.False(t, by["revenue"].Capped)
	assert.InDelta(t, 12.5/75*100, by["revenue"].Points, 1e-9)
	assert.InDelta(t, 25.0/75*100, by["revenue"].Max, 1e-9, "a criterion's max is its weight, capped")
	assert.InDelta(t, (25+12.5+25)/75*100, r.Score, 1e-9)
	assert.Equal(t, strata.GradeA, r.Grade, "83.3 is at least 80")

	// Over the cap: both money criteria full (50 earned), scaled to 25.
	c.Revenue, c.Profit = money("2000000", "CNY"), money("600000", "CNY")
	r, err = e.Score(t.Context(), &c, nil, now)
	require.NoError(t, err)
	for _, con := range r.Breakdown {
		if con.Group == "money" {
			assert.True(t, con.Capped)
			assert.InDelta(t, 12.5/75*100, con.Points, 1e-9)
		}
	}
	assert.InDelta(t, (25+12.5+25)/75*100, r.Score, 1e-9)
	assert.Contains(t, r.Why(), "group money capped")
}

func TestGradeBoundaries(t *testing.T) {
	cardOne := scoring.Config{Name: "g", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
		Criteria: []scoring.Criterion{{Name: "orders", Weight: 1, Value: "customer.orders", Scale: &scoring.Scale{Kind: scoring.ScaleLinear, From: 0, To: 100}}},
		Grades:   []scoring.GradeBand{{Grade: "A", Min: 80}, {Grade: "B", Min: 50}, {Grade: "C", Min: 20}, {Grade: "D", Min: 0}}}
	e := compile(t, cardOne)
	for orders, want := range map[int]strata.Grade{100: "A", 80: "A", 79: "B", 50: "B", 49: "C", 20: "C", 19: "D", 0: "D"} {
		r, err := e.Score(t.Context(), &strata.Customer{ID: "x", Country: "CN", Orders: orders}, nil, now)
		require.NoError(t, err)
		assert.Equal(t, want, r.Grade, "score %v", r.Score)
		assert.InDelta(t, float64(orders), r.Score, 1e-9)
	}
}

func TestScales(t *testing.T) {
	lin := &scoring.Scale{Kind: scoring.ScaleLinear, From: 365, To: 0} // fewer days is better
	logs := &scoring.Scale{Kind: scoring.ScaleLog, From: 0, To: 999}
	step := &scoring.Scale{Kind: scoring.ScaleStep, Steps: []scoring.Step{{At: 0, Fraction: 1}, {At: 31, Fraction: 0.5}, {At: 91, Fraction: 0}}}
	tests := []struct {
		scale *scoring.Scale
		v     float64
		want  float64
	}{
		{lin, 0, 1}, {lin, 365, 0}, {lin, 730, 0}, {lin, -10, 1}, {lin, 182.5, 0.5},
		{logs, 0, 0}, {logs, 999, 1}, {logs, math.Sqrt(1000) - 1, 0.5}, {logs, 1e9, 1}, {logs, -5, 0},
		{step, -1, 0}, {step, 0, 1}, {step, 30, 1}, {step, 31, 0.5}, {step, 90.9, 0.5}, {step, 91, 0},
	}
	for _, tt := range tests {
		e := compile(t, scoring.Config{Name: "s", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
			Criteria: []scoring.Criterion{{Name: "v", Weight: 1, Value: `attr(customer, "v", 0.0)`, Scale: tt.scale}},
			Grades:   []scoring.GradeBand{{Grade: "A", Min: 0}}})
		r, err := e.Score(t.Context(), &strata.Customer{ID: "x", Country: "CN", Attrs: map[string]any{"v": tt.v}}, nil, now)
		require.NoError(t, err)
		assert.InDelta(t, tt.want, r.Breakdown[0].Fraction, 1e-9, "%s at %v", tt.scale.Kind, tt.v)
	}
}

func TestEngagementDecay(t *testing.T) {
	day := 24 * time.Hour
	ev := func(age time.Duration, w float64) scoring.Event {
		return scoring.Event{Kind: scoring.EventVisit, At: now.Add(-age), Weight: w}
	}
	assert.InDelta(t, 8.0, scoring.Engagement([]scoring.Event{ev(0, 8)}, now, 30*day), 1e-12)
	assert.InDelta(t, 4.0, scoring.Engagement([]scoring.Event{ev(30*day, 8)}, now, 30*day), 1e-12)
	assert.InDelta(t, 2.0, scoring.Engagement([]scoring.Event{ev(60*day, 8)}, now, 30*day), 1e-12)
	assert.InDelta(t, 0.5+0.25, scoring.Engagement([]scoring.Event{ev(7*day, 1), ev(14*day, 1)}, now, 7*day), 1e-12)
	assert.InDelta(t, 3.0, scoring.Engagement([]scoring.Event{ev(400*day, 3)}, now, 0), 1e-12, "no half-life, no decay")
	assert.Zero(t, scoring.Engagement([]scoring.Event{ev(-day, 5)}, now, 30*day), "future events are ignored")
	assert.InDelta(t, 4.0-1.0, scoring.Engagement([]scoring.Event{ev(0, 4), ev(0, -1), ev(0, math.NaN())}, now, 30*day), 1e-12)
}

func TestMeasuresAndMissingData(t *testing.T) {
	e := compile(t, scoring.StarterValueConfig("CN", "CNY"))
	lead := strata.Customer{ID: "lead", Country: "DE"}
	r, err := e.Score(t.Context(), &lead, nil, now)
	require.NoError(t, err)
	assert.Zero(t, r.Score)
	assert.Equal(t, strata.GradeD, r.Grade)
	missing := map[string]bool{}
	for _, c := range r.Breakdown {
		missing[c.Criterion] = c.Missing
	}
	assert.Equal(t, map[string]bool{"revenue": false, "profit_margin": true, "frequency": false, "recency": true, "tenure": true}, missing)
	assert.Contains(t, r.Why(), "(no data)")

	p := compile(t, scoring.StarterPotentialConfig("CN", "CNY"))
	events := []scoring.Event{
		{Kind: scoring.EventMessageSent, At: now.AddDate(0, 0, -10), Weight: 0},
		{Kind: scoring.EventMessageSent, At: now.AddDate(0, 0, -5), Weight: 0},
		{Kind: scoring.EventReply, At: now.AddDate(0, 0, -4), Weight: 2},
		{Kind: scoring.EventReply, At: now.AddDate(0, 0, 1), Weight: 2}, // after now: ignored
	}
	lead.Attrs = map[string]any{"revenue_growth": 0.25, "employees": 5000.0, "inquiry_score": 1.0}
	r, err = p.Score(t.Context(), &lead, events, now)
	require.NoError(t, err)
	frac := map[string]float64{}
	for _, c := range r.Breakdown {
		frac[c.Criterion] = c.Fraction
	}
	assert.InDelta(t, 0.5, frac["growth"], 1e-12)
	assert.InDelta(t, 1.0, frac["company_size"], 1e-12)
	assert.InDelta(t, 1.0, frac["inquiry_quality"], 1e-12)
	assert.InDelta(t, 0.5, frac["responsiveness"], 1e-12, "one reply to two messages")
	assert.Greater(t, frac["engagement"], 0.0)
}

func TestMixedCurrencies(t *testing.T) {
	c := strata.Customer{ID: "us", Country: "US", Orders: 3, Revenue: money("100000", "USD"), Profit: money("710000", "CNY"),
		FirstOrderAt: now.AddDate(-1, 0, 0), LastOrderAt: now.AddDate(0, 0, -3)}
	_, err := compile(t, scoring.StarterValueConfig("CN", "CNY")).Score(t.Context(), &c, nil, now)
	require.ErrorIs(t, err, strata.ErrCurrencyMismatch, "no converter: refused, never guessed")
	assert.ErrorContains(t, err, "criterion value/revenue")

	e := compile(t, scoring.StarterValueConfig("CN", "CNY"), scoring.WithConverter(sample.Rates))
	r, err := e.Score(t.Context(), &c, nil, now)
	require.NoError(t, err)
	for _, con := range r.Breakdown {
		switch con.Criterion {
		case "revenue":
			assert.Equal(t, 710000.0, con.Raw, "100k USD read as CNY at 7.10")
		case "profit_margin":
			assert.InDelta(t, 1.0, con.Raw, 1e-12, "710k CNY profit on 100k USD revenue")
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*scoring.Config)
		want   string
	}{
		{"no name", func(c *scoring.Config) { c.Name = "" }, "name: required"},
		{"target", func(c *scoring.Config) { c.Target = "fun" }, `target: "fun"`},
		{"currency", func(c *scoring.Config) { c.Currency = "RMB" }, `currency: "RMB" is not`},
		{"two kinds", func(c *scoring.Config) { c.Criteria[0].Value = "1" }, "criteria[0]: set exactly one"},
		{"none", func(c *scoring.Config) { c.Criteria[0].When = "" }, "criteria[0]: set exactly one"},
		{"dup", func(c *scoring.Config) { c.Criteria[1].Name = "domestic" }, `criteria[1].name: duplicate criterion "domestic"`},
		{"weight", func(c *scoring.Config) { c.Criteria[1].Weight = -1 }, "criteria[1].weight: -1"},
		{"nan weight", func(c *scoring.Config) { c.Criteria[1].Weight = math.NaN() }, "criteria[1].weight: NaN"},
		{"measure", func(c *scoring.Config) { c.Criteria[2].Measure = "vibes" }, `unknown measure "vibes"`},
		{"no scale", func(c *scoring.Config) { c.Criteria[1].Scale = nil }, "criteria[1].scale: required"},
		{"scale on when", func(c *scoring.Config) { c.Criteria[0].Scale = &scoring.Scale{Kind: "linear", To: 1} }, "takes no scale"},
		{"flat scale", func(c *scoring.Config) { c.Criteria[1].Scale.To = 0 }, "from and to must be different"},
		{"bad kind", func(c *scoring.Config) { c.Criteria[1].Scale.Kind = "cubic" }, `criteria[1].scale.kind: "cubic"`},
		{"steps order", func(c *scoring.Config) {
			c.Criteria[1].Scale = &scoring.Scale{Kind: "step", Steps: []scoring.Step{{At: 5, Fraction: 1}, {At: 1, Fraction: 0}}}
		}, "steps must ascend"},
		{"cap group", func(c *scoring.Config) { c.Caps["nope"] = 3 }, `caps.nope: no criterion is in group "nope"`},
		{"grades order", func(c *scoring.Config) { c.Grades[1].Min = 90 }, "thresholds must fall"},
		{"last grade", func(c *scoring.Config) { c.Grades = c.Grades[:3] }, "the last band must start at 0"},
		{"rule", func(c *scoring.Config) { c.Criteria[1].Value = "customer.ordrs" }, `rule "criterion t/orders" 1:10: undefined field 'ordrs'`},
		{"rule type", func(c *scoring.Config) { c.Criteria[1].Value = "customer.country" }, "must evaluate to number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := card()
			c.Caps = map[string]float64{"money": 25}
			c.Criteria = slices.Clone(c.Criteria)
			s := *c.Criteria[1].Scale
			c.Criteria[1].Scale = &s
			c.Grades = slices.Clone(c.Grades)
			tt.mutate(&c)
			_, err := scoring.New(c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestApply(t *testing.T) {
	value := scoring.Result{Target: scoring.TargetValue, Score: 81, Grade: "A", At: now}
	potential := scoring.Result{Target: scoring.TargetPotential, Score: 30, Grade: "C", At: now}
	for _, order := range [][]scoring.Result{{value, potential}, {potential, value}} {
		c := strata.Customer{Orders: 4}
		for _, r := range order {
			require.NoError(t, r.Apply(&c))
		}
		assert.Equal(t, strata.Scores{Value: 81, Potential: 30, Grade: "A", ScoredAt: now}, c.Scores, "a customer is graded on what it buys")
		require.NoError(t, (&strata.Customer{ID: "x", Country: "CN", Scores: c.Scores}).Validate())
		lead := strata.Customer{}
		for _, r := range order {
			require.NoError(t, r.Apply(&lead))
		}
		assert.Equal(t, strata.Grade("C"), lead.Scores.Grade, "a lead is graded on its promise")
	}
	alone := strata.Customer{}
	require.NoError(t, value.Apply(&alone))
	assert.Equal(t, strata.Grade("A"), alone.Scores.Grade, "a record with no grade takes any card's")
	assert.Error(t, value.Apply(nil))
	assert.Error(t, scoring.Result{Target: "vibes"}.Apply(&alone))
}

func TestCardJSONRoundTrip(t *testing.T) {
	for _, c := range []scoring.Config{scoring.StarterValueConfig("CN", "CNY"), scoring.StarterPotentialConfig("CN", "USD"), card()} {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		var back scoring.Config
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c, back)
	}
}

// TestScoreProperties: on the sample book and random customers, scores stay
// within 0–100, breakdown points sum to the score, and no criterion exceeds
// its maximum.
func TestScoreProperties(t *testing.T) {
	engines := []*scoring.Engine{
		compile(t, scoring.StarterValueConfig("CN", "CNY"), scoring.WithConverter(sample.Rates)),
		compile(t, scoring.StarterPotentialConfig("CN", "CNY"), scoring.WithConverter(sample.Rates)),
		compile(t, card(), scoring.WithConverter(sample.Rates)),
	}
	r := rand.New(rand.NewPCG(1, 2))
	book := sample.Book(now)
	for i := range 2000 {
		c := strata.Customer{ID: "r", Country: []string{"CN", "US", "DE"}[r.IntN(3)], Orders: r.IntN(200),
			Revenue: strata.MoneyOf(decimal.NewFromFloat(r.Float64()*5e7), "CNY"),
			Profit:  strata.MoneyOf(decimal.NewFromFloat((r.Float64()-0.3)*5e6), "CNY"),
			Attrs:   map[string]any{"revenue_growth": r.NormFloat64(), "employees": r.Float64() * 1e5, "inquiry_score": r.Float64()*2 - 0.5}}
		if c.Orders > 0 {
			c.FirstOrderAt = now.AddDate(0, 0, -r.IntN(4000))
			c.LastOrderAt = c.FirstOrderAt.Add(time.Duration(r.Float64() * float64(now.Sub(c.FirstOrderAt))))
		}
		book = append(book, c)
		_ = i
	}
	var events []scoring.Event
	for range 50 {
		events = append(events, scoring.Event{Kind: []string{"visit", "reply", "message_sent"}[r.IntN(3)],
			At: now.Add(-time.Duration(r.Int64N(int64(400 * 24 * time.Hour)))), Weight: r.Float64() * 3})
	}
	for _, e := range engines {
		for _, c := range book {
			res, err := e.Score(t.Context(), &c, events, now)
			require.NoError(t, err)
			require.True(t, res.Score >= 0 && res.Score <= 100, "score %v", res.Score)
			sum := 0.0
			for _, con := range res.Breakdown {
				require.LessOrEqual(t, con.Points, con.Max+1e-9)
				require.GreaterOrEqual(t, con.Points, 0.0)
				sum += con.Points
			}
			require.InDelta(t, res.Score, sum, 1e-9)
		}
	}
}

func FuzzScorecardJSON(f *testing.F) {
	for _, c := range []scoring.Config{scoring.StarterValueConfig("CN", "CNY"), scoring.StarterPotentialConfig("CN", "USD"), card()} {
		b, _ := json.Marshal(c)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","target":"value","home":"CN","currency":"CNY","criteria":[{"name":"a","weight":1e308,"measure":"orders","scale":{"kind":"log","from":0,"to":1e308}}],"grades":[{"grade":"A","min":0}]}`))
	f.Add([]byte(`{"criteria":[{"name":"a","weight":1,"value":"1/0","scale":{"kind":"step","steps":[{"at":1,"fraction":2}]}}]}`))
	c := strata.Customer{ID: "f", Country: "CN", Orders: 7, Revenue: money("123456.78", "CNY"), Profit: money("1000", "CNY"),
		FirstOrderAt: now.AddDate(-2, 0, 0), LastOrderAt: now.AddDate(0, 0, -40), Attrs: map[string]any{"employees": 40.0}}
	events := []scoring.Event{{Kind: "visit", At: now.AddDate(0, 0, -3), Weight: 1}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var card scoring.Config
		if json.Unmarshal(data, &card) != nil {
			return
		}
		e, err := scoring.New(card)
		if err != nil {
			var re *strata.RuleError
			var ce *strata.ConfigError
			require.True(t, errors.As(err, &re) || errors.As(err, &ce), "typed errors only: %v", err)
			return
		}
		r, err := e.Score(t.Context(), &c, events, now)
		if err != nil {
			return
		}
		require.True(t, r.Score >= 0 && r.Score <= 100, "score %v", r.Score)
		sum := 0.0
		for _, con := range r.Breakdown {
			sum += con.Points
		}
		require.InDelta(t, r.Score, sum, 1e-6)
	})
}
