package scoring_test

import (
	"context"
	"fmt"
	"iter"
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

func TestRFMQuintilesWithTies(t *testing.T) {
	orders := []int{1, 1, 2, 3, 3, 3, 5, 8, 13, 21}
	recency := []int{0, 10, 10, 30, 60, 90, 120, 200, 300, 400}
	revenue := []int64{100, 100, 100, 100, 200, 300, 400, 500, 600, 700}
	var book []strata.Customer
	for i := range orders {
		book = append(book, strata.Customer{ID: fmt.Sprint("c", i), Country: "CN", Orders: orders[i],
			Revenue:      strata.MoneyOf(decimal.NewFromInt(revenue[i]), "CNY"),
			FirstOrderAt: now.AddDate(-2, 0, 0), LastOrderAt: now.AddDate(0, 0, -recency[i])})
	}
	book = append(book, strata.Customer{ID: "lead", Country: "DE"})
	rep, err := scoring.RFM(t.Context(), slices.Values(book), now)
	require.NoError(t, err)
	require.Len(t, rep.Scores, 11)
	var r, f, m []int
	for _, s := range rep.Scores[:10] {
		r, f, m = append(r, s.R), append(f, s.F), append(m, s.M)
	}
	assert.Equal(t, []int{5, 4, 4, 4, 3, 3, 2, 2, 1, 1}, r, "recency: ties at 10 days share 4")
	assert.Equal(t, []int{1, 1, 2, 2, 2, 2, 4, 4, 5, 5}, f, "frequency: ties at 1 and 3 share")
	assert.Equal(t, []int{1, 1, 1, 1, 3, 3, 4, 4, 5, 5}, m, "four customers tie at the bottom")
	assert.Equal(t, "CNY", rep.Currency)
	lead := rep.Scores[10]
	assert.Equal(t, scoring.SegmentProspect, lead.Segment)
	assert.Equal(t, 0, lead.R)
	assert.Equal(t, scoring.StageProspect, lead.Stage)
	var segs []scoring.RFMSegment
	for _, s := range rep.Scores[:10] {
		segs = append(segs, s.Segment)
	}
	assert.Equal(t, []scoring.RFMSegment{"need_attention", "need_attention", "potential_loyalist", "potential_loyalist",
		"need_attention", "need_attention", "at_risk", "at_risk", "at_risk", "at_risk"}, segs,
		"frequent buyers gone quiet (R ≤ 2, F ≥ 3) are at risk")
	assert.Equal(t, map[scoring.RFMSegment]int{"need_attention": 4, "potential_loyalist": 2, "at_risk": 4, "prospect": 1}, rep.Counts)
}

func TestRFMSegmentsNewAndLost(t *testing.T) {
	mk := func(id string, orders, firstDaysAgo, lastDaysAgo int, rev int64) strata.Customer {
		return strata.Customer{ID: id, Country: "CN", Orders: orders, Revenue: strata.MoneyOf(decimal.NewFromInt(rev), "CNY"),
			FirstOrderAt: now.AddDate(0, 0, -firstDaysAgo), LastOrderAt: now.AddDate(0, 0, -lastDaysAgo)}
	}
	book := []strata.Customer{
		mk("champion", 40, 900, 2, 9_000_000), mk("champion2", 35, 900, 3, 8_000_000),
		mk("new", 1, 20, 20, 50_000),
		mk("lost", 1, 900, 700, 10_000), mk("lost2", 1, 800, 650, 12_000),
		mk("mid1", 5, 600, 60, 400_000), mk("mid2", 6, 600, 90, 500_000), mk("mid3", 4, 600, 120, 300_000),
		mk("mid4", 3, 500, 150, 200_000), mk("mid5", 2, 500, 200, 100_000),
	}
	rep, err := scoring.RFM(t.Context(), slices.Values(book), now, scoring.WithNewWithin(30*24*time.Hour))
	require.NoError(t, err)
	got := map[string]scoring.RFMSegment{}
	stage := map[string]scoring.Stage{}
	for _, s := range rep.Scores {
		got[s.CustomerID], stage[s.CustomerID] = s.Segment, s.Stage
	}
	assert.Equal(t, scoring.SegmentChampions, got["champion"])
	assert.Equal(t, scoring.SegmentNew, got["new"])
	assert.Equal(t, scoring.SegmentLost, got["lost"])
	assert.Equal(t, scoring.StageChurned, stage["lost"])
	assert.Equal(t, scoring.StageFirstTime, stage["new"])
	assert.Equal(t, scoring.StageRepeat, stage["mid1"])
}

func TestRFMCurrencies(t *testing.T) {
	book := []strata.Customer{
		{ID: "cn", Country: "CN", Orders: 2, Revenue: money("710", "CNY"), FirstOrderAt: now.AddDate(-1, 0, 0), LastOrderAt: now},
		{ID: "us", Country: "US", Orders: 2, Revenue: money("100", "USD"), FirstOrderAt: now.AddDate(-1, 0, 0), LastOrderAt: now},
	}
	_, err := scoring.RFM(t.Context(), slices.Values(book), now)
	require.ErrorIs(t, err, strata.ErrCurrencyMismatch)
	assert.ErrorContains(t, err, "customer us")
	rep, err := scoring.RFM(t.Context(), slices.Values(book), now, scoring.WithCurrency("USD"), scoring.WithConverter(sample.Rates))
	require.NoError(t, err)
	assert.Equal(t, "100.00 USD", rep.Scores[0].Monetary.String())
	assert.Equal(t, rep.Scores[0].M, rep.Scores[1].M, "710 CNY and 100 USD are the same money at 7.10")
}

func TestRFMCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := scoring.RFM(ctx, population(10_000), now)
	assert.ErrorIs(t, err, context.Canceled)
}

// population generates n customers with repeated values, so ties abound.
func population(n int) iter.Seq[strata.Customer] {
	return func(yield func(strata.Customer) bool) {
		for i := range n {
			c := strata.Customer{ID: "p", Country: "CN"}
			if i%10 != 0 {
				c.Orders = 1 + i%37
				c.Revenue = strata.MoneyOf(decimal.NewFromInt(int64(i%5000)*1000), "CNY")
				c.FirstOrderAt = now.AddDate(0, 0, -1000)
				c.LastOrderAt = now.AddDate(0, 0, -(i % 400))
			}
			if !yield(c) {
				return
			}
		}
	}
}

// TestRFMProperties: quintiles are 1–5, monotone in the underlying value,
// and roughly a fifth of customers fall in each.
func TestRFMProperties(t *testing.T) {
	rep, err := scoring.RFM(t.Context(), population(20_000), now)
	require.NoError(t, err)
	counts := [6]int{}
	byOrders := map[int]int{}
	for _, s := range rep.Scores {
		if s.Segment == scoring.SegmentProspect {
			continue
		}
		require.True(t, s.R >= 1 && s.R <= 5 && s.F >= 1 && s.F <= 5 && s.M >= 1 && s.M <= 5)
		counts[s.M]++
		if q, ok := byOrders[s.Orders]; ok {
			require.Equal(t, q, s.F, "equal order counts share a quintile")
		}
		byOrders[s.Orders] = s.F
	}
	for q := 1; q <= 5; q++ {
		assert.InDelta(t, 18_000/5, counts[q], 18_000/5*0.1, "quintile %d", q)
	}
	for o1, q1 := range byOrders {
		for o2, q2 := range byOrders {
			if o1 < o2 {
				require.LessOrEqual(t, q1, q2, "more orders never rank lower")
			}
		}
	}
}

func TestPurchaseStage(t *testing.T) {
	year := 365 * 24 * time.Hour
	stage := func(c strata.Customer, churnAfter time.Duration) scoring.Stage {
		s, err := scoring.PurchaseStage(&c, now, churnAfter)
		require.NoError(t, err)
		return s
	}
	c := strata.Customer{Orders: 1, FirstOrderAt: now.AddDate(0, -1, 0), LastOrderAt: now.AddDate(0, -1, 0)}
	assert.Equal(t, scoring.StageFirstTime, stage(c, year))
	c.Orders = 9
	assert.Equal(t, scoring.StageRepeat, stage(c, year))
	c.LastOrderAt = now.Add(-year)
	assert.Equal(t, scoring.StageChurned, stage(c, year), "exactly churnAfter ago is churned")
	assert.Equal(t, scoring.StageRepeat, stage(c, 0), "no churn window, never churned")
	assert.Equal(t, scoring.StageProspect, stage(strata.Customer{}, year))
	_, err := scoring.PurchaseStage(nil, now, year)
	assert.Error(t, err)
}
