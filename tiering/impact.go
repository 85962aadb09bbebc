package tiering

import (
	"context"
	"errors"
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
// conv (nil if every revenue is already in currency). It stops at the first
// error.
func (e *Engine) Summarize(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, currency string, conv strata.Converter) (Summary, error) {
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
	for p, err := range e.ClassifyAll(ctx, customers, now) {
		if err != nil {
			return Summary{}, err
		}
		s.Total++
		rev, err := p.Revenue.In(currency, conv)
		if err != nil {
			return Summary{}, errors.Join(errors.New("tiering: summarize customer "+p.CustomerID), err)
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

// Impact classifies every customer with both engines at now and reports
// how tiers and segments would change, so a rule change is reviewed before
// it ships. Ladders are compared by name; a ladder only one engine has is
// left out of the movements. Both engines read the same records, so
// hysteresis applies the same way to both.
func Impact(ctx context.Context, old, new *Engine, customers iter.Seq[strata.Customer], now time.Time, opts ...ImpactOption) (Report, error) {
	o := impactOptions{samples: 5}
	for _, opt := range opts {
		opt(&o)
	}
	type key struct{ ladder, from, to string }
	moves := map[key]*Movement{}
	var order []key
	segs := map[string]*SegmentChange{}
	var segOrder []string
	seg := func(name string) *SegmentChange {
		if s, ok := segs[name]; ok {
			return s
		}
		s := &SegmentChange{Segment: name, Samples: []string{}}
		segs[name] = s
		segOrder = append(segOrder, name)
		return s
	}
	for _, n := range old.Segments() {
		seg(n)
	}
	for _, n := range new.Segments() {
		seg(n)
	}
	rep := Report{SampleSize: o.samples}
	keep := func(samples *[]string, id string) { // the first SampleSize IDs, in input order
		if len(*samples) < o.samples {
			*samples = append(*samples, id)
		}
	}

	// The sequence is read once; each customer is classified by both engines.
	for pb, err := range pairEngines(ctx, old, new, customers, now) {
		if err != nil {
			return Report{}, err
		}
		a, b := pb[0], pb[1]
		rep.Total++
		if a.Tier() != b.Tier() {
			rep.Moved++
		}
		for _, ta := range a.Tiers {
			to := b.TierOn(ta.Ladder)
			if to == "" && !slices.Contains(new.Ladders(), ta.Ladder) {
				continue
			}
			k := key{ta.Ladder, ta.Tier, to}
			mv, ok := moves[k]
			if !ok {
				mv = &Movement{Ladder: k.ladder, From: k.from, To: k.to, Samples: []string{}}
				moves[k] = mv
				order = append(order, k)
			}
			mv.Count++
			keep(&mv.Samples, a.CustomerID)
		}
		for _, s := range a.Segments {
			seg(s).Before++
			if !slices.Contains(b.Segments, s) {
				seg(s).Lost++
				keep(&seg(s).Samples, a.CustomerID)
			}
		}
		for _, s := range b.Segments {
			seg(s).After++
			if !slices.Contains(a.Segments, s) {
				seg(s).Gained++
				keep(&seg(s).Samples, a.CustomerID)
			}
		}
	}
	// Movements in ladder and tier order: the old engine's ladders and
	// tiers first, then tiers only the new engine has.
	rank := func(ladder, tier string) int {
		if i := slices.Index(old.Tiers(ladder), tier); i >= 0 {
			return i
		}
		return 1000 + slices.Index(new.Tiers(ladder), tier)
	}
	slices.SortStableFunc(order, func(x, y key) int {
		if x.ladder != y.ladder {
			return slices.Index(old.Ladders(), x.ladder) - slices.Index(old.Ladders(), y.ladder)
		}
		if d := rank(x.ladder, x.from) - rank(x.ladder, y.from); d != 0 {
			return d
		}
		return rank(x.ladder, x.to) - rank(x.ladder, y.to)
	})
	for _, k := range order {
		rep.Movements = append(rep.Movements, *moves[k])
	}
	for _, n := range segOrder {
		rep.Segments = append(rep.Segments, *segs[n])
	}
	return rep, nil
}

// pairEngines classifies each customer with both engines, in input order.
func pairEngines(ctx context.Context, a, b *Engine, customers iter.Seq[strata.Customer], now time.Time) iter.Seq2[[2]Placement, error] {
	return func(yield func([2]Placement, error) bool) {
		// Keep the records so the second engine sees the same input: the
		// first engine's stream is replayed from a buffer, batch by batch.
		var buf []strata.Customer
		flush := func() bool {
			bp := b.ClassifyAll(ctx, slices.Values(buf), now)
			next, stop := iter.Pull2(bp)
			defer stop()
			for pa, err := range a.ClassifyAll(ctx, slices.Values(buf), now) {
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
		for c := range customers {
			buf = append(buf, c)
			if len(buf) == 64*batchSize {
				if !flush() {
					return
				}
				buf = buf[:0]
			}
		}
		if len(buf) > 0 {
			flush()
		}
	}
}
