package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// verdict is what one step of a chain came to.
type verdict uint8

const (
	gaveNobody verdict = iota // call.why says why
	assigned
	readAll // the ranked walk gave up: read the whole pool
)

// tryStep runs one step of the chain: the pool's line when it can, else
// every member's workload.
func (r *Router) tryStep(ctx context.Context, c *call) (verdict, error) {
	defer r.reportLostRaces(ctx, c)
	if r.canRank(c.p, c.req.Now) {
		try := r.tryRanked
		if r.lined != nil {
			try = r.tryLine
		}
		if v, err := try(ctx, c); err != nil || v != readAll {
			return v, err
		}
	}
	return r.tryFull(ctx, c)
}

// tryFull reads every member's workload, traces each member in pool order
// (members are sorted by ID; eligible ones start as ranked lower and the
// pick overwrites its entry), and offers the eligible to the store, a
// window at a time, best first.
func (r *Router) tryFull(ctx context.Context, c *call) (verdict, error) {
	p := c.p
	var since time.Time // no recent counts unless the strategy reads them
	if p.recent {
		since = c.req.Now.Add(-r.fairness)
	}
	var err error
	if c.stats, err = r.store.Stats(ctx, p.ids, since, c.stats[:0]); err == nil && len(c.stats) != len(p.ids) {
		err = fmt.Errorf("%d workloads for %d agents", len(c.stats), len(p.ids))
	}
	if err != nil {
		return gaveNobody, r.storeErr(ctx, "stats", err)
	}
	c.cands = c.cands[:0]
	if !c.req.Quiet {
		c.d.Trace = slices.Grow(c.d.Trace, len(p.members)+1)
	}
	for pos, ai := range p.members {
		a := &r.agents[ai]
		if reason, detail, at := r.eligible(c, a, &c.stats[pos]); reason != "" {
			c.trace(a, reason, detail)
			c.later(at)
			continue
		}
		c.cands = append(c.cands, cand{ai: ai, trace: c.trace(a, ReasonRankedLower, ""), stats: c.stats[pos]})
	}
	if len(c.cands) > 0 && r.cfg.CatchUp != CatchUpAllow {
		if err := r.applyCatchUp(ctx, c); err != nil {
			return gaveNobody, err
		}
	}
	if len(c.cands) == 0 {
		c.why = "no eligible agent"
		return gaveNobody, nil
	}
	if p.Strategy == BestSkillFit {
		for k := range c.cands {
			c.cands[k].fit = r.fit(&r.agents[c.cands[k].ai], p, &c.req)
		}
	}
	for len(c.cands) > 0 {
		r.fillWindow(c)
		if ok, err := r.offerWindow(ctx, c); err != nil || ok {
			return verdictOf(ok), err
		}
		c.cands = slices.DeleteFunc(c.cands, func(x cand) bool {
			return slices.ContainsFunc(c.win, func(w cand) bool { return w.ai == x.ai })
		})
	}
	c.why = "every eligible agent reached capacity"
	return gaveNobody, nil
}

func verdictOf(ok bool) verdict {
	if ok {
		return assigned
	}
	return gaveNobody
}

// fillWindow puts the best candidates in c.win, best first: the customer's
// owner first in a sticky pool, then the strategy's order.
func (r *Router) fillWindow(c *call) {
	c.win = c.win[:0]
	size := r.opts.window
	owner := -1
	if c.p.Sticky && c.req.Customer.Owner != "" {
		owner = slices.IndexFunc(c.cands, func(x cand) bool { return r.agents[x.ai].ID == c.req.Customer.Owner })
		if owner >= 0 {
			c.win = append(c.win, c.cands[owner])
		}
	}
	base := len(c.win)
	for k := range c.cands {
		if k == owner {
			continue
		}
		x := &c.cands[k]
		if len(c.win) == size {
			if size == base || !r.before(x, &c.win[size-1], c.p) {
				continue
			}
			c.win = c.win[:size-1] // the last one drops out
		}
		j := len(c.win)
		c.win = append(c.win, *x)
		for ; j > base && r.before(x, &c.win[j-1], c.p); j-- {
			c.win[j] = c.win[j-1]
		}
		c.win[j] = *x
	}
}

// offerWindow offers the work to c.win's agents through the store, and
// records who took it, if anyone: the agents ahead of it lost a race to a
// concurrent request.
func (r *Router) offerWindow(ctx context.Context, c *call) (bool, error) {
	c.offer = c.offer[:0]
	for _, x := range c.win {
		a := &r.agents[x.ai]
		c.offer = append(c.offer, Candidate{Agent: a.ID, Capacity: a.cap})
	}
	o := Offer{Item: c.d.Item, Customer: c.req.Customer.ID, Pool: c.p.Name, Units: c.units, At: c.req.Now, Window: c.offer}
	got, created, err := r.reserve(ctx, &o)
	return r.offered(ctx, c, &got, created, err)
}

// offered records what the store did with the work offered to c.win's
// agents (as candidates in c.offer): who took it, if anyone; the agents
// ahead of it lost a race to a concurrent request.
func (r *Router) offered(ctx context.Context, c *call, got *Assignment, created bool, err error) (bool, error) {
	if errors.Is(err, ErrOverCapacity) {
		for _, x := range c.win {
			c.d.setTrace(x.trace, ReasonLostRace, "")
		}
		c.lost += len(c.win)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !created { // the item was assigned already, or concurrently: a replay, and nobody lost a race
		c.held, c.heldAs = true, *got
		return true, nil
	}
	k := slices.IndexFunc(c.offer, func(x Candidate) bool { return x.Agent == got.Agent })
	if k > 0 {
		for _, x := range c.win[:k] {
			c.d.setTrace(x.trace, ReasonLostRace, "")
		}
		c.lost += k
	}
	var x *cand
	if k >= 0 {
		x = &c.win[k]
	}
	verdict := r.assign(c, got, x)
	if x != nil {
		c.d.setTrace(x.trace, verdict, "")
	}
	return true, nil
}

// reserve gives o's item to the first of its window with room, through
// the store; when the store fails it finds out what the reservation did.
func (r *Router) reserve(ctx context.Context, o *Offer) (Assignment, bool, error) {
	var got Assignment
	var created bool
	var err error
	if r.windowed != nil {
		got, created, err = r.windowed.ReserveFirst(ctx, *o)
	} else {
		got, created, err = ReserveFirst(ctx, r.store, *o)
	}
	if err == nil || errors.Is(err, ErrOverCapacity) {
		return got, created, err
	}
	return r.settle(ctx, o, r.storeErr(ctx, "reserve", err))
}

// settle finds out what a reservation the store failed to acknowledge did,
// by looking the item up (three tries): assigned, it reports the
// assignment (made by this reservation if it names a candidate and o's
// time); not assigned, failure stands and nothing is left behind; the store
// still failing, failure joined with ErrUnconfirmed.
func (r *Router) settle(ctx context.Context, o *Offer, failure error) (Assignment, bool, error) {
	for range 3 {
		a, ok, err := r.store.Lookup(ctx, o.Item)
		switch {
		case err != nil && ctx.Err() != nil:
			return Assignment{}, false, fmt.Errorf("%w: %w", ErrUnconfirmed, failure)
		case err != nil:
			r.storeErr(ctx, "lookup", err)
			continue
		case !ok:
			return Assignment{}, false, failure
		}
		mine := a.At.Equal(o.At) && slices.ContainsFunc(o.Window, func(c Candidate) bool { return c.Agent == a.Agent })
		return a, mine, nil
	}
	return Assignment{}, false, fmt.Errorf("%w: %w", ErrUnconfirmed, failure)
}

// assign records on c.d that this request gave got the work, x being its
// candidate (nil when the item went to someone outside the window), and
// returns the trace verdict.
func (r *Router) assign(c *call, got *Assignment, x *cand) Reason {
	d := &c.d
	d.Outcome, d.Agent, d.Pool, d.Step = Assigned, got.Agent, got.Pool, c.si
	d.Sticky = c.p.Sticky && got.Agent == c.req.Customer.Owner
	switch {
	case d.Sticky:
		d.Reason = "the customer's owner, and eligible"
		return ReasonSticky
	default:
		var st AgentStats
		fit := 0
		if x != nil {
			st, fit = x.stats, x.fit
		}
		d.Reason = r.pickReason(c, st.Load, fit)
	}
	return ReasonPicked
}

func (r *Router) pickReason(c *call, load, fit int) string {
	p := c.p
	var reason string
	switch p.Strategy {
	case RoundRobin:
		reason = "round robin: assigned least recently"
	case WeightedRoundRobin:
		reason = "weighted round robin: fewest recent assignments for its weight"
	case LeastLoaded:
		reason = "least loaded: "
	case MostFreeCapacity:
		reason = "most free capacity"
	case BestSkillFit:
		reason = "best skill fit: "
	}
	switch {
	case c.si != 0:
	case p.Strategy == LeastLoaded && load >= 0 && load < len(leastLoadedReasons()):
		return leastLoadedReasons()[load] // made once: no allocation
	case p.Strategy != LeastLoaded && p.Strategy != BestSkillFit:
		return reason // a constant: no allocation
	}
	var buf [96]byte
	b := append(buf[:0], reason...)
	switch p.Strategy {
	case LeastLoaded:
		b = strconv.AppendInt(b, int64(load), 10)
		b = append(b, " units held"...)
	case BestSkillFit:
		b = strconv.AppendInt(b, int64(fit), 10)
	}
	if c.si > 0 {
		b = append(b, " (overflow step "...)
		b = strconv.AppendInt(b, int64(c.si), 10)
		if c.relax {
			b = append(b, ", skills relaxed"...)
		}
		b = append(b, ')')
	}
	return string(b)
}

// eligible returns "" when the agent can take the work at this step, else
// why not; for agents off shift or on leave but otherwise eligible, also
// when they are back.
func (r *Router) eligible(c *call, a *agent, st *AgentStats) (Reason, string, time.Time) {
	if reason, detail, at := r.available(c, a); reason != "" {
		return reason, detail, at
	}
	if !fits(st.Load, c.units, a.cap) {
		return ReasonAtCapacity, "", time.Time{}
	}
	return "", "", time.Time{}
}

// available is eligible without the workload: it depends on the request,
// the step and the agent only, so it can be worked out before the store's
// lock (see call.examine).
func (r *Router) available(c *call, a *agent) (Reason, string, time.Time) {
	p, req := c.p, &c.req
	if reason, detail := r.suits(c, a); reason != "" {
		return reason, detail, time.Time{}
	}
	for _, o := range a.OutOfOffice {
		if o.Contains(req.Now) {
			back := o.End
			if a.cal != nil && p.RequireOnShift {
				if open, err := a.cal.NextOpen(back); err == nil { // not memoized: a different time
					back = open
				}
			}
			return ReasonOutOfOffice, "until " + o.End.Format(time.DateOnly), back
		}
	}
	if p.RequireOnShift && a.cal != nil && !a.cal.IsOpen(req.Now) {
		open, err := c.nextOpen(a.cal)
		if err != nil {
			return ReasonOffShift, "never on shift", time.Time{}
		}
		if c.urgent || open.Sub(req.Now) > p.ShiftWindow.Std() {
			return ReasonOffShift, "", open
		}
	}
	return "", "", time.Time{}
}

// suits checks what does not depend on time or workload: active, language,
// region, product, seniority, skills, host filters.
func (r *Router) suits(c *call, a *agent) (Reason, string) {
	p, req := c.p, &c.req
	switch {
	case a.Inactive:
		return ReasonInactive, ""
	case p.MatchLanguage && len(req.Customer.Languages) > 0 && !speaks(a, c.langKeys()):
		return ReasonLanguage, ""
	case p.MatchRegion && !a.anywhere && !a.covers(req.Customer.Country, req.Customer.Subdivision):
		return ReasonRegion, ""
	case p.MatchProduct && a.products != nil && !sells(a, req):
		return ReasonProduct, ""
	case a.Seniority < p.MinSeniority:
		return ReasonSeniority, ""
	}
	if !c.relax {
		for _, s := range p.skills {
			if a.Skills[s.name] < s.level {
				return ReasonSkill, s.name
			}
		}
	}
	for _, f := range r.opts.filters {
		if ok, why := f.f(a.Agent, req); !ok {
			return ReasonFilter, f.name + ": " + why
		}
	}
	return "", ""
}

// covers reports whether the agent's regions include the subdivision (if
// any) or the country.
func (a *agent) covers(country, subdivision string) bool {
	return (subdivision != "" && a.regions[subdivision]) || a.regions[country]
}

// speaks reports whether the agent speaks one of the language keys.
func speaks(a *agent, keys []string) bool {
	for _, key := range keys {
		if slices.Contains(a.langs, key) {
			return true
		}
	}
	return false
}

// speaksTags reports whether the agent speaks one of the language tags.
func speaksTags(a *agent, tags []string) bool {
	for _, l := range tags {
		if key, ok := langKey(l); ok && slices.Contains(a.langs, key) {
			return true
		}
	}
	return false
}

// langKeys returns the keys of the customer's languages (see langKey),
// leaving out tags that are not languages, computed once per request.
func (c *call) langKeys() []string {
	if !c.keyed {
		c.keyed = true
		for _, l := range c.req.Customer.Languages {
			if key, ok := langKey(l); ok {
				c.keys = append(c.keys, key)
			}
		}
	}
	return c.keys
}

func sells(a *agent, req *Request) bool {
	if req.Lead.Product != "" {
		return a.products[req.Lead.Product]
	}
	if len(req.Customer.Products) == 0 {
		return true
	}
	for _, p := range req.Customer.Products {
		if a.products[p] {
			return true
		}
	}
	return false
}

// applyCatchUp drops agents back from leave who already took their share
// since returning: more than the busiest pool peer (plus the cap) in the
// same time. It never drops the last candidates: free capacity is not left
// idle for the sake of fairness.
func (r *Router) applyCatchUp(ctx context.Context, c *call) error {
	var drop []int
	var why []string
	for k := range c.cands {
		a := &r.agents[c.cands[k].ai]
		var back time.Time
		for _, o := range a.OutOfOffice {
			if !o.End.After(c.req.Now) && c.req.Now.Sub(o.End) < r.catchUp && o.End.After(back) {
				back = o.End
			}
		}
		if back.IsZero() {
			continue
		}
		var err error
		if c.since, err = r.store.Stats(ctx, c.p.ids, back, c.since[:0]); err != nil {
			return r.storeErr(ctx, "stats", err)
		}
		mine, busiest := 0, 0
		for _, s := range c.since {
			if s.Agent == a.ID {
				mine = s.Recent
			} else if s.Recent > busiest {
				busiest = s.Recent
			}
		}
		allowance := 0
		if r.cfg.CatchUp == CatchUpCapped {
			allowance = r.cfg.CatchUpCap
		}
		if mine > busiest+allowance {
			drop = append(drop, k)
			why = append(why, fmt.Sprintf("%d since returning; the busiest peer took %d", mine, busiest))
		}
	}
	if len(drop) == 0 || len(drop) == len(c.cands) {
		return nil
	}
	for i := len(drop) - 1; i >= 0; i-- {
		k := drop[i]
		c.d.setTrace(c.cands[k].trace, ReasonCatchUp, why[i])
		c.cands = slices.Delete(c.cands, k, k+1)
	}
	return nil
}

// fit is an agent's best-skill-fit score: its levels in the pool's skills,
// plus its level in a skill named like the lead's product.
func (r *Router) fit(a *agent, p *pool, req *Request) int {
	fit := 0
	for _, s := range p.skills {
		fit += a.Skills[s.name]
	}
	if req.Lead.Product != "" {
		fit += a.Skills[req.Lead.Product]
	}
	return fit
}

// before reports whether candidate x ranks ahead of y in pool p: by the
// strategy, then by the fair tie-break (see Router).
func (r *Router) before(x, y *cand, p *pool) bool {
	ax, ay := &r.agents[x.ai], &r.agents[y.ai]
	var c int
	switch p.Strategy {
	case WeightedRoundRobin:
		c = cmp.Compare(int64(x.stats.Recent)*int64(ay.weight), int64(y.stats.Recent)*int64(ax.weight))
	case LeastLoaded:
		c = cmp.Compare(x.stats.Load, y.stats.Load)
	case MostFreeCapacity:
		c = compareFree(ax.cap, x.stats.Load, ay.cap, y.stats.Load)
	case BestSkillFit:
		if c = cmp.Compare(y.fit, x.fit); c == 0 {
			c = cmp.Compare(x.stats.Load, y.stats.Load)
		}
	}
	if c == 0 {
		c = tieBreak(&x.stats, ax.hash, &y.stats, ay.hash)
	}
	return c < 0
}

// tryDefaultOwner offers the work to the default owner, the last resort.
func (r *Router) tryDefaultOwner(ctx context.Context, c *call) (bool, error) {
	a := &r.agents[r.defOwner]
	c.atStep(nil, -1, false)
	if a.Inactive {
		c.trace(a, ReasonInactive, "")
		return false, nil
	}
	for _, f := range r.opts.filters {
		if ok, why := f.f(a.Agent, &c.req); !ok {
			c.trace(a, ReasonFilter, f.name+": "+why)
			return false, nil
		}
	}
	c.offer = append(c.offer[:0], Candidate{Agent: a.ID, Capacity: a.cap})
	o := Offer{Item: c.d.Item, Customer: c.req.Customer.ID, Units: c.units, At: c.req.Now, Window: c.offer}
	got, created, err := r.reserve(ctx, &o)
	if errors.Is(err, ErrOverCapacity) {
		c.trace(a, ReasonAtCapacity, "")
		c.d.Pools = append(c.d.Pools, PoolResult{Step: -1, Reason: r.defOwnerFull})
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !created { // assigned already, or concurrently: a replay
		c.held, c.heldAs = true, got
		return true, nil
	}
	d := &c.d
	d.Outcome, d.Agent, d.Pool, d.Step = Assigned, got.Agent, got.Pool, -1
	d.Reason = "the default owner, after every pool and overflow step gave nobody"
	c.trace(a, ReasonPicked, "")
	return true, nil
}

// leastLoadedReasons are least_loaded's reasons for the loads up to 255, as
// pickReason writes them.
var leastLoadedReasons = sync.OnceValue(func() []string {
	out := make([]string, 256)
	for load := range out {
		out[load] = "least loaded: " + strconv.Itoa(load) + " units held"
	}
	return out
})
