package routing

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// Holding is one item an agent owns, as the host's book has it.
type Holding struct {
	Item     string          `json:"item"`
	Customer strata.Customer `json:"customer"`
	Agent    string          `json:"agent"`
	// Pool is the pool the item was routed through; moves stay among its
	// members. Empty: any agent.
	Pool string `json:"pool,omitempty"`
	// Units the item weighs, up to MaxUnits; 0 or less counts 1.
	Units int       `json:"units"`
	Since time.Time `json:"since"` // when the agent got it
}

// RebalancePolicy says what balanced means.
type RebalancePolicy struct {
	// Band is how far from its weighted share of the work an agent may be,
	// as a fraction: 0.1 keeps every agent within ±10% (rounded outward to
	// whole units). Zero means only capacity is enforced.
	Band float64 `json:"band"`
	// TierOrder lists tiers from the highest; higher tiers move last
	// (default: vip, key, regular, potential, basic).
	TierOrder []string `json:"tier_order,omitempty"`
	// Leaving lists agents whose whole book must be handed over.
	Leaving []string `json:"leaving,omitempty"`
}

// Move gives one item to another agent.
type Move struct {
	Item     string `json:"item"`
	Customer string `json:"customer"`
	From     string `json:"from"`
	To       string `json:"to"`
	Units    int    `json:"units"`
	Tier     string `json:"tier,omitempty"`
	Reason   string `json:"reason"`
}

// Plan is a rebalancing plan: the moves, and what could not be fixed.
type Plan struct {
	Moves []Move `json:"moves"`
	// Unresolved says which agents stay over capacity or outside the band,
	// and why (no eligible colleague with room).
	Unresolved []string       `json:"unresolved,omitempty"`
	Before     map[string]int `json:"before"` // load by agent
	After      map[string]int `json:"after"`
}

type rbAgent struct {
	id           string
	idx          int
	load         int
	capacity     int // hard limit (MaxInt: none)
	upper, lower int // band limits, within capacity
	share        float64
	leaving      bool
}

// planner is one Rebalance in progress.
type planner struct {
	r        *Router
	items    []Holding // the book, units normalised; Agent follows the plan
	poolOf   []int     // pool index per item, -1 for any
	tierRank map[string]int
	ags      map[string]*rbAgent
	list     []*rbAgent       // the agents by ID, for scans without map lookups
	queue    map[string][]int // items each agent may still give away, in moving order
	plan     Plan
}

// Rebalance plans moves that bring every agent within capacity and inside
// the fairness band of its weighted share, moving as few items as it can:
// first whatever is over an agent's limit (capacity, band, or a leaving
// agent's whole book), then into agents below the band. Within an agent it
// moves the lowest tier first and, among equals, the most recent item, so
// long-standing owners change only when they must; each item goes to the
// eligible agent (active, same pool, the pool's language, region and product
// requirements) with the most room, ties by agent ID. No item moves twice,
// so a plan never has more moves than the book has items. With items of
// equal size the number of moves is the minimum; with mixed sizes it is
// greedy. Nothing is changed: ApplyPlan does that.
//
// A holding of more than MaxUnits units, of an unknown agent, or a policy
// with a negative band or an unknown leaving agent is an error.
func (r *Router) Rebalance(book []Holding, policy RebalancePolicy) (Plan, error) {
	if !r.ok() {
		return Plan{}, errNotBuilt
	}
	if policy.Band < 0 || math.IsNaN(policy.Band) || math.IsInf(policy.Band, 0) {
		return Plan{}, fmt.Errorf("routing: rebalance band %v: want 0 or more", policy.Band)
	}
	pl := &planner{r: r, tierRank: map[string]int{}, ags: map[string]*rbAgent{}, queue: map[string][]int{}}
	if err := pl.load(book, policy); err != nil {
		return Plan{}, err
	}
	pl.limits(policy.Band)
	pl.order()
	budget := 4*len(pl.items)*len(pl.list) + 16 // both phases stop on their own; this bounds them anyway
	budget = pl.overLimits(budget)
	pl.underBand(budget)
	for id, a := range pl.ags {
		pl.plan.After[id] = a.load
	}
	return pl.plan, nil
}

// load reads the policy and the book: tiers, leaving agents, loads.
func (pl *planner) load(book []Holding, policy RebalancePolicy) error {
	r := pl.r
	order := policy.TierOrder
	if len(order) == 0 {
		order = []string{"vip", "key", "regular", "potential", "basic"}
	}
	for i, t := range order {
		pl.tierRank[t] = len(order) - i // higher tiers rank higher; unknown tiers 0
	}
	leaving := map[string]bool{}
	for _, id := range policy.Leaving {
		if _, ok := r.byID[id]; !ok {
			return fmt.Errorf("routing: rebalance: %w %q", ErrUnknownAgent, id)
		}
		leaving[id] = true
	}
	for i := range r.agents {
		if a := &r.agents[i]; !a.Inactive || leaving[a.ID] {
			pl.ags[a.ID] = &rbAgent{id: a.ID, idx: i, leaving: leaving[a.ID]}
		}
	}
	pl.items = slices.Clone(book)
	for i := range pl.items {
		h := &pl.items[i]
		a, ok := pl.ags[h.Agent]
		if !ok {
			ai, known := r.byID[h.Agent]
			if !known {
				return fmt.Errorf("routing: rebalance: book[%d]: %w %q", i, ErrUnknownAgent, h.Agent)
			}
			a = &rbAgent{id: h.Agent, idx: ai, leaving: true} // an inactive agent's book must move too
			pl.ags[h.Agent] = a
		}
		if h.Units > MaxUnits {
			return fmt.Errorf("routing: rebalance: book[%d].units: %d: at most %d", i, h.Units, MaxUnits)
		}
		h.Units = max(h.Units, 1)
		a.load += h.Units // at most len(book)·MaxUnits: no overflow
	}
	return nil
}

// limits sets each agent's share of the work and its band.
func (pl *planner) limits(band float64) {
	totalUnits, totalWeight := 0, 0
	for _, a := range pl.ags {
		totalUnits += a.load
		if !a.leaving {
			totalWeight += pl.r.agents[a.idx].weight
		}
	}
	pl.plan = Plan{Before: map[string]int{}, After: map[string]int{}}
	for id, a := range pl.ags {
		pl.plan.Before[id] = a.load
		if a.leaving || totalWeight == 0 {
			continue
		}
		a.share = float64(totalUnits) * float64(pl.r.agents[a.idx].weight) / float64(totalWeight)
		a.capacity = math.MaxInt
		if c := pl.r.agents[a.idx].cap; c >= 0 {
			a.capacity = c
		}
		a.upper = a.capacity
		if band > 0 {
			a.upper = min(a.upper, int(math.Ceil(a.share*(1+band)-1e-9)))
			a.lower = int(math.Floor(a.share*(1-band) + 1e-9))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(pl.ags)) {
		pl.list = append(pl.list, pl.ags[id])
	}
}

// order queues each agent's items in the order they would move: the
// lowest tier first, then the newest relationship, then by item.
func (pl *planner) order() {
	pl.poolOf = make([]int, len(pl.items))
	for i := range pl.items {
		pl.poolOf[i] = -1
		if pi, ok := pl.r.byPool[pl.items[i].Pool]; ok {
			pl.poolOf[i] = pi
		}
		pl.queue[pl.items[i].Agent] = append(pl.queue[pl.items[i].Agent], i)
	}
	for _, q := range pl.queue {
		slices.SortFunc(q, func(x, y int) int {
			a, b := &pl.items[x], &pl.items[y]
			if c := cmp.Compare(pl.tierRank[a.Customer.Tier], pl.tierRank[b.Customer.Tier]); c != 0 {
				return c
			}
			if c := b.Since.Compare(a.Since); c != 0 {
				return c
			}
			return strings.Compare(a.Item, b.Item)
		})
	}
}

// moveOne moves the first item in donor's queue that some receiver can
// take, to the receiver with the most room; needLow restricts receivers to
// those below their band, and hard lets receivers pass their band up to
// their capacity. A moved item leaves every queue: it never moves again.
func (pl *planner) moveOne(donor *rbAgent, needLow, hard bool, reason string) bool {
	q := pl.queue[donor.id]
	for k, i := range q {
		h := &pl.items[i]
		best := pl.receiver(donor, i, needLow, hard)
		if best == nil {
			continue
		}
		pl.plan.Moves = append(pl.plan.Moves, Move{Item: h.Item, Customer: h.Customer.ID, From: donor.id, To: best.id,
			Units: h.Units, Tier: h.Customer.Tier, Reason: reason})
		donor.load -= h.Units
		best.load += h.Units
		h.Agent = best.id
		pl.queue[donor.id] = slices.Delete(q, k, k+1)
		return true
	}
	return false
}

// receiver returns the agent with the most room below its share that may
// take item i from donor, or nil.
func (pl *planner) receiver(donor *rbAgent, i int, needLow, hard bool) *rbAgent {
	h := &pl.items[i]
	var best *rbAgent
	for _, t := range pl.list {
		limit := t.upper
		if hard {
			limit = t.capacity
		}
		if t == donor || t.leaving || h.Units > limit-t.load || needLow && t.load >= t.lower {
			continue
		}
		if best != nil && float64(t.load)-t.share >= float64(best.load)-best.share {
			continue
		}
		if pl.r.canOwn(t.idx, h, pl.poolOf[i]) {
			best = t
		}
	}
	return best
}

// overLimits moves whatever is over an agent's limit: capacity, band, or a
// leaving agent's book. It returns the budget left.
func (pl *planner) overLimits(budget int) int {
	for ; budget > 0; budget-- {
		var donor *rbAgent
		excess := 0
		for _, a := range pl.list {
			over := a.load - a.upper
			if a.leaving {
				over = a.load
			}
			if over > excess {
				donor, excess = a, over
			}
		}
		if donor == nil {
			break
		}
		reason := fmt.Sprintf("%s holds %d units, over its limit of %d", donor.id, donor.load, donor.upper)
		if donor.leaving {
			reason = donor.id + " is leaving: its book is handed over"
		} else if c := pl.r.agents[donor.idx].cap; c >= 0 && donor.load > c {
			reason = fmt.Sprintf("%s is over capacity (%d of %d units)", donor.id, donor.load, c)
		}
		// Prefer receivers below their band (one move then fixes two things),
		// then any within its band; capacity and leaving agents are hard
		// limits, so as a last resort a receiver may pass its band.
		mustMove := donor.leaving || donor.load > donor.capacity
		if !pl.moveOne(donor, true, false, reason) && !pl.moveOne(donor, false, false, reason) &&
			!(mustMove && pl.moveOne(donor, false, true, reason)) {
			pl.plan.Unresolved = append(pl.plan.Unresolved, fmt.Sprintf("%s stays at %d units: no eligible colleague has room", donor.id, donor.load))
			donor.upper, donor.leaving = donor.load, false // give up on it
		}
	}
	return budget
}

// underBand fills agents below the band from those above their share.
func (pl *planner) underBand(budget int) {
	for ; budget > 0; budget-- {
		var low *rbAgent
		for _, a := range pl.list {
			if !a.leaving && a.load < a.lower && (low == nil || a.load-a.lower < low.load-low.lower) {
				low = a
			}
		}
		if low == nil {
			return
		}
		donors := slices.Clone(pl.list)
		slices.SortStableFunc(donors, func(a, b *rbAgent) int { // the most surplus first
			return cmp.Compare(float64(b.load)-b.share, float64(a.load)-a.share)
		})
		moved := false
		for _, d := range donors {
			if d == low || d.leaving || float64(d.load) <= d.share || d.load-1 < d.lower {
				continue
			}
			if pl.moveOne(d, true, false, fmt.Sprintf("%s is below its share (%d units, band from %d)", low.id, low.load, low.lower)) {
				moved = true
				break
			}
		}
		if !moved {
			pl.plan.Unresolved = append(pl.plan.Unresolved, fmt.Sprintf("%s stays at %d units, below its band: nothing eligible to move to it", low.id, low.load))
			low.lower = low.load
		}
	}
}

// canOwn reports whether agent ai may own h: active, a member of the
// holding's pool, and meeting that pool's language, region and product
// requirements (shifts do not matter for ownership).
// pi is the holding's pool index, -1 for none.
func (r *Router) canOwn(ai int, h *Holding, pi int) bool {
	a := &r.agents[ai]
	if a.Inactive {
		return false
	}
	if pi < 0 {
		return true
	}
	p := &r.pools[pi]
	if !p.isMember[ai] {
		return false
	}
	req := Request{Customer: h.Customer}
	if p.MatchLanguage && len(h.Customer.Languages) > 0 && !speaksTags(a, h.Customer.Languages) {
		return false
	}
	if p.MatchRegion && !a.anywhere && !a.covers(h.Customer.Country, h.Customer.Subdivision) {
		return false
	}
	if p.MatchProduct && a.products != nil && !sells(a, &req) {
		return false
	}
	return true
}
