package tiering

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// Summary counts a classified population, for dashboards.
type Summary struct {
	Total int `json:"total"`
	// Tiers counts customers per ladder and tier.
	Tiers map[string]map[string]int `json:"tiers"`
	// Segments counts customers per segment.
	Segments map[string]int `json:"segments"`
	// Revenue sums revenue per ladder and tier in Currency.
	Revenue  map[string]map[string]strata.Money `json:"revenue"`
	Currency string                             `json:"currency"`
}

// Summarize classifies customers (in parallel, as ClassifyAll) and counts
// them per tier and segment, summing revenue per tier in currency through
// the engine's converter (WithConverter; none is needed when every revenue
// is already in currency). It stops at the first error, and reports to the
// engine's observer as op "summarize".
func (e *Engine) Summarize(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, currency string) (s Summary, err error) {
	if err := e.check(ctx, &strata.Customer{}); err != nil {
		return Summary{}, err
	}
	start, stats := time.Now(), BatchStats{}
	defer func() { e.report(ctx, "summarize", start, stats, err) }()
	s = e.emptySummary(currency)
	for p, err := range e.classifyAll(ctx, customers, now, "") {
		if err != nil {
			stats.Failed++
			return Summary{}, err
		}
		stats.Customers++
		s.Total++
		rev, err := p.Revenue.In(currency, e.opts.conv)
		if err != nil {
			stats.Failed++
			return Summary{}, fmt.Errorf("tiering: summarize customer %s: %w", p.CustomerID, err)
		}
		for _, t := range p.Tiers {
			s.Tiers[t.Ladder][t.Tier]++
			sum, _ := s.Revenue[t.Ladder][t.Tier].Add(rev)
			s.Revenue[t.Ladder][t.Tier] = sum
		}
		for _, seg := range p.Segments {
			s.Segments[seg]++
		}
	}
	return s, nil
}

// emptySummary has a zero for every ladder, tier and segment.
func (e *Engine) emptySummary(currency string) Summary {
	s := Summary{Tiers: map[string]map[string]int{}, Segments: map[string]int{}, Revenue: map[string]map[string]strata.Money{}, Currency: currency}
	for _, l := range e.ladders {
		s.Tiers[l.name] = map[string]int{}
		s.Revenue[l.name] = map[string]strata.Money{}
		for _, t := range l.tiers {
			s.Tiers[l.name][t.Name] = 0
			s.Revenue[l.name][t.Name] = strata.Money{Currency: currency}
		}
	}
	for _, seg := range e.segments {
		s.Segments[seg.Name] = 0
	}
	return s
}

// Movement is how many customers move from one tier to another on a ladder.
type Movement struct {
	Ladder string `json:"ladder"`
	From   string `json:"from"`
	To     string `json:"to"`
	Count  int    `json:"count"`
	// Samples are the IDs of the first customers (in input order) that
	// make this move, at most Report.SampleSize of them.
	Samples []string `json:"samples"`
}

// SegmentChange is how many customers a segment gains and loses.
type SegmentChange struct {
	Segment string   `json:"segment"`
	Gained  int      `json:"gained"`
	Lost    int      `json:"lost"`
	Before  int      `json:"before"`
	After   int      `json:"after"`
	Samples []string `json:"samples"` // first gained or lost customer IDs
}

// Report is what a configuration change would do to a population: the
// movement matrix per ladder (including customers who stay put, From == To),
// and the segments' gains and losses.
type Report struct {
	Total      int             `json:"total"`
	Moved      int             `json:"moved"` // customers whose primary tier changes
	Movements  []Movement      `json:"movements"`
	Segments   []SegmentChange `json:"segments"`
	SampleSize int             `json:"sample_size"`
}

// Matrix returns the counts of one ladder as rows (from) × columns (to),
// with the old engine's tiers as rows and the new one's as columns, in
// ladder order; tiers only one engine has are included.
func (r Report) Matrix(ladder string, from, to []string) [][]int {
	m := make([][]int, len(from))
	for i := range m {
		m[i] = make([]int, len(to))
	}
	for _, mv := range r.Movements {
		if mv.Ladder != ladder {
			continue
		}
		i, j := slices.Index(from, mv.From), slices.Index(to, mv.To)
		if i >= 0 && j >= 0 {
			m[i][j] = mv.Count
		}
	}
	return m
}

// ImpactOption configures Impact.
type ImpactOption func(*impactOptions)

type impactOptions struct{ samples int }

// WithSamples sets how many sample customer IDs to keep per movement
// (default 5).
func WithSamples(n int) ImpactOption { return func(o *impactOptions) { o.samples = max(n, 0) } }

// Impact classifies every customer with the engine and with next at now
// and reports how tiers and segments would change if next replaced it, so
// a rule change is reviewed before it ships. Ladders are compared by name;
// a ladder only one engine has is left out of the movements. Both engines
// read the same records, so hysteresis applies the same way to both. It
// stops at the first error and reports to the engine's observer as op
// "impact". A nil or zero engine, either one, is an error.
func (e *Engine) Impact(ctx context.Context, next *Engine, customers iter.Seq[strata.Customer], now time.Time, opts ...ImpactOption) (rep Report, err error) {
	if err := e.check(ctx, &strata.Customer{}); err != nil {
		return Report{}, err
	}
	if err := next.ready(); err != nil {
		return Report{}, err
	}
	o := impactOptions{samples: 5}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	start, stats := time.Now(), BatchStats{}
	defer func() { e.report(ctx, "impact", start, stats, err) }()
	t := newTally(e, next, o.samples)
	// The sequence is read once; each customer is classified by both engines.
	for pb, err := range pairEngines(ctx, e, next, customers, now) {
		if err != nil {
			stats.Failed++
			return Report{}, err
		}
		stats.Customers++
		t.add(pb[0], pb[1])
	}
	return t.report(), nil
}

// tally accumulates an Impact report.
type tally struct {
	old, new *Engine
	rep      Report
	moves    map[moveKey]*Movement
	order    []moveKey
	segs     map[string]*SegmentChange
	segOrder []string
}

type moveKey struct{ ladder, from, to string }

func newTally(old, new *Engine, samples int) *tally {
	t := &tally{old: old, new: new, rep: Report{SampleSize: samples}, moves: map[moveKey]*Movement{}, segs: map[string]*SegmentChange{}}
	for _, n := range old.Segments() {
		t.seg(n)
	}
	for _, n := range new.Segments() {
		t.seg(n)
	}
	return t
}

func (t *tally) seg(name string) *SegmentChange {
	if s, ok := t.segs[name]; ok {
		return s
	}
	s := &SegmentChange{Segment: name, Samples: []string{}}
	t.segs[name] = s
	t.segOrder = append(t.segOrder, name)
	return s
}

// keep adds id to samples while there are fewer than SampleSize: the first
// ones, in input order.
func (t *tally) keep(samples *[]string, id string) {
	if len(*samples) < t.rep.SampleSize {
		*samples = append(*samples, id)
	}
}

func (t *tally) add(a, b Placement) {
	t.rep.Total++
	if a.Tier() != b.Tier() {
		t.rep.Moved++
	}
	newLadders := t.new.Ladders()
	for _, ta := range a.Tiers {
		to := b.TierOn(ta.Ladder)
		if to == "" && !slices.Contains(newLadders, ta.Ladder) {
			continue
		}
		k := moveKey{ta.Ladder, ta.Tier, to}
		mv, ok := t.moves[k]
		if !ok {
			mv = &Movement{Ladder: k.ladder, From: k.from, To: k.to, Samples: []string{}}
			t.moves[k] = mv
			t.order = append(t.order, k)
		}
		mv.Count++
		t.keep(&mv.Samples, a.CustomerID)
	}
	for _, s := range a.Segments {
		t.seg(s).Before++
		if !slices.Contains(b.Segments, s) {
			t.seg(s).Lost++
			t.keep(&t.seg(s).Samples, a.CustomerID)
		}
	}
	for _, s := range b.Segments {
		t.seg(s).After++
		if !slices.Contains(a.Segments, s) {
			t.seg(s).Gained++
			t.keep(&t.seg(s).Samples, a.CustomerID)
		}
	}
}

// report lists movements in ladder and tier order (the old engine's
// ladders and tiers first, then tiers only the new engine has) and
// segments in the order first seen.
func (t *tally) report() Report {
	ladders := t.old.Ladders()
	rank := func(ladder, tier string) int {
		if i := slices.Index(t.old.Tiers(ladder), tier); i >= 0 {
			return i
		}
		return 1_000_000 + slices.Index(t.new.Tiers(ladder), tier)
	}
	slices.SortStableFunc(t.order, func(x, y moveKey) int {
		if x.ladder != y.ladder {
			return slices.Index(ladders, x.ladder) - slices.Index(ladders, y.ladder)
		}
		if d := rank(x.ladder, x.from) - rank(x.ladder, y.from); d != 0 {
			return d
		}
		return rank(x.ladder, x.to) - rank(x.ladder, y.to)
	})
	rep := t.rep
	rep.Movements = []Movement{}
	for _, k := range t.order {
		rep.Movements = append(rep.Movements, *t.moves[k])
	}
	rep.Segments = []SegmentChange{}
	for _, n := range t.segOrder {
		rep.Segments = append(rep.Segments, *t.segs[n])
	}
	return rep
}

// pairEngines classifies each customer with both engines, in input order.
// A panic of the sequence is recovered into an error wrapping ErrPanicked.
func pairEngines(ctx context.Context, a, b *Engine, customers iter.Seq[strata.Customer], now time.Time) iter.Seq2[[2]Placement, error] {
	return func(yield func([2]Placement, error) bool) {
		if customers == nil {
			yield([2]Placement{}, errors.New("tiering: nil customer sequence"))
			return
		}
		// Keep the records so the second engine sees the same input: the
		// first engine's stream is replayed from a buffer, batch by batch.
		var buf []strata.Customer
		flush := func() bool {
			next, stop := iter.Pull2(b.classifyAll(ctx, slices.Values(buf), now, ""))
			defer stop()
			for pa, err := range a.classifyAll(ctx, slices.Values(buf), now, "") {
				pbv, errb, ok := next()
				if err == nil {
					err = errb
				}
				if !ok && err == nil {
					err = errors.New("tiering: engines disagree on the number of customers")
				}
				if !yield([2]Placement{pa, pbv}, err) || err != nil {
					return false
				}
			}
			return true
		}
		if err := readAll(customers, func(c strata.Customer) bool {
			buf = append(buf, c)
			if len(buf) == 64*batchSize {
				if !flush() {
					return false
				}
				buf = buf[:0]
			}
			return true
		}); err != nil {
			yield([2]Placement{}, err)
			return
		}
		if len(buf) > 0 {
			flush()
		}
	}
}

// readAll ranges over customers, recovering a panic of the sequence into
// an error wrapping ErrPanicked.
// A panic in f, which yields to the caller's loop, is the caller's own and
// goes on up.
func readAll(customers iter.Seq[strata.Customer], f func(strata.Customer) bool) (err error) {
	inF := false
	defer func() {
		if inF {
			return // not recovered here: the caller's panic propagates
		}
		if v := recover(); v != nil {
			err = fmt.Errorf("%w (a value of type %T)", ErrPanicked, v)
		}
	}()
	for c := range customers {
		inF = true
		more := f(c)
		inF = false
		if !more {
			return nil
		}
	}
	return nil
}
