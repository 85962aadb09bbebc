package review_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
	"github.com/strata-go/strata/timezone"
)

// nilCtx is a nil context, which every entry point must refuse.
var nilCtx context.Context

func usd(n int64) strata.Money { return strata.MoneyOf(decimal.NewFromInt(n), "USD") }

// smallTeam has two reps in Berlin (09:00–18:00 and German holidays), one
// without a shift, and an inactive one; three rules, one of which never
// fires in the records below.
func smallTeam() routing.Config {
	berlin := &timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Subdivision: "DE-BE"}
	return routing.Config{Home: "DE",
		Agents: []routing.Agent{
			{ID: "anna", Country: "DE", Capacity: 10, Shift: berlin, Seniority: 3},
			{ID: "ben", Country: "DE", Capacity: 10, Shift: berlin, Seniority: 2},
			{ID: "cara", Country: "DE", Capacity: 10, Seniority: 4},
			{ID: "dora", Country: "DE", Capacity: 10, Inactive: true},
		},
		Pools: []routing.Pool{
			{Name: "domestic", Members: []string{"anna", "ben"}, Strategy: routing.RoundRobin},
			{Name: "export", Members: []string{"cara"}, Strategy: routing.LeastLoaded, Overflow: []routing.OverflowStep{{Pool: "domestic"}}},
			{Name: "spare", Members: []string{"dora"}, Strategy: routing.LeastLoaded},
		},
		Rules: []routing.Rule{
			{Name: "export", When: `customer.country != home`, Pool: "export"},
			{Name: "big", When: `lead.value >= money("1000000", "USD")`, Pool: "export"},
		},
		DefaultPool: "domestic",
	}
}

// Friday 3 April 2026 is Good Friday in Germany; Monday 6 April Easter
// Monday.
var (
	thu = time.Date(2026, 4, 2, 15, 0, 0, 0, time.UTC) // 17:00 in Berlin
	tue = time.Date(2026, 4, 7, 8, 0, 0, 0, time.UTC)  // 10:00 in Berlin
)

func records() []review.Record {
	return []review.Record{
		// anna: received Thursday 17:00, called Tuesday 10:00 Berlin time:
		// 1 h on Thursday + 1 h on Tuesday (Easter in between).
		{Item: "l1", At: thu, Agent: "anna", Pool: "domestic", FirstContact: tue, Released: tue.Add(48 * time.Hour),
			Converted: true, Won: usd(1000), ClosedAt: thu.Add(30 * 24 * time.Hour), Satisfaction: 5},
		// anna: called within the hour, not converted.
		{Item: "l2", At: tue, Agent: "anna", Pool: "domestic", FirstContact: tue.Add(30 * time.Minute), Released: tue.Add(24 * time.Hour), Satisfaction: 3},
		// ben: never called (an SLA miss), still held.
		{Item: "l3", At: tue, Agent: "ben", Pool: "domestic"},
		// cara (no shift, wall time): called after 5 hours, converted in EUR.
		{Item: "l4", At: tue, Agent: "cara", Pool: "export", Rule: "export", FirstContact: tue.Add(5 * time.Hour),
			Converted: true, Won: strata.MoneyOf(decimal.NewFromInt(920), "EUR"), ClosedAt: tue.Add(10 * 24 * time.Hour), Released: tue.Add(72 * time.Hour)},
		// An export lead that overflowed to ben.
		{Item: "l5", At: tue.Add(time.Hour), Agent: "ben", Pool: "domestic", Rule: "export", Step: 1, FirstContact: tue.Add(90 * time.Minute),
			Released: tue.Add(2 * time.Hour)},
		// Nobody took it.
		{Item: "l6", At: tue.Add(2 * time.Hour), Rule: "export", Pool: "export"},
		// A rep and a rule the configuration does not have.
		{Item: "l7", At: tue.Add(3 * time.Hour), Agent: "zed", Pool: "domestic", Rule: "old-rule", FirstContact: tue.Add(4 * time.Hour)},
	}
}

var rates = strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"EUR": decimal.RequireFromString("0.92")}}

func TestReviewFigures(t *testing.T) {
	cfg := review.Config{Name: "Q2", Currency: "USD", SLA: strata.Duration(2 * time.Hour),
		Period: strata.Span{Start: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 11, 0, 0, 0, 0, time.UTC)}}
	r, err := review.New(cfg, smallTeam(), review.WithConverter(rates))
	require.NoError(t, err)
	rep, err := r.Review(t.Context(), slices.Values(records()))
	require.NoError(t, err)

	assert.Equal(t, review.Stats{Name: "", Leads: 7, Assigned: 6, Overflow: 1, Contacted: 5,
		FirstContactMedian: time.Hour, FirstContactP90: 5 * time.Hour, FirstContactMean: 108 * time.Minute,
		SLAMisses: 2, Conversions: 2, Rate: 2.0 / 6, Won: usd(2000), SalesCycleMedian: 10 * 24 * time.Hour,
		Rated: 2, Satisfaction: 4}, withWonUSD(rep.Total))

	names := func(ss []review.Stats) []string {
		var out []string
		for _, s := range ss {
			out = append(out, fmt.Sprintf("%s:%d/%d", s.Name, s.Leads, s.Assigned))
		}
		return out
	}
	assert.Equal(t, []string{"export:3/2", "big:0/0", ":3/3", "old-rule:1/1"}, names(rep.Rules))
	assert.Equal(t, []string{"domestic:5/5", "export:2/1", "spare:0/0"}, names(rep.Pools))
	assert.Equal(t, []string{"anna:2/2", "ben:2/2", "cara:1/1", "dora:0/0", "zed:1/1"}, names(rep.Agents))
	assert.Equal(t, []string{"big"}, rep.NeverFired)
	assert.Equal(t, []string{"spare"}, rep.IdlePools)
	assert.Equal(t, []string{"rule old-rule", "agent zed"}, rep.Unknown)

	anna := rep.Agents[0]
	assert.Equal(t, 2*time.Hour, anna.FirstContactP90, "Thursday 17:00 to Tuesday 10:00 is two business hours over Easter")
	assert.Equal(t, 30*time.Minute, anna.FirstContactMedian)
	assert.Equal(t, 0, anna.SLAMisses)
	assert.Equal(t, 0.5, anna.Rate)
	ben := rep.Agents[1]
	assert.Equal(t, 1, ben.SLAMisses, "never called, deadline before the period's end")
	cara := rep.Agents[2]
	assert.Equal(t, 1, cara.SLAMisses, "five wall-clock hours")
	assert.Equal(t, "1000.00", cara.Won.Amount.StringFixed(2), "920 EUR at 0.92 per USD")

	// Fairness over anna, ben, cara, zed (dora is inactive and idle).
	assert.Equal(t, 0.167, rep.GiniAssignments)
	assert.Equal(t, 0.5, rep.GiniWon)

	// Loads at each midnight UTC of the period.
	require.Equal(t, []string{"anna", "ben", "cara", "dora", "zed"}, rep.Loads.Agents)
	assert.Equal(t, cfg.Period.Start, rep.Loads.Start)
	assert.Equal(t, 24*time.Hour, rep.Loads.Step)
	assert.Equal(t, []int{0, 0, 1, 1, 1, 1, 1, 2, 1, 0, 0}, rep.Loads.Open[0])
	assert.Equal(t, []int{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, rep.Loads.Open[1])
	assert.Equal(t, []int{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0}, rep.Loads.Open[2])
}

// withWonUSD drops Won's exponent detail so that 2000.00 compares equal to
// 2000.
func withWonUSD(s review.Stats) review.Stats {
	if s.Won.Amount.Equal(decimal.NewFromInt(s.Won.Amount.IntPart())) {
		s.Won = usd(s.Won.Amount.IntPart())
	}
	return s
}

func TestReviewRefuses(t *testing.T) {
	_, err := review.New(review.Config{Currency: "XX", SLA: -1, Bucket: -1,
		Period: strata.Span{Start: tue, End: thu}}, routing.Config{Agents: []routing.Agent{{ID: "a", Shift: &timezone.CalendarConfig{Zone: "Nowhere"}}}})
	var got []string
	for _, p := range strata.Problems(err) {
		got = append(got, p.Error())
	}
	assert.Equal(t, []string{`currency: "XX" is not an ISO 4217 currency`, "sla: negative", "bucket: negative",
		"period: the end must come after the start", `team.agents[0].shift.zone: unknown IANA zone "Nowhere"`}, got)

	r, err := review.New(review.Config{Currency: "USD"}, smallTeam())
	require.NoError(t, err)
	var nilR *review.Reviewer
	_, err = nilR.Review(t.Context(), slices.Values(records()))
	assert.Error(t, err)
	_, err = r.Review(nilCtx, slices.Values(records()))
	assert.Error(t, err)
	_, err = r.Review(t.Context(), nil)
	assert.Error(t, err)
	_, err = r.Review(t.Context(), slices.Values(records()))
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch, "EUR without a converter")
	assert.ErrorContains(t, err, "won value in EUR")

	// A rep's shift without the year's holidays: an error naming the item.
	late := records()[:1]
	late[0].At, late[0].FirstContact = time.Date(2031, 1, 6, 9, 0, 0, 0, time.UTC), time.Date(2031, 1, 6, 10, 0, 0, 0, time.UTC)
	_, err = r.Review(t.Context(), slices.Values(late))
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	assert.ErrorContains(t, err, `item "l1"`)

	panicking := func(yield func(review.Record) bool) {
		yield(records()[1])
		panic("db gone")
	}
	_, err = r.Review(t.Context(), panicking)
	assert.ErrorIs(t, err, review.ErrPanicked)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = r.Review(ctx, slices.Values(records()[1:2]))
	assert.ErrorIs(t, err, context.Canceled)
}

// Without a period, loads are charted from the first decision to the last
// and every record counts; a record outside a period does not.
func TestReviewPeriods(t *testing.T) {
	r, err := review.New(review.Config{Currency: "USD", Bucket: strata.Duration(time.Hour), SLA: strata.Duration(time.Hour)}, smallTeam())
	require.NoError(t, err)
	recs := records()[1:3]
	rep, err := r.Review(t.Context(), slices.Values(recs))
	require.NoError(t, err)
	assert.Equal(t, strata.Span{Start: tue, End: tue}, rep.Period)
	assert.Equal(t, tue, rep.Loads.Start)
	assert.Equal(t, [][]int{{1}, {1}, {0}, {0}}, rep.Loads.Open)
	assert.Equal(t, 1, rep.Total.SLAMisses, "ben never called: a miss without a period")

	period := strata.Span{Start: tue.Add(time.Minute), End: tue.Add(24 * time.Hour)}
	r, err = review.New(review.Config{Currency: "USD", Period: period}, smallTeam())
	require.NoError(t, err)
	rep, err = r.Review(t.Context(), slices.Values(recs))
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Total.Leads)
	assert.Equal(t, []string{"export", "big"}, rep.NeverFired)
	assert.Equal(t, period, rep.Period)
}

func TestReviewDeterministicJSON(t *testing.T) {
	r, err := review.New(review.Config{Currency: "USD", SLA: strata.Duration(time.Hour)}, smallTeam(), review.WithConverter(rates))
	require.NoError(t, err)
	var first []byte
	for i := range 20 {
		recs := records()
		if i%2 == 1 {
			slices.Reverse(recs)
		}
		rep, err := r.Review(t.Context(), slices.Values(recs))
		require.NoError(t, err)
		b, err := json.Marshal(rep)
		require.NoError(t, err)
		if first == nil {
			first = b
		}
		require.Equal(t, string(first), string(b), "run %d", i)
	}
	assert.NotContains(t, string(first), "Customer")
}

func TestConfigAndRecordFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/review.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, review.ParseConfig)
	assert.Equal(t, "USD", cfg.Currency)

	lines := "\n" + `{"item": "a", "customer": {"id": "c", "country": "DE"}, "lead": {"id": "a"}, "at": "2026-04-07T08:00:00Z", "agent": "anna", "won": {"amount": "10", "currency": "USD"}}` +
		"\n\n" + `{"item": "b", "customer": {"id": "c", "country": "DE"}, "lead": {}, "at": "2026-04-07T08:00:00Z", "agnet": "x"}` + "\n" +
		`{"item": "c", "customer": {"id": "d", "country": "DE"}, "lead": {}, "at": "2026-04-07T09:00:00Z"}`
	var got []string
	for rec, err := range review.ReadRecords(strings.NewReader(lines)) {
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, rec.Item+" "+rec.Agent+" "+rec.Won.String())
	}
	assert.Equal(t, []string{"a anna 10.00 USD", `line 4: 1:99: agnet: unknown field (did you mean "agent"?)`, "c  0"}, got)

	long := strings.Repeat("x", review.MaxLine+10)
	n := 0
	for _, err := range review.ReadRecords(strings.NewReader(long)) {
		n++
		assert.ErrorContains(t, err, "token too long")
	}
	assert.Equal(t, 1, n)
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"item": "a", "customer": {"id": "c", "country": "DE"}, "lead": {"value": {"amount": "1e9999", "currency": "USD"}}, "at": "2026-04-07T08:00:00Z"}`))
	f.Add([]byte(`{"item": "a", "customer": {}, "lead": {}, "at": "x", "won": {"amount": "-1", "currency": "XXX"}, "satisfaction": 1e400}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := review.ParseRecord(data)
		if err != nil {
			return
		}
		b, err := json.Marshal(rec)
		require.NoError(t, err)
		again, err := review.ParseRecord(b)
		require.NoError(t, err, "%s", b)
		require.Equal(t, rec.Item, again.Item)
		r, err := review.New(review.Config{Currency: "USD"}, smallTeam())
		require.NoError(t, err)
		_, _ = r.Review(t.Context(), slices.Values([]review.Record{rec}))
	})
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("currency: USD\nsla: 4h\nbucket: 7d\n"))
	f.Add([]byte(`{"currency": "USD", "period": {"start": "2026-04-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := review.ParseConfig(data)
		if err != nil {
			return
		}
		if r, err := review.New(cfg, smallTeam()); err == nil {
			_, _ = r.Review(t.Context(), slices.Values(records()[1:3]))
		}
	})
}

// Work the default owner took is outside every pool: its group is named ""
// and comes after the configured pools, not among the unknown names.
func TestReviewDefaultOwner(t *testing.T) {
	r, err := review.New(review.Config{Currency: "USD"}, smallTeam())
	require.NoError(t, err)
	rep, err := r.Review(t.Context(), slices.Values([]review.Record{
		{Item: "x", At: tue, Agent: "cara", Step: -1, Rule: "export"},
		{Item: "y", At: tue, Agent: "anna", Pool: "domestic"},
	}))
	require.NoError(t, err)
	require.Len(t, rep.Pools, 4)
	owner := rep.Pools[3]
	assert.True(t, owner.Won.Amount.IsZero())
	assert.Equal(t, "USD", owner.Won.Currency)
	owner.Won = strata.Money{}
	assert.Equal(t, review.Stats{Name: "", Leads: 1, Assigned: 1, Overflow: 1}, owner)
	assert.Empty(t, rep.Unknown)
	assert.Equal(t, []string{"export", "spare"}, rep.IdlePools)
	assert.Contains(t, rep.String(), "(default owner)")
}

// Hostile records cost bounded time and give errors or sane figures: times
// far apart, contacts before decisions, ratings that are not numbers,
// amounts in unknown currencies.
func TestReviewHostileRecords(t *testing.T) {
	r, err := review.New(review.Config{Currency: "USD", SLA: strata.Duration(time.Hour)}, smallTeam())
	require.NoError(t, err)
	early := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	late := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	rep, err := r.Review(t.Context(), slices.Values([]review.Record{
		{Item: "a", At: early, Agent: "cara", Released: late},
		{Item: "b", At: late, Agent: "cara", FirstContact: late.Add(-time.Hour)},
		{Item: "c", At: tue, Agent: "cara", FirstContact: tue.Add(-time.Hour), Satisfaction: 5},
	}))
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, 2, rep.Agents[2].Contacted)
	assert.Equal(t, time.Duration(0), rep.Agents[2].FirstContactP90, "contacted before the decision: at once")
	assert.LessOrEqual(t, len(rep.Loads.Open[2]), 4001, "loads over ten thousand years in at most 4,000 steps")

	for name, rec := range map[string]review.Record{
		"satisfaction NaN": {Item: "n", At: tue, Agent: "cara", Satisfaction: math.NaN()},
		"satisfaction Inf": {Item: "n", At: tue, Agent: "cara", Satisfaction: math.Inf(1)},
		"unknown currency": {Item: "n", At: tue, Agent: "cara", Won: strata.Money{Amount: decimal.NewFromInt(1), Currency: "XYZ"}},
	} {
		_, err := r.Review(t.Context(), slices.Values([]review.Record{rec}))
		assert.ErrorContains(t, err, `item "n"`, name)
	}
}
