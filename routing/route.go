package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	// Now is the time of the decision, truncated to the microsecond;
	// required.
	Now time.Time `json:"now"`
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
	// pool walked in rank order (see Router) it lists the agents examined,
	// and Unexamined counts the members behind the pick.
	Trace []Consideration `json:"trace,omitempty"`
	// Unexamined counts the members of the assigning pool that stood
	// behind the picked agent in its line and so were not examined.
	Unexamined int `json:"unexamined,omitempty"`
	// At is the request's Now, truncated to the microsecond.
	At time.Time `json:"at"`
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

// call is the state of one Route call: the request, the decision being
// built, the step being tried and scratch space. Calls are pooled per
// Router.
type call struct {
	act    *rules.Activation
	opens  []calOpen // NextOpen per calendar at this request's now
	req    Request   // the request; filters and rules get pointers to it
	d      Decision
	units  int
	urgent bool
	pool   string   // the pool the rule (or default) chose, for events
	keys   []string // the customer's language keys, once keyed
	keyed  bool
	// The chain.
	retry   time.Time // earliest time to retry, over every step
	waiting bool      // the chain waits on an overflow step
	// The step being tried.
	p     *pool
	si    int       // 0 the chosen pool, n overflow step n
	relax bool      // skill requirements relaxed
	next  time.Time // earliest an otherwise eligible agent is back
	lost  int       // candidates that lost a race to a concurrent request
	why   string    // why the step gave nobody
	// Scratch.
	stats  []AgentStats
	since  []AgentStats
	ranked []Ranked
	cands  []cand
	win    []cand // the window, best first
	offer  []Candidate
	// A LineReserver's walk.
	r         *Router
	walk      lineWalk
	seen      []seenAgent // what examine found, in order
	owner     [1]Candidate
	examineFn func(Ranked) LineVerdict // examine, bound once
	// An item the store already held: the decision is a replay.
	held   bool
	heldAs Assignment
}

type calOpen struct {
	cal  *timezone.Calendar
	open time.Time
	err  error
}

// nextOpen is cal.NextOpen(now) for the request's now, computed once per
// calendar per request: agents of one office share a calendar.
func (c *call) nextOpen(cal *timezone.Calendar) (time.Time, error) {
	for _, o := range c.opens {
		if o.cal == cal {
			return o.open, o.err
		}
	}
	open, err := cal.NextOpen(c.req.Now)
	c.opens = append(c.opens, calOpen{cal, open, err})
	return open, err
}

// atStep starts step si of the chain: pool p, skills relaxed or not.
func (c *call) atStep(p *pool, si int, relax bool) {
	c.p, c.si, c.relax, c.next, c.lost, c.why = p, si, relax, time.Time{}, 0, ""
}

// retryAt notes that the work may be retried at t.
func (c *call) retryAt(t time.Time) {
	if !t.IsZero() && (c.retry.IsZero() || t.Before(c.retry)) {
		c.retry = t
	}
}

// later notes that an otherwise eligible agent is back at t.
func (c *call) later(t time.Time) {
	if !t.IsZero() && (c.next.IsZero() || t.Before(c.next)) {
		c.next = t
	}
}

// trace appends a verdict to the decision's trace, unless the request is
// quiet, and returns its index (-1 when not kept).
func (c *call) trace(a *agent, r Reason, detail string) int {
	if c.req.Quiet {
		return -1
	}
	pool := ""
	if c.p != nil && c.si >= 0 {
		pool = c.p.Name
	}
	c.d.Trace = append(c.d.Trace, Consideration{Agent: a.ID, Pool: pool, Step: c.si, Reason: r, Detail: detail})
	return len(c.d.Trace) - 1
}

type cand struct {
	ai    int // agent index
	trace int // index of its entry in the decision's trace, or -1
	stats AgentStats
	fit   int
}

var (
	errNilContext = errors.New("routing: nil context")
	errNoItem     = errors.New("routing: request needs an item, lead or customer ID")
)

// Route decides who takes one piece of work. It returns exactly one
// outcome: Assigned (agent, pool, rule), Deferred (why, and when to retry:
// the next shift start of an otherwise eligible agent, or the end of an
// overflow wait) or Unassigned (why, per pool). Routing an item that is
// already assigned returns that assignment (Replayed, with the time it was
// made) and changes nothing; so does routing an item that a concurrent
// request assigned while this one decided.
//
// Route asks the store for the item's assignment (Lookup) before deciding,
// unless the store is a WindowReserver: its reservations return the
// assignment of an item already assigned, so Route then looks the item up
// only when the decision reserves nothing (deferred, unassigned, or a rule
// that failed to evaluate), saving a call, or a round trip, per decision.
// The outcome is the same either way.
//
// An error means the decision could not be made: a store failure (wrapping
// ErrStore), a rule that failed to evaluate, a malformed request, a nil
// context. An error leaves no reservation behind: when the store fails to
// acknowledge a reservation, Route looks the item up, and reports the
// assignment as made if the store holds it. Only if the store keeps failing
// through that check does the error also wrap ErrUnconfirmed; the item may
// then be held, and routing it again says by whom.
func (r *Router) Route(ctx context.Context, req Request) (Decision, error) {
	if !r.ok() {
		return Decision{}, errNotBuilt
	}
	if ctx == nil {
		return Decision{}, errNilContext
	}
	start := r.clock()
	item := req.item()
	d := Decision{Item: item, At: req.Now.Truncate(time.Microsecond)}
	switch {
	case item == "":
		return d, errNoItem
	case req.Now.IsZero():
		return d, fmt.Errorf("routing: request %s: now is required", item)
	}
	if r.lookupFirst { // else the reservation reports an assignment (see lookupLate)
		if a, ok, err := r.store.Lookup(ctx, item); err != nil {
			err = r.storeErr(ctx, "lookup", err)
			r.observeRoute(ctx, start, &d, "", err)
			return d, err
		} else if ok {
			replayed(&d, &a)
			r.logDecision(ctx, &req, &d)
			r.observeRoute(ctx, start, &d, a.Pool, nil)
			return d, nil
		}
	}
	c := r.calls.Get().(*call)
	c.act.SetContext(ctx) // rules run under the caller's context; unbind resets it
	c.req, c.d = req, d
	c.req.Now = d.At
	c.bind()
	err := r.lookupLate(ctx, c, r.decide(ctx, c))
	if c.held {
		c.d, c.pool = Decision{Item: item, At: d.At}, c.heldAs.Pool
		replayed(&c.d, &c.heldAs)
	}
	d, pool := c.d, c.pool
	if err == nil {
		r.logDecision(ctx, &c.req, &d)
	}
	r.putCall(c)
	r.observeRoute(ctx, start, &d, pool, err)
	return d, err
}

// lookupLate is the opening Lookup of a Router whose store is a
// WindowReserver, moved to where it is needed: such a store's reservation
// returns the assignment of an item already assigned (call.held), so a
// decision that reserved needs no Lookup. One that did not (deferred,
// unassigned, or a rule that failed to evaluate) looks the item up now, as
// Route promises that an assigned item is replayed whatever the rules say.
// A store failure is returned as it is: the reservation may have been made
// (ErrUnconfirmed), so a Lookup could not say whether it was a replay. So
// is an error once ctx is done (a rule stopped at its deadline): the
// Lookup could not run either. When the Lookup fails, the decision's own
// error, if any, is returned, else the Lookup's.
func (r *Router) lookupLate(ctx context.Context, c *call, err error) error {
	switch {
	case r.lookupFirst, c.held, err == nil && c.d.Outcome == Assigned:
		return err
	case err != nil && (errors.Is(err, ErrStore) || ctx.Err() != nil):
		return err
	}
	a, ok, lerr := r.store.Lookup(ctx, c.d.Item)
	switch {
	case lerr != nil && err != nil:
		r.storeErr(ctx, "lookup", lerr)
		return err
	case lerr != nil:
		c.d = Decision{Item: c.d.Item, At: c.d.At}
		return r.storeErr(ctx, "lookup", lerr)
	case ok:
		c.held, c.heldAs = true, a
		return nil
	}
	return err
}

// replayed fills d for an item the store already holds as a.
func replayed(d *Decision, a *Assignment) {
	d.Outcome, d.Agent, d.Pool, d.Replayed = Assigned, a.Agent, a.Pool, true
	d.Reason = "already assigned at " + a.At.Format(time.RFC3339) + "; nothing changed"
}

func (r *Router) putCall(c *call) {
	c.unbind()
	c.req, c.d, c.p, c.pool, c.retry, c.waiting = Request{}, Decision{}, nil, "", time.Time{}, false
	c.held, c.heldAs = false, Assignment{}
	c.stats, c.cands, c.since, c.opens, c.win = c.stats[:0], c.cands[:0], c.since[:0], c.opens[:0], c.win[:0]
	c.keys, c.keyed = c.keys[:0], false
	clear(c.seen) // drop the details
	c.seen = c.seen[:0]
	clear(c.ranked) // drop the agent IDs
	c.ranked = c.ranked[:0]
	clear(c.offer)
	c.offer = c.offer[:0]
	r.calls.Put(c)
}

// decide runs the chain of the chosen pool (its overflow steps in turn),
// then the default owner, and fills c.d.
func (r *Router) decide(ctx context.Context, c *call) error {
	pi, ruleName, err := r.choosePool(c)
	if err != nil {
		return err
	}
	c.d.Rule = ruleName
	c.units = r.units(c.req.Lead.Kind)
	c.urgent = c.req.Lead.Urgency == UrgencyUrgent
	if pi >= 0 {
		c.pool = r.pools[pi].Name
		if ok, err := r.chain(ctx, c, &r.pools[pi]); err != nil || ok {
			return err
		}
	} else {
		c.d.Pools = append(c.d.Pools, PoolResult{Reason: "no rule matched and there is no default pool"})
	}
	if !c.waiting && r.defOwner >= 0 {
		if ok, err := r.tryDefaultOwner(ctx, c); err != nil || ok {
			return err
		}
	}
	d := &c.d
	if !c.retry.IsZero() && !c.urgent {
		d.Outcome, d.RetryAt = Deferred, c.retry
		d.Reason = "nobody can take it now; an eligible agent or the next overflow step is available then"
		return nil
	}
	d.Outcome = Unassigned
	d.Reason = unassignedReason(d.Pools)
	return nil
}

// unassignedReason joins the pools' reasons ("pool: reason; …"; the
// default owner's and a missing pool's without a pool name) in one
// allocation.
func unassignedReason(pools []PoolResult) string {
	named := func(p *PoolResult) bool { return p.Step != -1 && p.Pool != "" }
	n := 0
	for i := range pools {
		if n += len(pools[i].Reason) + 2; named(&pools[i]) {
			n += len(pools[i].Pool) + 2
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i := range pools {
		if i > 0 {
			b.WriteString("; ")
		}
		if named(&pools[i]) {
			b.WriteString(pools[i].Pool)
			b.WriteString(": ")
		}
		b.WriteString(pools[i].Reason)
	}
	return b.String()
}

// chain tries pool p and its overflow steps in order, and reports whether
// it assigned. It notes in c the earliest time to retry, and whether the
// chain waits on an overflow step (the default owner then waits too).
func (r *Router) chain(ctx context.Context, c *call, p *pool) (bool, error) {
	received := c.req.Lead.ReceivedAt
	if received.IsZero() {
		received = c.req.Now
	}
	var tried [4]uint64 // pool×relax combinations already tried (first 128 pools)
	for si, st := range p.overflow {
		if wait := received.Add(st.after); !c.urgent && c.req.Now.Before(wait) {
			// The chain waits here: later steps and the default owner
			// come after this one.
			c.retryAt(wait)
			c.waiting = true
			c.d.Pools = append(c.d.Pools, PoolResult{Pool: r.pools[st.pool].Name, Step: si,
				Reason: "overflow waits until " + wait.Format(time.RFC3339)})
			return false, nil
		}
		if key := st.pool*2 + b2i(st.relax); key < 256 {
			if tried[key/64]&(1<<(key%64)) != 0 {
				continue
			}
			tried[key/64] |= 1 << (key % 64)
		}
		c.atStep(&r.pools[st.pool], si, st.relax)
		v, err := r.tryStep(ctx, c)
		if err != nil || v == assigned {
			return v == assigned, err
		}
		c.retryAt(c.next)
		if c.d.Pools == nil { // room for every step and the default owner, in one allocation
			c.d.Pools = make([]PoolResult, 0, len(p.overflow)+1)
		}
		c.d.Pools = append(c.d.Pools, PoolResult{Pool: c.p.Name, Step: si, Reason: c.why})
	}
	return false, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// units returns the capacity units a kind of work takes.
func (r *Router) units(kind string) int {
	if u, ok := r.cfg.Units[kind]; ok {
		return u
	}
	return 1
}
