package review

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/strata-go/strata/internal/eventq"
	"github.com/strata-go/strata/routing"
)

// Replayed is one record's decision under the proposed configuration, beside
// the recorded one.
type Replayed struct {
	Item     string `json:"item"`
	Recorded string `json:"recorded"` // the recorded agent; "" for nobody
	// Outcome, Agent, Pool, Rule and Step are the replay's decision, made at
	// At (the recorded decision time, or later when the proposed
	// configuration deferred the work).
	Outcome routing.Outcome `json:"outcome"`
	Agent   string          `json:"agent,omitempty"`
	Pool    string          `json:"pool,omitempty"`
	Rule    string          `json:"rule,omitempty"`
	Step    int             `json:"step,omitempty"`
	At      time.Time       `json:"at"`
}

// Flow counts the records the replay moves from one rep to another ("" is
// nobody).
type Flow struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// Comparison lays a recorded stretch of decisions beside the replay of the
// same requests through a proposed configuration.
type Comparison struct {
	Recorded Report `json:"recorded"`
	// Proposed reviews the replay's decisions; it has no outcomes (see
	// Report.Outcomes).
	Proposed Report `json:"proposed"`
	// Decisions are the replay's decisions, in the order of the records.
	Decisions []Replayed `json:"decisions"`
	// Same counts the records the replay gives to the recorded rep (or
	// leaves unassigned as recorded); Moved the others, and Flows says
	// from whom to whom, the largest first.
	Same  int    `json:"same"`
	Moved int    `json:"moved"`
	Flows []Flow `json:"flows"`
	// ExpectedConversions estimates the replay's conversions: each lead
	// converts at its new rep's recorded rate (the overall rate for a rep
	// with no recorded assignments). RecordedConversions is what happened.
	// The estimate ignores that a rep's rate depends on the leads it got.
	ExpectedConversions float64 `json:"expected_conversions"`
	RecordedConversions int     `json:"recorded_conversions"`
}

// maxRetries bounds how often the replay routes deferred work again.
const maxRetries = 48

// Replay routes the recorded requests again through proposed, over a fresh
// routing.MemoryStore, and compares what would have happened with what did:
// each request at its recorded decision time, in time order (records at the
// same instant in input order, releases before decisions), each assignment
// released at its recorded release time. Work the proposed configuration
// defers is routed again when it says (at most 48 times); work it cannot
// assign stays unassigned. Replaying through the configuration the records
// were decided by reproduces them exactly, when the records are complete
// (every decision that assigned work, from an empty store) and their
// releases are recorded. opts are the Router's (WithConverter for money in
// rules, filters). It fails when proposed does not compile, when a Route
// fails, when the sequence panics (ErrPanicked) and when ctx is done.
func (r *Reviewer) Replay(ctx context.Context, proposed routing.Config, records iter.Seq[Record], opts ...routing.Option) (c Comparison, err error) {
	start := time.Now()
	defer func() { r.report(ctx, "replay", start, &c, err) }()
	switch {
	case r == nil:
		return Comparison{}, errors.New("review: nil Reviewer (build one with New)")
	case ctx == nil:
		return Comparison{}, errors.New("review: nil context")
	case records == nil:
		return Comparison{}, errors.New("review: nil records")
	}
	recs, err := r.collect(records)
	if err != nil {
		return Comparison{}, err
	}
	if c.Recorded, err = r.review(ctx, slices.Values(recs), true); err != nil {
		return Comparison{}, err
	}
	next, err := New(r.cfg, proposed, WithConverter(r.opts.conv))
	if err != nil {
		return Comparison{}, fmt.Errorf("review: the proposed configuration: %w", err)
	}
	if c.Decisions, err = replay(ctx, proposed, recs, opts); err != nil {
		return Comparison{}, err
	}
	replayed := make([]Record, len(recs))
	for i, rec := range recs {
		d := c.Decisions[i]
		replayed[i] = Record{Item: rec.Item, Customer: rec.Customer, Lead: rec.Lead, At: d.At, Agent: d.Agent,
			Pool: d.Pool, Rule: d.Rule, Step: d.Step, Released: rec.Released}
	}
	if c.Proposed, err = next.review(ctx, slices.Values(replayed), false); err != nil {
		return Comparison{}, err
	}
	c.compare()
	return c, nil
}

// collect reads the records within the period, recovering a panic of the
// sequence.
func (r *Reviewer) collect(records iter.Seq[Record]) (recs []Record, err error) {
	defer func() {
		if v := recover(); v != nil {
			recs, err = nil, fmt.Errorf("%w (a value of type %T)", ErrPanicked, v)
		}
	}()
	p := r.cfg.Period
	for rec := range records {
		if p.Start.IsZero() || (!rec.At.Before(p.Start) && rec.At.Before(p.End)) {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// The kinds of replay event, in the order they run at the same instant.
const (
	evRelease = iota
	evRoute
)

// replayer is one replay in progress.
type replayer struct {
	router *routing.Router
	recs   []Record
	out    []Replayed
	tries  []int
	q      eventq.Queue
}

// replay routes recs through cfg on a fresh store and returns the decisions
// in the records' order.
func replay(ctx context.Context, cfg routing.Config, recs []Record, opts []routing.Option) ([]Replayed, error) {
	router, err := routing.New(cfg, routing.NewMemoryStore(), opts...)
	if err != nil {
		return nil, fmt.Errorf("review: the proposed configuration: %w", err)
	}
	defer router.Close(context.WithoutCancel(ctx))
	p := &replayer{router: router, recs: recs, out: make([]Replayed, len(recs)), tries: make([]int, len(recs))}
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return recs[a].At.Compare(recs[b].At) })
	for _, i := range order {
		p.out[i] = Replayed{Item: recs[i].Item, Recorded: recs[i].Agent, Outcome: routing.Unassigned, At: recs[i].At}
		p.q.Push(recs[i].At, evRoute, i)
	}
	for ev, ok := p.q.Pop(); ok; ev, ok = p.q.Pop() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := p.step(ctx, ev); err != nil {
			return nil, err
		}
	}
	return p.out, nil
}

// step runs one event.
func (p *replayer) step(ctx context.Context, ev eventq.Event) error {
	rec := &p.recs[ev.Index]
	if ev.Kind == evRelease {
		_, err := p.router.Release(ctx, rec.Item)
		if errors.Is(err, routing.ErrUnknownItem) {
			return nil
		}
		return err
	}
	d, err := p.router.Route(ctx, routing.Request{Item: rec.Item, Customer: rec.Customer, Lead: rec.Lead, Now: ev.At, Quiet: true})
	if err != nil {
		return fmt.Errorf("review: replaying item %q: %w", rec.Item, err)
	}
	out := &p.out[ev.Index]
	out.Outcome, out.Agent, out.Pool, out.Rule, out.Step, out.At = d.Outcome, d.Agent, d.Pool, d.Rule, d.Step, d.At
	switch d.Outcome {
	case routing.Assigned:
		if !rec.Released.IsZero() {
			p.q.Push(maxTime(rec.Released, d.At), evRelease, ev.Index)
		}
	case routing.Deferred:
		if p.tries[ev.Index]++; p.tries[ev.Index] < maxRetries {
			next := d.RetryAt
			if !next.After(ev.At) {
				next = ev.At.Add(time.Hour)
			}
			p.q.Push(next, evRoute, ev.Index)
		}
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// compare fills in the comparison's counts.
func (c *Comparison) compare() {
	rates := map[string]float64{}
	for _, s := range c.Recorded.Agents {
		if s.Assigned > 0 {
			rates[s.Name] = s.Rate
		}
	}
	flows := map[[2]string]int{}
	for _, d := range c.Decisions {
		if d.Agent == d.Recorded {
			c.Same++
		} else {
			c.Moved++
			flows[[2]string{d.Recorded, d.Agent}]++
		}
		if d.Agent != "" {
			rate, ok := rates[d.Agent]
			if !ok {
				rate = c.Recorded.Total.Rate
			}
			c.ExpectedConversions += rate
		}
	}
	c.RecordedConversions = c.Recorded.Total.Conversions
	c.ExpectedConversions = round3(c.ExpectedConversions)
	c.Flows = []Flow{}
	for k, n := range flows {
		c.Flows = append(c.Flows, Flow{From: k[0], To: k[1], Count: n})
	}
	slices.SortFunc(c.Flows, func(a, b Flow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
}
