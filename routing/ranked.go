package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// walkLimit is how many agents a ranked walk examines, at least, before the
// Router reads the whole pool instead: past it, most of the line is
// ineligible (say, off shift at night) and one read of everyone is cheaper.
const walkLimit = 64

// canRank says whether tryStep may walk p's line: the store ranks, the
// strategy has a ranking, the Router is open, and no member is back from
// leave within the catch-up period (catch-up compares agents against the
// whole pool).
func (r *Router) canRank(p *pool, now time.Time) bool {
	if r.ranker == nil || p.ranking == nil || r.closed.Load() {
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

// walk is the state of one ranked walk.
type walk struct {
	examined int
	owner    int // agent index of the customer's owner, tried first; -1 if none
}

// tryRanked is tryStep for a ranked pool: the sticky owner first, then the
// line front to back, in batches of the window's width, then four and
// sixteen times that, offering the eligible agents to the store a window at
// a time until one takes the work. It decides as tryFull would. It returns
// readAll when it gave up after walkLimit agents, leaving no trace and no
// reservation.
func (r *Router) tryRanked(ctx context.Context, c *call) (verdict, error) {
	p := c.p
	mark := len(c.d.Trace)
	if !c.req.Quiet {
		c.d.Trace = slices.Grow(c.d.Trace, r.opts.window)
	}
	c.win = c.win[:0]
	w := walk{owner: -1}
	if err := r.rankOwner(ctx, c, &w); err != nil {
		return gaveNobody, err
	}
	if len(c.win) >= r.opts.window {
		if v, err := r.offerWalked(ctx, c, &w); err != nil || v == assigned {
			return v, err
		}
	}
	skip := 0
	for n := r.opts.window; ; n *= 4 {
		if skip >= walkLimit {
			c.d.Trace, c.win, c.lost, c.next = c.d.Trace[:mark], c.win[:0], 0, time.Time{}
			return readAll, nil
		}
		var err error
		if c.ranked, err = r.ranker.Rank(ctx, p.ranking, skip, n, c.ranked[:0]); err != nil {
			return gaveNobody, r.storeErr(ctx, "rank", err)
		}
		for i := range c.ranked {
			if v, err := r.walkOne(ctx, c, &w, &c.ranked[i]); err != nil || v == assigned {
				return v, err
			}
		}
		if v, err := r.offerWalked(ctx, c, &w); err != nil || v == assigned {
			return v, err
		}
		skip += len(c.ranked)
		if len(c.ranked) < n {
			break // the end of the line
		}
	}
	c.why = "no eligible agent"
	if c.lost > 0 {
		c.why = "every eligible agent reached capacity"
	}
	return gaveNobody, nil
}

// rankOwner puts the customer's owner, if a member of a sticky pool and
// eligible, first in the window.
func (r *Router) rankOwner(ctx context.Context, c *call, w *walk) error {
	p := c.p
	if !p.Sticky || c.req.Customer.Owner == "" {
		return nil
	}
	ai, ok := r.byID[c.req.Customer.Owner]
	if !ok || !p.isMember[ai] {
		return nil
	}
	var err error
	if c.stats, err = r.store.Stats(ctx, r.agents[ai].self, time.Time{}, c.stats[:0]); err == nil && len(c.stats) != 1 {
		err = fmt.Errorf("%d workloads for 1 agent", len(c.stats))
	}
	if err != nil {
		return r.storeErr(ctx, "stats", err)
	}
	w.owner = ai
	r.consider(c, w, ai, &c.stats[0])
	return nil
}

// walkOne examines one agent of the line and, once the window is full,
// offers it.
func (r *Router) walkOne(ctx context.Context, c *call, w *walk, rk *Ranked) (verdict, error) {
	p := c.p
	if rk.Index < 0 || rk.Index >= len(p.members) {
		return gaveNobody, r.storeErr(ctx, "rank", fmt.Errorf("index %d out of a line of %d", rk.Index, len(p.members)))
	}
	ai := p.members[rk.Index]
	if ai == w.owner {
		return gaveNobody, nil
	}
	r.consider(c, w, ai, &rk.AgentStats)
	if len(c.win) < r.opts.window {
		return gaveNobody, nil
	}
	return r.offerWalked(ctx, c, w)
}

// consider examines agent ai: traced and passed over, or added to the
// window.
func (r *Router) consider(c *call, w *walk, ai int, st *AgentStats) {
	s := seenAgent{ai: ai, stats: *st}
	s.reason, s.detail, s.at = r.eligible(c, &r.agents[ai], st)
	r.note(c, w, &s)
}

// seenAgent is an agent examined, with the verdict of eligible.
type seenAgent struct {
	ai     int
	reason Reason // "" when eligible
	detail string
	at     time.Time // when it is back, if it is off shift or on leave
	stats  AgentStats
}

// note records an examined agent: traced and passed over, or added to the
// window.
func (r *Router) note(c *call, w *walk, s *seenAgent) {
	a := &r.agents[s.ai]
	w.examined++
	if s.reason != "" {
		c.trace(a, s.reason, s.detail)
		c.later(s.at)
		return
	}
	c.win = append(c.win, cand{ai: s.ai, trace: c.trace(a, ReasonRankedLower, ""), stats: s.stats})
}

// offerWalked offers the window, if any, and empties it.
func (r *Router) offerWalked(ctx context.Context, c *call, w *walk) (verdict, error) {
	if len(c.win) == 0 {
		return gaveNobody, nil
	}
	ok, err := r.offerWindow(ctx, c)
	if err != nil || ok {
		c.d.Unexamined = len(c.p.members) - w.examined
		return verdictOf(ok), err
	}
	c.win = c.win[:0]
	return gaveNobody, nil
}

// lineWalk is the state of a walk a LineReserver runs (see tryLine).
type lineWalk struct {
	walk
	pos  int   // line positions reached, the owner's included
	stop bool  // the walk reached Router.walkStop: read the whole pool
	err  error // the store gave an index out of the line
	// pre is the agent that stood at the front of the line just before
	// the walk (agent index + 1; 0 for none), and ahead what
	// Router.available said of it, worked out before the store's lock.
	pre   int
	ahead seenAgent
}

// fronter is a LineReserver that tells, without its lock, which ranking
// index last stood at the front of a line, or -1 (MemoryStore). A stale
// answer costs only the work done ahead for nothing.
type fronter interface {
	frontHint(k *Ranking) int
}

// prepare works out, before the store's lock, whether the agent at the
// front of p's line can take the work but for its workload: that agent is
// usually the one examine is first asked about, and its verdict is then
// the workload check alone, so the lock is held for less. The verdict is
// the same either way (Router.available depends on neither the store nor
// the line).
func (r *Router) prepare(c *call, p *pool) {
	if r.fronts == nil {
		return
	}
	i := r.fronts.frontHint(p.ranking)
	if i < 0 || i >= len(p.members) {
		return
	}
	ai := p.members[i]
	w := &c.walk
	w.pre = ai + 1
	w.ahead.reason, w.ahead.detail, w.ahead.at = r.available(c, &r.agents[ai])
}

// tryLine is tryRanked in one call to a LineReserver: the store walks the
// line under its lock (the sticky owner first) and the Router examines
// each agent as it comes (call.examine), taking the first eligible one. It
// decides, traces and gives up exactly where tryRanked, with a window of
// one, would.
func (r *Router) tryLine(ctx context.Context, c *call) (verdict, error) {
	p := c.p
	mark := len(c.d.Trace)
	if !c.req.Quiet {
		c.d.Trace = slices.Grow(c.d.Trace, 1)
	}
	c.win, c.offer, c.seen = c.win[:0], c.offer[:0], c.seen[:0]
	c.walk = lineWalk{walk: walk{owner: -1}}
	o := Offer{Item: c.d.Item, Customer: c.req.Customer.ID, Pool: p.Name, Units: c.units, At: c.req.Now}
	if ai := r.stickyOwner(c); ai >= 0 {
		c.walk.owner = ai
		c.owner[0] = Candidate{Agent: r.agents[ai].ID, Capacity: r.agents[ai].cap}
		o.Window = c.owner[:]
	}
	r.prepare(c, p)
	got, created, err := r.lined.ReserveFromLine(ctx, p.ranking, o, c.examineFn)
	w := &c.walk
	for i := range c.seen { // the store's lock is released: trace now
		r.note(c, &w.walk, &c.seen[i])
		if c.seen[i].reason == "" {
			a := &r.agents[c.seen[i].ai]
			c.offer = append(c.offer, Candidate{Agent: a.ID, Capacity: a.cap})
		}
	}
	switch {
	case w.err != nil:
		return gaveNobody, r.storeErr(ctx, "rank", w.err)
	case err == nil, errors.Is(err, ErrOverCapacity):
	case len(c.offer) == 0: // nobody taken: nothing can have been reserved
		return gaveNobody, r.storeErr(ctx, "reserve", err)
	default:
		o.Window = c.offer
		got, created, err = r.settle(ctx, &o, r.storeErr(ctx, "reserve", err))
	}
	if err != nil && errors.Is(err, ErrOverCapacity) && w.pos >= r.walkStop {
		c.d.Trace, c.win, c.lost, c.next = c.d.Trace[:mark], c.win[:0], 0, time.Time{}
		return readAll, nil
	}
	ok, err := r.offered(ctx, c, &got, created, err)
	if err != nil || ok {
		c.d.Unexamined = len(p.members) - w.examined
		return verdictOf(ok), err
	}
	c.why = "no eligible agent"
	if c.lost > 0 {
		c.why = "every eligible agent reached capacity"
	}
	return gaveNobody, nil
}

// stickyOwner returns the agent index of the customer's owner when the
// pool is sticky and the owner a member, else -1.
func (r *Router) stickyOwner(c *call) int {
	if !c.p.Sticky || c.req.Customer.Owner == "" {
		return -1
	}
	if ai, ok := r.byID[c.req.Customer.Owner]; ok && c.p.isMember[ai] {
		return ai
	}
	return -1
}

// examine is the Router's side of a LineReserver's walk: the owner (Index
// -1) and then each agent of the line is examined as tryRanked would, and
// the first eligible one taken. It runs under the store's lock, so it only
// notes its verdicts in c.seen; tryLine traces them afterwards. At
// Router.walkStop line positions it stops, where tryRanked gives up and
// reads the whole pool.
func (c *call) examine(rk Ranked) LineVerdict {
	r, w := c.r, &c.walk
	ai := w.owner
	if rk.Index >= 0 {
		if w.pos >= r.walkStop {
			w.stop = true
			return LineStop
		}
		w.pos++
		if rk.Index >= len(c.p.members) {
			w.err = fmt.Errorf("index %d out of a line of %d", rk.Index, len(c.p.members))
			return LineStop
		}
		if ai = c.p.members[rk.Index]; ai == w.owner {
			return LineSkip // examined first
		}
	} else if ai < 0 {
		w.err = fmt.Errorf("a walk examined %s, not offered first", rk.Agent)
		return LineStop
	}
	s := seenAgent{ai: ai, stats: rk.AgentStats}
	if a := &r.agents[ai]; ai+1 == w.pre { // worked out before the lock: the workload is all that is left
		s.reason, s.detail, s.at = w.ahead.reason, w.ahead.detail, w.ahead.at
		if s.reason == "" && !fits(rk.Load, c.units, a.cap) {
			s.reason = ReasonAtCapacity
		}
	} else {
		s.reason, s.detail, s.at = r.eligible(c, a, &rk.AgentStats)
	}
	c.seen = append(c.seen, s)
	if s.reason != "" {
		return LineSkip
	}
	return LineTake
}
