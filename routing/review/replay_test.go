package review_test

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
	"github.com/strata-go/strata/timezone"
)

// A host's recorded quarter, made the way a host makes one: leads arrive,
// are routed at once (deferred ones again when the router says), and are
// released after a while; the host records every final decision in the
// order it made them, with outcomes drawn from a seeded source.
type ev struct {
	at        time.Time
	release   bool
	lead, seq int
}

type evq []ev

func (q evq) Len() int { return len(q) }
func (q evq) Less(i, j int) bool {
	if c := q[i].at.Compare(q[j].at); c != 0 {
		return c < 0
	}
	if q[i].release != q[j].release {
		return q[i].release
	}
	return q[i].seq < q[j].seq
}
func (q evq) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *evq) Push(x any)   { *q = append(*q, x.(ev)) }
func (q *evq) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

var countries = []struct{ country, sub, lang string }{
	{"CN", "CN-ZJ", "zh-Hans"}, {"CN", "CN-GD", "zh-Hans"}, {"DE", "DE-BY", "de"}, {"FR", "", "fr"},
	{"BR", "BR-SP", "pt-BR"}, {"US", "US-NY", "en"}, {"VN", "", "vi"}, {"AE", "", "ar"},
}

func recordQuarter(t testing.TB, team routing.Config, seed uint64, days, perDay int) []review.Record {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 42))
	router, err := routing.New(team, routing.NewMemoryStore(), routing.WithConverter(sample.Rates))
	require.NoError(t, err)
	shifts := map[string]*timezone.Calendar{}
	for _, a := range team.Agents {
		if a.Shift != nil {
			shifts[a.ID], err = timezone.NewCalendar(*a.Shift)
			require.NoError(t, err)
		}
	}
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	var reqs []routing.Request
	var q evq
	seq := 0
	push := func(at time.Time, release bool, lead int) {
		seq++
		heap.Push(&q, ev{at: at, release: release, lead: lead, seq: seq})
	}
	tiers := []string{"vip", "key", "regular", "regular", "regular", "potential"}
	for i := range days * perDay {
		m := countries[rng.IntN(len(countries))]
		at := start.Add(time.Duration(i/perDay)*24*time.Hour + time.Duration(rng.IntN(86400))*time.Second)
		id := fmt.Sprintf("q-%05d", i)
		reqs = append(reqs, routing.Request{Item: id,
			Customer: strata.Customer{ID: "c-" + id, Country: m.country, Subdivision: m.sub, Languages: []string{m.lang}, Tier: tiers[rng.IntN(len(tiers))]},
			Lead:     routing.Lead{ID: id, Kind: "lead", ReceivedAt: at, Value: strata.MoneyOf(decimal.NewFromInt(int64(1000+rng.IntN(100_000))), "USD")}})
		push(at, false, i)
	}
	var recs []review.Record
	for q.Len() > 0 {
		e := heap.Pop(&q).(ev)
		if e.release {
			_, err := router.Release(ctx, reqs[e.lead].Item)
			require.NoError(t, err)
			continue
		}
		req := reqs[e.lead]
		req.Now, req.Quiet = e.at, true
		d, err := router.Route(ctx, req)
		require.NoError(t, err)
		switch d.Outcome {
		case routing.Deferred:
			push(d.RetryAt, false, e.lead)
			continue
		case routing.Assigned:
			release := d.At.Add(time.Duration(1+rng.IntN(120)) * time.Hour)
			push(release, true, e.lead)
			recs = append(recs, outcome(rng, shifts[d.Agent], req, d, release))
			continue
		}
		recs = append(recs, review.Record{Item: req.Item, Customer: req.Customer, Lead: req.Lead, At: d.At, Pool: d.Pool, Rule: d.Rule})
	}
	return recs
}

// outcome draws what came of an assignment.
func outcome(rng *rand.Rand, shift *timezone.Calendar, req routing.Request, d routing.Decision, release time.Time) review.Record {
	rec := review.Record{Item: req.Item, Customer: req.Customer, Lead: req.Lead, At: d.At, Agent: d.Agent, Pool: d.Pool,
		Rule: d.Rule, Step: d.Step, Released: release}
	if rng.IntN(10) > 0 {
		first := d.At.Add(time.Duration(rng.IntN(600)) * time.Minute)
		if shift != nil {
			if open, err := shift.AddBusiness(d.At, time.Duration(rng.IntN(600))*time.Minute); err == nil {
				first = open
			}
		}
		rec.FirstContact = first
	}
	if rng.IntN(4) == 0 {
		rec.Converted, rec.Won, rec.ClosedAt = true, req.Lead.Value, d.At.Add(time.Duration(3+rng.IntN(60))*24*time.Hour)
	}
	if rng.IntN(2) == 0 {
		rec.Satisfaction = float64(1 + rng.IntN(5))
	}
	return rec
}

// Replaying a recorded quarter through the configuration that decided it
// reproduces every recorded assignment exactly: with the sample team, whose
// default owner takes the Americas' weekend leads, and without a default
// owner, so that weekend leads wait for Monday (deferred, then assigned
// later than they arrived) or find nobody.
func TestReplaySameConfigReproduces(t *testing.T) {
	noOwner := sample.Team()
	noOwner.DefaultOwner = ""
	for name, team := range map[string]routing.Config{"sample team": sample.Team(), "no default owner": noOwner} {
		t.Run(name, func(t *testing.T) {
			recs := recordQuarter(t, team, 7, 91, 40)
			require.Greater(t, len(recs), 3000)
			late, overflow := 0, 0
			for _, rec := range recs {
				if rec.At.After(rec.Lead.ReceivedAt) {
					late++
				}
				if rec.Step != 0 {
					overflow++
				}
			}
			if team.DefaultOwner == "" {
				require.Greater(t, late, 100, "deferred leads")
			}
			require.Greater(t, overflow, 100)
			r, err := review.New(review.Config{Currency: "USD", SLA: strata.Duration(4 * time.Hour)}, team)
			require.NoError(t, err)
			c, err := r.Replay(t.Context(), team, slices.Values(recs), routing.WithConverter(sample.Rates))
			require.NoError(t, err)
			require.Len(t, c.Decisions, len(recs))
			for i, d := range c.Decisions {
				rec := recs[i]
				require.Equal(t, review.Replayed{Item: rec.Item, Recorded: rec.Agent, Outcome: d.Outcome, Agent: rec.Agent,
					Pool: rec.Pool, Rule: rec.Rule, Step: rec.Step, At: rec.At}, d, "record %d", i)
			}
			assert.Equal(t, len(recs), c.Same)
			assert.Zero(t, c.Moved)
			assert.Empty(t, c.Flows)
			assert.Equal(t, c.Recorded.Total.Assigned, c.Proposed.Total.Assigned)
			assert.Equal(t, c.Recorded.GiniAssignments, c.Proposed.GiniAssignments)
			assert.Equal(t, c.Recorded.Loads, c.Proposed.Loads)
			assert.False(t, c.Proposed.Outcomes)
			assert.Zero(t, c.Proposed.Total.Conversions)
			assert.InDelta(t, float64(c.RecordedConversions), c.ExpectedConversions, 1e-6,
				"every lead at its own rep's rate: the expected conversions are the recorded ones")
		})
	}
}

// A proposed configuration: Europe goes to the directors and the Americas
// round robin. The replay moves leads, and says from whom to whom.
func TestReplayProposedConfig(t *testing.T) {
	team := sample.Team()
	recs := recordQuarter(t, team, 11, 30, 40)
	proposed := sample.Team()
	proposed.Rules[1].Pool = "directors"
	proposed.Pools[3].Strategy = routing.RoundRobin
	r, err := review.New(review.Config{Currency: "USD"}, team)
	require.NoError(t, err)
	c, err := r.Replay(t.Context(), proposed, slices.Values(recs), routing.WithConverter(sample.Rates))
	require.NoError(t, err)
	assert.Positive(t, c.Moved)
	assert.Equal(t, len(recs), c.Same+c.Moved)
	total := 0
	for i, f := range c.Flows {
		total += f.Count
		assert.NotEqual(t, f.From, f.To)
		if i > 0 {
			assert.GreaterOrEqual(t, c.Flows[i-1].Count, f.Count)
		}
	}
	assert.Equal(t, c.Moved, total)
	assert.Equal(t, c.Recorded.Total.Leads, c.Proposed.Total.Leads)
	europe := c.Proposed.Rules[slices.IndexFunc(c.Proposed.Rules, func(s review.Stats) bool { return s.Name == "europe" })]
	assert.Positive(t, europe.Leads)
	for _, d := range c.Decisions {
		if d.Rule == "europe" && d.Outcome == routing.Assigned && d.Step == 0 {
			assert.Equal(t, "directors", d.Pool)
		}
	}

	// The same inputs, the same comparison.
	again, err := r.Replay(t.Context(), proposed, slices.Values(recs), routing.WithConverter(sample.Rates))
	require.NoError(t, err)
	assert.Equal(t, c, again)
}

func TestReplayRefuses(t *testing.T) {
	team := sample.Team()
	r, err := review.New(review.Config{Currency: "USD"}, team)
	require.NoError(t, err)
	recs := recordQuarter(t, team, 3, 2, 10)
	bad := sample.Team()
	bad.Rules[0].Pool = "nowhere"
	_, err = r.Replay(t.Context(), bad, slices.Values(recs))
	assert.ErrorContains(t, err, "the proposed configuration")
	_, err = r.Replay(nilCtx, team, slices.Values(recs))
	assert.Error(t, err)
	_, err = r.Replay(t.Context(), team, nil)
	assert.Error(t, err)
	var nilR *review.Reviewer
	_, err = nilR.Replay(t.Context(), team, slices.Values(recs))
	assert.Error(t, err)
	_, err = r.Replay(t.Context(), team, func(yield func(review.Record) bool) { panic("gone") })
	assert.ErrorIs(t, err, review.ErrPanicked)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = r.Replay(ctx, team, slices.Values(recs))
	assert.ErrorIs(t, err, context.Canceled)
	// Money rules without the rates the records' leads need.
	withMoney := sample.Team()
	withMoney.Rules = append([]routing.Rule{{Name: "big", When: `lead.value >= money("500000", "CNY")`, Pool: "directors"}}, withMoney.Rules...)
	_, err = r.Replay(t.Context(), withMoney, slices.Values(recs))
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)
}
