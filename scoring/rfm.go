package scoring

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
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

// ErrPanicked is wrapped by the error RFM returns when the host's customer
// sequence panicked: the panic is recovered and the value it panicked with
// is not repeated (it may hold personal data).
var ErrPanicked = errors.New("scoring: the customer sequence panicked")

// RFM scores a population: recency (days since the last order, fewer is
// better), frequency (orders) and monetary (revenue) each become a quintile
// 1–5 among the customers who have ordered. Ties share a quintile: a value's
// quintile is 1 + ⌊5 × (customers with a worse value) / (customers)⌋.
// Monetary ranks compare float64 amounts, exact to 15 significant digits.
// The sequence is read once; ctx is checked every 4096 customers, and a
// panic of the sequence is returned as an error wrapping ErrPanicked.
// Options: WithCurrency and WithConverter, WithNewWithin, WithChurnAfter,
// WithObserver (Op "rfm") and WithLogger.
func RFM(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, opts ...Option) (rep RFMReport, err error) {
	if ctx == nil || customers == nil {
		return RFMReport{}, errors.New("scoring: rfm: nil context or customer sequence")
	}
	o := newOptions(opts)
	start := time.Now()
	defer func() { o.report(ctx, "rfm", start, len(rep.Scores), err) }()
	rep = RFMReport{Currency: o.currency, Counts: map[RFMSegment]int{}}
	scores, all, err := readRFM(ctx, customers, now, o, &rep)
	if err != nil {
		return RFMReport{}, err
	}
	rep.Scores = scores
	rank := newRanks(all)
	for i, f := range all {
		s := &rep.Scores[i]
		if f.orders < 0 {
			s.Segment = SegmentProspect
		} else {
			s.R, s.F, s.M = rank.quintiles(f)
			s.Segment = segmentOf(s.R, s.F, s.M, f.newCustomer)
		}
		rep.Counts[s.Segment]++
	}
	return rep, nil
}

// facts are what RFM ranks a customer by; orders is -1 for a prospect.
type facts struct {
	recency, orders int
	monetary        float64
	newCustomer     bool
}

// readRFM reads the sequence into scores and facts, in input order.
func readRFM(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, o options, rep *RFMReport) (_ []RFMScore, _ []facts, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w (a value of type %T)", ErrPanicked, v)
		}
	}()
	var scores chunks[RFMScore]
	var all chunks[facts]
	i := 0
	for c := range customers {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		i++
		stage, _ := PurchaseStage(&c, now, o.churnAfter)
		s := RFMScore{CustomerID: c.ID, Orders: c.Orders, Stage: stage}
		f := facts{orders: c.Orders}
		if rep.Currency == "" && !c.Revenue.IsZero() {
			rep.Currency = c.Revenue.Currency
		}
		if c.Orders > 0 && !c.LastOrderAt.IsZero() {
			m, err := c.Revenue.In(rep.Currency, o.conv)
			if err != nil {
				return nil, nil, fmt.Errorf("scoring: rfm: customer %s: %w", c.ID, err)
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
	return scores.flatten(), all.flatten(), nil
}

// ranks holds the sorted values of the ranked customers, for quintiles by
// lower bound.
type ranks struct{ rec, freq, mon []float64 }

func newRanks(all []facts) ranks {
	r := ranks{make([]float64, 0, len(all)), make([]float64, 0, len(all)), make([]float64, 0, len(all))}
	for _, f := range all {
		if f.orders >= 0 {
			r.rec = append(r.rec, -float64(f.recency)) // fewer days is better
			r.freq = append(r.freq, float64(f.orders))
			r.mon = append(r.mon, f.monetary)
		}
	}
	for _, s := range [][]float64{r.rec, r.freq, r.mon} {
		slices.Sort(s)
	}
	return r
}

func (r ranks) quintiles(f facts) (int, int, int) {
	q := func(sorted []float64, v float64) int { return 1 + sort.SearchFloat64s(sorted, v)*5/len(sorted) }
	return q(r.rec, -float64(f.recency)), q(r.freq, float64(f.orders)), q(r.mon, f.monetary)
}

// report tells the observer and the logger how a batch went.
func (o options) report(ctx context.Context, op string, start time.Time, customers int, err error) {
	outcome := "ok"
	switch {
	case ctx.Err() != nil:
		outcome = "cancelled"
	case err != nil:
		outcome = "error"
	}
	took := time.Since(start)
	o.logger.DebugContext(ctx, "scoring: "+op, slog.String("outcome", outcome), slog.Int("customers", customers), slog.Duration("took", took))
	if err != nil {
		o.logger.WarnContext(ctx, "scoring: "+op+" failed", slog.Any("error", err))
	}
	if o.observer != nil {
		o.observer(ctx, strata.Event{Package: "scoring", Op: op, Outcome: outcome, Start: start, Duration: took, Err: err,
			Detail: &BatchStats{Customers: customers}})
	}
}

// BatchStats is the Detail of the strata.Events RFM reports: how many
// customers were ranked.
type BatchStats struct {
	Customers int `json:"customers"`
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

// Stage is where a customer is in its buying life, as the guide
// 《国外客户怎么归类管理的》 classifies overseas buyers by purchase
// behaviour: first-time, repeat or churned.
type Stage string

// The purchase stages.
const (
	StageProspect  Stage = "prospect"   // no orders yet
	StageFirstTime Stage = "first_time" // one order
	StageRepeat    Stage = "repeat"     // more than one order
	StageChurned   Stage = "churned"    // no order for churnAfter
)

// PurchaseStage returns c's stage at now; a customer whose last order is
// churnAfter or more ago is churned, however many orders it placed (zero
// churnAfter: never churned). A nil c is an error.
func PurchaseStage(c *strata.Customer, now time.Time, churnAfter time.Duration) (Stage, error) {
	switch {
	case c == nil:
		return "", errNilRecord
	case c.Orders <= 0 || c.LastOrderAt.IsZero():
		return StageProspect, nil
	case churnAfter > 0 && now.Sub(c.LastOrderAt) >= churnAfter:
		return StageChurned, nil
	case c.Orders == 1:
		return StageFirstTime, nil
	}
	return StageRepeat, nil
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
