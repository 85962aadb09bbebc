package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
	"github.com/strata-go/strata/timezone"
)

// Request is one piece of work to route: a lead, or a customer who needs an
// owner.
type Request struct {
	// Item identifies the work and makes routing idempotent: a second
	// Route of the same item returns the first assignment. Default: the
	// lead's ID, else the customer's.
	Item     string          `json:"item,omitempty"`
	Customer strata.Customer `json:"customer"`
	Lead     Lead            `json:"lead"`
	Now      time.Time       `json:"now"`
	// Quiet skips building the trace, for bulk replays and simulations;
	// the decision is otherwise the same.
	Quiet bool `json:"quiet,omitempty"`
}

func (q *Request) item() string {
	switch {
	case q.Item != "":
		return q.Item
	case q.Lead.ID != "":
		return q.Lead.ID
	}
	return q.Customer.ID
}

// Outcome is what became of a request. There is always exactly one.
type Outcome string

// The outcomes.
const (
	Assigned   Outcome = "assigned"   // an agent holds the work
	Deferred   Outcome = "deferred"   // nobody now; retry at RetryAt
	Unassigned Outcome = "unassigned" // nobody can take it; Pools says why
)

// Reason says why an agent was passed over, or picked.
type Reason string

// The reasons in a trace.
const (
	ReasonPicked      Reason = "picked"
	ReasonSticky      Reason = "sticky_owner" // picked: the customer's owner
	ReasonRankedLower Reason = "ranked_lower" // eligible, another ranked first
	ReasonLostRace    Reason = "lost_race"    // eligible, but capacity went to a concurrent request
	ReasonInactive    Reason = "inactive"
	ReasonLanguage    Reason = "language"      // speaks none of the customer's languages
	ReasonRegion      Reason = "region"        // does not cover the customer's region
	ReasonProduct     Reason = "product"       // does not sell the product
	ReasonSeniority   Reason = "seniority"     // below the pool's minimum
	ReasonSkill       Reason = "skill"         // below a required skill level
	ReasonFilter      Reason = "filter"        // a host filter said no (Detail says which and why)
	ReasonOutOfOffice Reason = "out_of_office" // on leave
	ReasonOffShift    Reason = "off_shift"     // not on shift (or not within the shift window)
	ReasonAtCapacity  Reason = "at_capacity"   // the work would take it past capacity
	ReasonCatchUp     Reason = "catch_up"      // back from leave and already at its share
	ReasonNotAMember  Reason = "not_a_member"  // default owner outside every pool tried
)

// Consideration is one agent looked at for one pool, and the verdict.
type Consideration struct {
	Agent  string `json:"agent"`
	Pool   string `json:"pool"`
	Step   int    `json:"step"` // 0: the pool the rule chose; n: overflow step n; -1: default owner
	Reason Reason `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// PoolResult says why a pool (or overflow step) gave nobody.
type PoolResult struct {
	Pool   string `json:"pool"`
	Step   int    `json:"step"`
	Reason string `json:"reason"`
}

// Decision is the outcome of routing one request, with everything needed to
// answer "why did she get the lead?".
type Decision struct {
	Outcome Outcome `json:"outcome"`
	Item    string  `json:"item"`
	Agent   string  `json:"agent,omitempty"`
	Pool    string  `json:"pool,omitempty"`
	// Rule is the rule that chose the pool; empty for the default pool.
	Rule string `json:"rule,omitempty"`
	// Step is the overflow step that assigned: 0 the chosen pool, n the
	// n-th overflow step, -1 the default owner.
	Step   int  `json:"step"`
	Sticky bool `json:"sticky,omitempty"`
	// Replayed: the item was already assigned; nothing changed.
	Replayed bool      `json:"replayed,omitempty"`
	RetryAt  time.Time `json:"retry_at,omitzero"`
	Reason   string    `json:"reason"`
	// Pools are the pools and steps tried that gave nobody.
	Pools []PoolResult `json:"pools,omitempty"`
	// Trace lists every agent considered and the verdict, in order. In a
	// large pool walked in rank order (see Router) it lists the agents
	// examined, and Unexamined counts the members behind the pick.
	Trace []Consideration `json:"trace,omitempty"`
	// Unexamined counts the members of the assigning pool that stood
	// behind the picked agent in its line and so were not examined.
	Unexamined int       `json:"unexamined,omitempty"`
	At         time.Time `json:"at"`
	// Queue is, from Drain, the request's place in the line still waiting
	// (1 for the front); 0 when assigned or not drained.
	Queue int `json:"queue,omitempty"`
}

// setTrace sets the verdict of trace entry i, if the trace is kept.
func (d *Decision) setTrace(i int, r Reason, detail string) {
	if i >= 0 && i < len(d.Trace) {
		d.Trace[i].Reason, d.Trace[i].Detail = r, detail
	}
}

// Why explains the decision for people.
func (d Decision) Why() string {
	var b strings.Builder
	switch d.Outcome {
	case Assigned:
		fmt.Fprintf(&b, "%s → %s (pool %s", d.Item, d.Agent, d.Pool)
		if d.Rule != "" {
			fmt.Fprintf(&b, ", rule %s", d.Rule)
		}
		b.WriteString("): ")
		b.WriteString(d.Reason)
	case Deferred:
		fmt.Fprintf(&b, "%s deferred until %s: %s", d.Item, d.RetryAt.Format(time.RFC3339), d.Reason)
	default:
		fmt.Fprintf(&b, "%s unassigned: %s", d.Item, d.Reason)
	}
	passed := map[Reason][]string{}
	var order []Reason
	for _, c := range d.Trace {
		if c.Reason == ReasonPicked || c.Reason == ReasonSticky {
			continue
		}
		if _, ok := passed[c.Reason]; !ok {
			order = append(order, c.Reason)
		}
		passed[c.Reason] = append(passed[c.Reason], c.Agent)
	}
	for _, r := range order {
		names := slices.Compact(passed[r])
		fmt.Fprintf(&b, "\n  passed over (%s): %s", r, strings.Join(names, ", "))
	}
	if d.Unexamined > 0 {
		fmt.Fprintf(&b, "\n  not examined: %d members ranked behind", d.Unexamined)
	}
	return b.String()
}

// work is per-goroutine scratch for Route.
type work struct {
	opens  []calOpen // NextOpen per calendar at this request's now
	act    *rules.Activation
	req    Request // the request being routed
	stats  []AgentStats
	cands  []cand
	since  []AgentStats
	ranked []Ranked
}

type calOpen struct {
	cal  *timezone.Calendar
	open time.Time
	err  error
}

// nextOpen is cal.NextOpen(now) for the request's now, computed once per
// calendar per request: agents of one office share a calendar. Only call it
// with the request's now.
func (w *work) nextOpen(cal *timezone.Calendar, now time.Time) (time.Time, error) {
	for _, o := range w.opens {
		if o.cal == cal {
			return o.open, o.err
		}
	}
	open, err := cal.NextOpen(now)
	w.opens = append(w.opens, calOpen{cal, open, err})
	return open, err
}

type cand struct {
	ai    int // agent index
	trace int // index of its entry in the decision's trace
	stats AgentStats
	fit   int
}

// Route decides who takes one piece of work. It returns exactly one
// outcome: Assigned (agent, pool, rule), Deferred (why, and when to retry:
// the next shift start of an otherwise eligible agent, or the end of an
// overflow wait) or Unassigned (why, per pool). An error means the decision
// could not be made (a store failure, wrapping ErrStore; a rule that failed
// to evaluate; a malformed request); no reservation is left behind.
func (r *Router) Route(ctx context.Context, req Request) (Decision, error) {
	item := req.item()
	d := Decision{Item: item, At: req.Now}
	if item == "" {
		return d, fmt.Errorf("routing: request needs an item, lead or customer ID")
	}
	if req.Now.IsZero() {
		return d, fmt.Errorf("routing: request %s: now is required", item)
	}
	if a, ok, err := r.store.Lookup(ctx, item); err != nil {
		return d, r.storeErr("lookup", err)
	} else if ok {
		d.Outcome, d.Agent, d.Pool, d.Replayed = Assigned, a.Agent, a.Pool, true
		d.Reason = "already assigned at " + a.At.Format(time.RFC3339) + "; nothing changed"
		return d, nil
	}

	w := r.work.Get().(*work)
	defer r.putWork(w)
	// From here on the request is w's copy: filters and rules get pointers
	// to it, and a pointer to the argument would move it to the heap.
	w.req = req
	rq := &w.req
	rq.Now = rq.Now.Round(0) // wall clock only, as stores keep it
	d.At = rq.Now
	w.act.SetNow(rq.Now)
	w.act.SetCustomer(&rq.Customer)
	w.act.Set("lead", &rq.Lead)

	pi, ruleName, err := r.choosePool(w)
	if err != nil {
		return d, err
	}
	d.Rule = ruleName
	units := r.units(rq.Lead.Kind)
	urgent := rq.Lead.Urgency == UrgencyUrgent
	received := rq.Lead.ReceivedAt
	if received.IsZero() {
		received = rq.Now
	}
	var retry time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (retry.IsZero() || t.Before(retry)) {
			retry = t
		}
	}
	var tried [4]uint64 // pool×relax combinations already tried (first 128 pools)
	seen := func(key int) bool {
		if key >= 256 {
			return false
		}
		was := tried[key/64]&(1<<(key%64)) != 0
		tried[key/64] |= 1 << (key % 64)
		return was
	}
	waiting := false
	if pi >= 0 {
		for si, st := range r.pools[pi].overflow {
			if wait := received.Add(st.after); !urgent && rq.Now.Before(wait) {
				// The chain waits here: later steps and the default owner
				// come after this one.
				earliest(wait)
				d.Pools = append(d.Pools, PoolResult{Pool: r.pools[st.pool].Name, Step: si,
					Reason: "overflow waits until " + wait.Format(time.RFC3339)})
				waiting = true
				break
			}
			if seen(st.pool*2 + b2i(st.relax)) {
				continue
			}
			assigned, next, why, err := r.tryPool(ctx, w, rq, &d, st, si, units, urgent)
			if err != nil {
				return d, err
			}
			if assigned {
				r.logDecision(rq, &d)
				return d, nil
			}
			earliest(next)
			d.Pools = append(d.Pools, PoolResult{Pool: r.pools[st.pool].Name, Step: si, Reason: why})
		}
	} else {
		d.Pools = append(d.Pools, PoolResult{Reason: "no rule matched and there is no default pool"})
	}
	if !waiting && r.defOwner >= 0 {
		ok, err := r.tryDefaultOwner(ctx, rq, &d, units)
		if err != nil {
			return d, err
		}
		if ok {
			r.logDecision(rq, &d)
			return d, nil
		}
	}
	if !retry.IsZero() && !urgent {
		d.Outcome, d.RetryAt = Deferred, retry
		d.Reason = "nobody can take it now; an eligible agent or the next overflow step is available then"
	} else {
		d.Outcome = Unassigned
		var parts []string
		for _, p := range d.Pools {
			switch {
			case p.Step == -1:
				parts = append(parts, p.Reason)
			case p.Pool == "":
				parts = append(parts, p.Reason)
			default:
				parts = append(parts, p.Pool+": "+p.Reason)
			}
		}
		d.Reason = strings.Join(parts, "; ")
	}
	r.logDecision(rq, &d)
	return d, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (r *Router) putWork(w *work) {
	w.req = Request{}
	w.act.SetCustomer(nil)
	w.stats, w.cands, w.since, w.opens = w.stats[:0], w.cands[:0], w.since[:0], w.opens[:0]
	clear(w.ranked) // drop the agent IDs
	w.ranked = w.ranked[:0]
	r.work.Put(w)
}

func (r *Router) storeErr(op string, err error) error {
	if errors.Is(err, ErrStore) {
		return err
	}
	r.opts.logger.Warn("routing: store failed", "op", op, "err", err)
	return fmt.Errorf("%w: %s: %w", ErrStore, op, err)
}

func (r *Router) logDecision(req *Request, d *Decision) {
	if !r.opts.logger.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	r.opts.logger.Debug("routing decision", "item", d.Item, "outcome", string(d.Outcome), "agent", d.Agent,
		"pool", d.Pool, "rule", d.Rule, "customer", req.Customer)
}

// units returns the capacity units a kind of work takes.
func (r *Router) units(kind string) int {
	if u, ok := r.cfg.Units[kind]; ok {
		return u
	}
	return 1
}

// choosePool returns the pool of the first matching rule, else the default.
func (r *Router) choosePool(w *work) (int, string, error) {
	if r.first != nil {
		i, err := r.first.EvalInt(w.act)
		if err != nil {
			for _, ru := range r.rules { // name the failing rule
				if _, err := ru.prog.EvalBool(w.act); err != nil {
					return -1, "", err
				}
			}
			return -1, "", err
		}
		if i >= 0 {
			return r.rules[i].pool, r.rules[i].Name, nil
		}
	}
	return r.defPool, "", nil
}

// tryPool runs one step of the chain. It returns whether it assigned, the
// earliest time an otherwise eligible agent comes on shift, and why it gave
// nobody.
func (r *Router) tryPool(ctx context.Context, w *work, req *Request, d *Decision, st step, si, units int, urgent bool) (bool, time.Time, string, error) {
	p := &r.pools[st.pool]
	if r.canRank(p, req.Now) {
		done, assigned, next, why, err := r.tryRanked(ctx, w, req, d, st, si, units, urgent)
		if done || err != nil {
			return assigned, next, why, err
		}
	}
	var err error
	w.stats, err = r.store.Stats(ctx, p.ids, req.Now.Add(-r.window), w.stats[:0])
	if err != nil {
		return false, time.Time{}, "", r.storeErr("stats", err)
	}
	w.cands = w.cands[:0]
	var next time.Time
	// The trace is built in pool order (members are sorted by ID); eligible
	// agents start as ranked lower and the pick overwrites its entry.
	trace := !req.Quiet
	if trace {
		d.Trace = slices.Grow(d.Trace, len(p.members)+1)
	}
	for pos, ai := range p.members {
		a := &r.agents[ai]
		reason, detail, at := r.eligible(w, a, p, st.relax, req, w.stats[pos], units, urgent)
		if reason != "" {
			if trace {
				d.Trace = append(d.Trace, Consideration{Agent: a.ID, Pool: p.Name, Step: si, Reason: reason, Detail: detail})
			}
			if !at.IsZero() && (next.IsZero() || at.Before(next)) {
				next = at
			}
			continue
		}
		w.cands = append(w.cands, cand{ai: ai, trace: -1, stats: w.stats[pos]})
		if trace {
			w.cands[len(w.cands)-1].trace = len(d.Trace)
			d.Trace = append(d.Trace, Consideration{Agent: a.ID, Pool: p.Name, Step: si, Reason: ReasonRankedLower})
		}
	}
	if len(w.cands) > 0 && r.cfg.CatchUp != CatchUpAllow {
		if err := r.applyCatchUp(ctx, w, p, req, d); err != nil {
			return false, time.Time{}, "", err
		}
	}
	if len(w.cands) == 0 {
		return false, next, "no eligible agent", nil
	}
	if p.Strategy == BestSkillFit {
		for k := range w.cands {
			w.cands[k].fit = r.fit(&r.agents[w.cands[k].ai], p, req)
		}
	}
	item := d.Item
	for len(w.cands) > 0 {
		k := -1
		// The customer's owner goes first in a sticky pool while eligible.
		if p.Sticky && req.Customer.Owner != "" {
			k = slices.IndexFunc(w.cands, func(c cand) bool { return r.agents[c.ai].ID == req.Customer.Owner })
		}
		if k < 0 {
			k = r.best(w.cands, p)
		}
		c := w.cands[k]
		a := &r.agents[c.ai]
		res := Reservation{Item: item, Customer: req.Customer.ID, Agent: a.ID, Pool: p.Name, Units: units, Capacity: a.Capacity, At: req.Now}
		got, created, err := r.store.Reserve(ctx, res)
		if errors.Is(err, ErrOverCapacity) {
			d.setTrace(c.trace, ReasonLostRace, "")
			w.cands = slices.Delete(w.cands, k, k+1)
			continue
		}
		if err != nil {
			return false, time.Time{}, "", r.storeErr("reserve", err)
		}
		verdict := r.assign(d, p, got, created, p.Sticky && a.ID == req.Customer.Owner, c, si, st.relax)
		d.setTrace(c.trace, verdict, "")
		return true, time.Time{}, "", nil
	}
	return false, next, "every eligible agent reached capacity", nil
}

// assign records on d that got holds the work, picked from pool p at step
// si (sticky: as the customer's owner), and returns the trace verdict.
func (r *Router) assign(d *Decision, p *pool, got Assignment, created, sticky bool, c cand, si int, relaxed bool) Reason {
	d.Outcome, d.Agent, d.Pool, d.Step = Assigned, got.Agent, got.Pool, si
	d.Replayed, d.Sticky = !created, sticky
	switch {
	case !created:
		d.Reason = "assigned concurrently by another request; nothing changed"
	case sticky:
		d.Reason = "the customer's owner, and eligible"
		return ReasonSticky
	default:
		d.Reason = r.pickReason(p, c, si, relaxed)
	}
	return ReasonPicked
}

func (r *Router) pickReason(p *pool, c cand, si int, relaxed bool) string {
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
	if si == 0 && p.Strategy != LeastLoaded && p.Strategy != BestSkillFit {
		return reason // a constant: no allocation
	}
	var buf [96]byte
	b := append(buf[:0], reason...)
	switch p.Strategy {
	case LeastLoaded:
		b = strconv.AppendInt(b, int64(c.stats.Load), 10)
		b = append(b, " units held"...)
	case BestSkillFit:
		b = strconv.AppendInt(b, int64(c.fit), 10)
	}
	if si > 0 {
		b = append(b, " (overflow step "...)
		b = strconv.AppendInt(b, int64(si), 10)
		if relaxed {
			b = append(b, ", skills relaxed"...)
		}
		b = append(b, ')')
	}
	return string(b)
}

// eligible returns "" when the agent can take the work, else why not; for
// agents off shift or on leave but otherwise eligible, also when they are
// back.
func (r *Router) eligible(w *work, a *agent, p *pool, relax bool, req *Request, st AgentStats, units int, urgent bool) (Reason, string, time.Time) {
	if a.Inactive {
		return ReasonInactive, "", time.Time{}
	}
	if p.MatchLanguage && len(req.Customer.Languages) > 0 && !r.speaks(a, req.Customer.Languages) {
		return ReasonLanguage, "", time.Time{}
	}
	if p.MatchRegion && !a.anywhere && !a.regions[req.Customer.Subdivision] && !a.regions[req.Customer.Country] {
		return ReasonRegion, "", time.Time{}
	}
	if p.MatchProduct && a.products != nil && !sells(a, req) {
		return ReasonProduct, "", time.Time{}
	}
	if a.Seniority < p.MinSeniority {
		return ReasonSeniority, "", time.Time{}
	}
	if !relax {
		for skill, lvl := range p.Skills {
			if a.Skills[skill] < lvl {
				return ReasonSkill, skill, time.Time{}
			}
		}
	}
	for _, f := range r.opts.filters {
		if ok, why := f.f(a.Agent, req); !ok {
			return ReasonFilter, f.name + ": " + why, time.Time{}
		}
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
		open, err := w.nextOpen(a.cal, req.Now)
		if err != nil {
			return ReasonOffShift, "never on shift", time.Time{}
		}
		if urgent || open.Sub(req.Now) > p.ShiftWindow.Std() {
			return ReasonOffShift, "", open
		}
	}
	if a.Capacity > 0 && st.Load+units > a.Capacity {
		return ReasonAtCapacity, "", time.Time{}
	}
	return "", "", time.Time{}
}

func (r *Router) speaks(a *agent, langs []string) bool {
	for _, l := range langs {
		key, ok := langKey(l)
		if ok && slices.Contains(a.langs, key) {
			return true
		}
	}
	return false
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
func (r *Router) applyCatchUp(ctx context.Context, w *work, p *pool, req *Request, d *Decision) error {
	var drop []int
	var why []string
	for k := range w.cands {
		a := &r.agents[w.cands[k].ai]
		var back time.Time
		for _, o := range a.OutOfOffice {
			if !o.End.After(req.Now) && req.Now.Sub(o.End) < r.catchUp && o.End.After(back) {
				back = o.End
			}
		}
		if back.IsZero() {
			continue
		}
		var err error
		w.since, err = r.store.Stats(ctx, p.ids, back, w.since[:0])
		if err != nil {
			return r.storeErr("stats", err)
		}
		mine, busiest := 0, 0
		for _, s := range w.since {
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
	if len(drop) == 0 || len(drop) == len(w.cands) {
		return nil
	}
	for i := len(drop) - 1; i >= 0; i-- {
		k := drop[i]
		d.setTrace(w.cands[k].trace, ReasonCatchUp, why[i])
		w.cands = slices.Delete(w.cands, k, k+1)
	}
	return nil
}

// fit is an agent's best-skill-fit score: its levels in the pool's skills,
// plus its level in a skill named like the lead's product.
func (r *Router) fit(a *agent, p *pool, req *Request) int {
	fit := 0
	for skill := range p.Skills {
		fit += a.Skills[skill]
	}
	if req.Lead.Product != "" {
		fit += a.Skills[req.Lead.Product]
	}
	return fit
}

// best returns the index of the candidate the pool's strategy ranks first,
// ties broken by the fair rule (see Router).
func (r *Router) best(cands []cand, p *pool) int {
	best := 0
	for k := 1; k < len(cands); k++ {
		if r.before(&cands[k], &cands[best], p) {
			best = k
		}
	}
	return best
}

func (r *Router) before(x, y *cand, p *pool) bool {
	ax, ay := &r.agents[x.ai], &r.agents[y.ai]
	var c int
	switch p.Strategy {
	case WeightedRoundRobin:
		c = cmp.Compare(x.stats.Recent*ay.weight, y.stats.Recent*ax.weight)
	case LeastLoaded:
		c = cmp.Compare(x.stats.Load, y.stats.Load)
	case MostFreeCapacity:
		c = compareFree(ax.Capacity, x.stats.Load, ay.Capacity, y.stats.Load)
	case BestSkillFit:
		if c = cmp.Compare(y.fit, x.fit); c == 0 {
			c = cmp.Compare(x.stats.Load, y.stats.Load)
		}
	}
	if c == 0 {
		c = tieBreak(x.stats, ax.hash, y.stats, ay.hash)
	}
	return c < 0
}

func (d *Decision) addTrace(req *Request, c Consideration) {
	if !req.Quiet {
		d.Trace = append(d.Trace, c)
	}
}

func (r *Router) tryDefaultOwner(ctx context.Context, req *Request, d *Decision, units int) (bool, error) {
	a := &r.agents[r.defOwner]
	reason := Reason("")
	switch {
	case a.Inactive:
		reason = ReasonInactive
	default:
		for _, f := range r.opts.filters {
			if ok, why := f.f(a.Agent, req); !ok {
				d.addTrace(req, Consideration{Agent: a.ID, Step: -1, Reason: ReasonFilter, Detail: f.name + ": " + why})
				return false, nil
			}
		}
	}
	if reason != "" {
		d.addTrace(req, Consideration{Agent: a.ID, Step: -1, Reason: reason})
		return false, nil
	}
	got, created, err := r.store.Reserve(ctx, Reservation{Item: d.Item, Customer: req.Customer.ID, Agent: a.ID,
		Units: units, Capacity: a.Capacity, At: req.Now})
	if errors.Is(err, ErrOverCapacity) {
		d.addTrace(req, Consideration{Agent: a.ID, Step: -1, Reason: ReasonAtCapacity})
		d.Pools = append(d.Pools, PoolResult{Step: -1, Reason: "the default owner " + a.ID + " is at capacity"})
		return false, nil
	}
	if err != nil {
		return false, r.storeErr("reserve", err)
	}
	d.Outcome, d.Agent, d.Pool, d.Step, d.Replayed = Assigned, got.Agent, got.Pool, -1, !created
	d.Reason = "the default owner, after every pool and overflow step gave nobody"
	d.addTrace(req, Consideration{Agent: a.ID, Step: -1, Reason: ReasonPicked})
	return true, nil
}

// Release ends an item's assignment and frees its capacity. An unknown item
// returns an error wrapping ErrUnknownItem.
func (r *Router) Release(ctx context.Context, item string) (Assignment, error) {
	a, err := r.store.Release(ctx, item)
	switch {
	case errors.Is(err, ErrUnknownItem):
		return Assignment{}, fmt.Errorf("routing: release %s: %w", item, err)
	case err != nil:
		return Assignment{}, r.storeErr("release", err)
	}
	return a, nil
}

// Reassign moves an assigned item to another agent, with a reason for the
// record, within the target's capacity. It fails with ErrUnknownAgent,
// ErrNoAgent (inactive target), ErrOverCapacity or ErrUnknownItem, and then
// changes nothing.
func (r *Router) Reassign(ctx context.Context, item, to, reason string, now time.Time) (Decision, error) {
	ai, ok := r.byID[to]
	if !ok {
		return Decision{}, fmt.Errorf("routing: reassign %s: %w %q", item, ErrUnknownAgent, to)
	}
	a := &r.agents[ai]
	if a.Inactive {
		return Decision{}, fmt.Errorf("routing: reassign %s to %s: %w (inactive)", item, to, ErrAgentUnavailable)
	}
	got, err := r.store.Move(ctx, item, to, a.Capacity, now)
	switch {
	case errors.Is(err, ErrUnknownItem), errors.Is(err, ErrOverCapacity):
		return Decision{}, fmt.Errorf("routing: reassign %s to %s: %w", item, to, err)
	case err != nil:
		return Decision{}, r.storeErr("move", err)
	}
	return Decision{Outcome: Assigned, Item: item, Agent: got.Agent, Pool: got.Pool, Reason: "reassigned: " + reason, At: now}, nil
}
