package routing

import (
	"context"
	"errors"
	"slices"
	"time"
)

// walkLimit is how many agents a ranked walk examines before the Router
// reads the whole pool instead: past it, most of the line is ineligible
// (say, off shift at night) and one read of everyone is cheaper.
const walkLimit = 64

// canRank says whether tryPool may walk p's line: the store ranks, the
// strategy has a ranking, and no member is back from leave within the
// catch-up period (catch-up compares agents against the whole pool).
func (r *Router) canRank(p *pool, now time.Time) bool {
	if r.ranker == nil || p.ranking == nil {
		return false
	}
	if r.cfg.CatchUp == CatchUpAllow {
		return true
	}
	for _, ai := range p.away {
		for _, o := range r.agents[ai].OutOfOffice {
			if !o.End.After(now) && now.Sub(o.End) < r.catchUp {
				return false
			}
		}
	}
	return true
}

// tryRanked is tryPool for a ranked pool: the sticky owner first, then the
// line front to back, in batches of 1, 4, 16 and 64, until an eligible agent
// takes the work. It decides as tryPool's full read would. done is false
// when it gave up after walkLimit agents; it then leaves no trace and no
// reservation, and tryPool reads the whole pool.
func (r *Router) tryRanked(ctx context.Context, w *work, req *Request, d *Decision, st step, si, units int, urgent bool) (done, assigned bool, next time.Time, why string, err error) {
	p := &r.pools[st.pool]
	mark := len(d.Trace)
	trace := !req.Quiet
	if trace {
		d.Trace = slices.Grow(d.Trace, 4)
	}
	examined, lost, owner := 0, 0, -1
	// try examines one agent and, if eligible, reserves; it reports whether
	// the work is now assigned.
	try := func(ai int, stats AgentStats, sticky bool) (bool, error) {
		a := &r.agents[ai]
		examined++
		reason, detail, at := r.eligible(w, a, p, st.relax, req, stats, units, urgent)
		if reason != "" {
			if trace {
				d.Trace = append(d.Trace, Consideration{Agent: a.ID, Pool: p.Name, Step: si, Reason: reason, Detail: detail})
			}
			if !at.IsZero() && (next.IsZero() || at.Before(next)) {
				next = at
			}
			return false, nil
		}
		got, created, err := r.store.Reserve(ctx, Reservation{Item: d.Item, Customer: req.Customer.ID, Agent: a.ID,
			Pool: p.Name, Units: units, Capacity: a.Capacity, At: req.Now})
		if errors.Is(err, ErrOverCapacity) {
			lost++
			if trace {
				d.Trace = append(d.Trace, Consideration{Agent: a.ID, Pool: p.Name, Step: si, Reason: ReasonLostRace})
			}
			return false, nil
		}
		if err != nil {
			return false, r.storeErr("reserve", err)
		}
		verdict := r.assign(d, p, got, created, sticky, cand{ai: ai, stats: stats}, si, st.relax)
		if trace {
			d.Trace = append(d.Trace, Consideration{Agent: a.ID, Pool: p.Name, Step: si, Reason: verdict})
		}
		return true, nil
	}

	if p.Sticky && req.Customer.Owner != "" {
		if ai, ok := r.byID[req.Customer.Owner]; ok && p.isMember[ai] {
			owner = ai
			w.stats, err = r.store.Stats(ctx, r.agents[ai].self, req.Now.Add(-r.window), w.stats[:0])
			if err != nil {
				return true, false, time.Time{}, "", r.storeErr("stats", err)
			}
			if ok, err := try(ai, w.stats[0], true); err != nil || ok {
				d.Unexamined = len(p.members) - examined
				return true, ok, time.Time{}, "", err
			}
		}
	}
	skip := 0
	for n := 1; ; n *= 4 {
		if skip >= walkLimit {
			d.Trace = d.Trace[:mark]
			return false, false, time.Time{}, "", nil
		}
		w.ranked, err = r.ranker.Rank(ctx, p.ranking, skip, n, w.ranked[:0])
		if err != nil {
			return true, false, time.Time{}, "", r.storeErr("rank", err)
		}
		for _, rk := range w.ranked {
			ai := p.members[rk.Index]
			if ai == owner {
				continue
			}
			if ok, err := try(ai, rk.AgentStats, false); err != nil || ok {
				d.Unexamined = len(p.members) - examined
				return true, ok, time.Time{}, "", err
			}
		}
		skip += len(w.ranked)
		if len(w.ranked) < n {
			break // the end of the line
		}
	}
	if lost > 0 {
		return true, false, next, "every eligible agent reached capacity", nil
	}
	return true, false, next, "no eligible agent", nil
}
