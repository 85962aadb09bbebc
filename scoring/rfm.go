package scoring

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/strata-go/strata"
)

// RFMSegment is a customer group read off recency, frequency and monetary
// quintiles.
type RFMSegment string

// The RFM segments, in the order they are decided (the first that fits):
//
//	prospect            no orders yet
//	new                 first order within the last NewWithin days (default 90)
//	champions           R ≥ 4, F ≥ 4, M ≥ 4
//	loyal               F ≥ 4, R ≥ 3
//	potential_loyalist  R ≥ 4, F ≥ 2
//	at_risk             R ≤ 2, F ≥ 3: used to buy often, not lately
//	lost                R = 1, F ≤ 2
//	hibernating         R ≤ 2, F ≤ 2
//	need_attention      everyone else
const (
	SegmentProspect          RFMSegment = "prospect"
	SegmentNew               RFMSegment = "new"
	SegmentChampions         RFMSegment = "champions"
	SegmentLoyal             RFMSegment = "loyal"
	SegmentPotentialLoyalist RFMSegment = "potential_loyalist"
	SegmentAtRisk            RFMSegment = "at_risk"
	SegmentLost              RFMSegment = "lost"
	SegmentHibernating       RFMSegment = "hibernating"
	SegmentNeedAttention     RFMSegment = "need_attention"
)

// RFMSegments lists every segment in decision order.
func RFMSegments() []RFMSegment {
	return []RFMSegment{SegmentProspect, SegmentNew, SegmentChampions, SegmentLoyal, SegmentPotentialLoyalist,
		SegmentAtRisk, SegmentLost, SegmentHibernating, SegmentNeedAttention}
}

// RFMScore is one customer's recency, frequency and monetary quintiles
// (5 best, 0 for a prospect) with the facts behind them.
type RFMScore struct {
	CustomerID  string       `json:"customer_id"`
	R           int          `json:"r"`
	F           int          `json:"f"`
	M           int          `json:"m"`
	RecencyDays int          `json:"recency_days"`
	Orders      int          `json:"orders"`
	Monetary    strata.Money `json:"monetary"`
	Segment     RFMSegment   `json:"segment"`
	Stage       Stage        `json:"stage"`
}

// RFMReport is the RFM analysis of a population.
type RFMReport struct {
	// Scores are in input order.
	Scores   []RFMScore         `json:"scores"`
	Counts   map[RFMSegment]int `json:"counts"`
	Currency string             `json:"currency"`
}

// RFMOption configures RFM.
type RFMOption func(*rfmOptions)

type rfmOptions struct {
	currency   string
	conv       strata.Converter
	newWithin  time.Duration
	churnAfter time.Duration
}

// WithCurrency reads monetary value in currency, converting through conv.
// Without it every customer's revenue must be in one currency.
func WithCurrency(currency string, conv strata.Converter) RFMOption {
	return func(o *rfmOptions) { o.currency, o.conv = currency, conv }
}

// WithNewWithin sets how recent a first order makes a customer new (default 90 days).
func WithNewWithin(d time.Duration) RFMOption { return func(o *rfmOptions) { o.newWithin = d } }

// WithChurnAfter sets how long without an order makes a customer churned
// (default 365 days); see Stage.
func WithChurnAfter(d time.Duration) RFMOption { return func(o *rfmOptions) { o.churnAfter = d } }

// RFM scores a population: recency (days since the last order, fewer is
// better), frequency (orders) and monetary (revenue) each become a quintile
// 1–5 among the customers who have ordered. Ties share a quintile: a value's
// quintile is 1 + ⌊5 × (customers with a worse value) / (customers)⌋.
// Monetary ranks compare float64 amounts, exact to 15 significant digits.
// The sequence is read once; ctx is checked every 4096 customers.
func RFM(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, opts ...RFMOption) (RFMReport, error) {
	o := rfmOptions{newWithin: 90 * 24 * time.Hour, churnAfter: 365 * 24 * time.Hour}
	for _, opt := range opts {
		opt(&o)
	}
	rep := RFMReport{Currency: o.currency, Counts: map[RFMSegment]int{}}
	type facts struct {
		recency, orders int
		monetary        float64
		newCustomer     bool
	}
	var scores chunks[RFMScore]
	var all chunks[facts]
	i := 0
	for c := range customers {
		if i%4096 == 0 && ctx.Err() != nil {
			return RFMReport{}, ctx.Err()
		}
		i++
		s := RFMScore{CustomerID: c.ID, Orders: c.Orders, Stage: PurchaseStage(c, now, o.churnAfter)}
		f := facts{orders: c.Orders}
		if rep.Currency == "" && !c.Revenue.IsZero() {
			rep.Currency = c.Revenue.Currency
		}
		if c.Orders > 0 && !c.LastOrderAt.IsZero() {
			m, err := c.Revenue.In(rep.Currency, o.conv)
			if err != nil {
				return RFMReport{}, fmt.Errorf("scoring: rfm: customer %s: %w", c.ID, err)
			}
			s.Monetary = m
			s.RecencyDays = int(wholeDays(now.Sub(c.LastOrderAt)))
			f.recency, f.monetary = s.RecencyDays, m.Amount.InexactFloat64()
			f.newCustomer = !c.FirstOrderAt.IsZero() && now.Sub(c.FirstOrderAt) <= o.newWithin
		} else {
			f.orders = -1 // a prospect: not ranked
		}
		scores.add(s)
		all.add(f)
	}
	rep.Scores = scores.flatten()
	allFacts := all.flatten()
	// Sorted values of the ranked customers, for quintiles by lower bound.
	rec := make([]float64, 0, len(allFacts))
	freq := make([]float64, 0, len(allFacts))
	mon := make([]float64, 0, len(allFacts))
	for _, f := range allFacts {
		if f.orders >= 0 {
			rec = append(rec, -float64(f.recency)) // fewer days is better
			freq = append(freq, float64(f.orders))
			mon = append(mon, f.monetary)
		}
	}
	n := len(rec)
	for _, s := range [][]float64{rec, freq, mon} {
		slices.Sort(s)
	}
	quintile := func(sorted []float64, v float64) int {
		below := sort.SearchFloat64s(sorted, v)
		return 1 + below*5/n
	}
	for i, f := range allFacts {
		s := &rep.Scores[i]
		if f.orders < 0 {
			s.Segment = SegmentProspect
		} else {
			s.R = quintile(rec, -float64(f.recency))
			s.F = quintile(freq, float64(f.orders))
			s.M = quintile(mon, f.monetary)
			s.Segment = segmentOf(s.R, s.F, s.M, f.newCustomer)
		}
		rep.Counts[s.Segment]++
	}
	return rep, nil
}

func segmentOf(r, f, m int, isNew bool) RFMSegment {
	switch {
	case isNew:
		return SegmentNew
	case r >= 4 && f >= 4 && m >= 4:
		return SegmentChampions
	case f >= 4 && r >= 3:
		return SegmentLoyal
	case r >= 4 && f >= 2:
		return SegmentPotentialLoyalist
	case r <= 2 && f >= 3:
		return SegmentAtRisk
	case r == 1 && f <= 2:
		return SegmentLost
	case r <= 2:
		return SegmentHibernating
	}
	return SegmentNeedAttention
}

// Stage is where a customer is in its buying life, as the seeds classify
// overseas buyers: first-time, repeat or churned.
type Stage string

// The purchase stages.
const (
	StageProspect  Stage = "prospect"   // no orders yet
	StageFirstTime Stage = "first_time" // one order
	StageRepeat    Stage = "repeat"     // more than one order
	StageChurned   Stage = "churned"    // no order for churnAfter
)

// PurchaseStage returns c's stage at now; a customer whose last order is
// churnAfter or more ago is churned, however many orders it placed.
func PurchaseStage(c strata.Customer, now time.Time, churnAfter time.Duration) Stage {
	switch {
	case c.Orders <= 0 || c.LastOrderAt.IsZero():
		return StageProspect
	case churnAfter > 0 && now.Sub(c.LastOrderAt) >= churnAfter:
		return StageChurned
	case c.Orders == 1:
		return StageFirstTime
	}
	return StageRepeat
}

// chunks collects a stream of unknown length without regrowing one huge
// slice: fixed-size chunks, flattened once at the end.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

const chunkSize = 1 << 14

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, chunkSize)
	}
	c.cur = append(c.cur, v)
	c.n++
}

func (c *chunks[T]) flatten() []T {
	out := make([]T, 0, c.n)
	for _, ch := range c.full {
		out = append(out, ch...)
	}
	return append(out, c.cur...)
}
