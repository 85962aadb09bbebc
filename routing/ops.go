package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// Drain routes waiting work when capacity frees up or a shift starts: oldest
// first (by lead.received_at), then by priority (higher first), then by
// item, all at now. It yields one decision per request in that order; a
// request that still cannot be placed has Queue set to its place in the line
// that is left (1 for the front), so the host keeps it where it was. It stops
// at the first error, which it yields.
func (r *Router) Drain(ctx context.Context, waiting iter.Seq[Request], now time.Time) iter.Seq2[Decision, error] {
	return func(yield func(Decision, error) bool) {
		var line []Request
		for q := range waiting {
			line = append(line, q)
		}
		slices.SortStableFunc(line, func(a, b Request) int {
			ra, rb := received(a), received(b)
			if c := ra.Compare(rb); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Lead.Priority, a.Lead.Priority); c != 0 {
				return c
			}
			return strings.Compare(a.item(), b.item())
		})
		queue := 0
		for _, q := range line {
			if err := ctx.Err(); err != nil {
				yield(Decision{Item: q.item()}, err)
				return
			}
			q.Now = now
			d, err := r.Route(ctx, q)
			if err != nil {
				yield(d, err)
				return
			}
			if d.Outcome != Assigned {
				queue++
				d.Queue = queue
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

func received(q Request) time.Time {
	if q.Lead.ReceivedAt.IsZero() {
		return q.Now
	}
	return q.Lead.ReceivedAt
}

// Holding is one item an agent owns, as the host's book has it.
type Holding struct {
	Item     string          `json:"item"`
	Customer strata.Customer `json:"customer"`
	Agent    string          `json:"agent"`
	// Pool is the pool the item was routed through; moves stay among its
	// members. Empty: any agent.
	Pool  string    `json:"pool,omitempty"`
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

// Rebalance plans moves that bring every agent within capacity and inside
// the fairness band of its weighted share, moving as few items as it can:
// first whatever is over an agent's limit (capacity, band, or a leaving
// agent's whole book), then into agents below the band. Within an agent it
// moves the lowest tier first and, among equals, the most recent item, so
// long-standing owners change only when they must; each item goes to the
// eligible agent (active, same pool, the pool's language, region and product
// requirements) with the most room, ties by agent ID. With items of equal
// size the number of moves is the minimum; with mixed sizes it is greedy.
// Nothing is changed: ApplyPlan does that.
func (r *Router) Rebalance(book []Holding, policy RebalancePolicy) (Plan, error) {
	if policy.Band < 0 || math.IsNaN(policy.Band) {
		return Plan{}, fmt.Errorf("routing: rebalance band %v: want 0 or more", policy.Band)
	}
	tierRank := map[string]int{}
	order := policy.TierOrder
	if len(order) == 0 {
		order = []string{"vip", "key", "regular", "potential", "basic"}
	}
	for i, t := range order {
		tierRank[t] = len(order) - i // higher tiers rank higher; unknown tiers 0
	}
	leaving := map[string]bool{}
	for _, id := range policy.Leaving {
		if _, ok := r.byID[id]; !ok {
			return Plan{}, fmt.Errorf("routing: rebalance: %w %q", ErrUnknownAgent, id)
		}
		leaving[id] = true
	}
	ags := map[string]*rbAgent{}
	totalUnits, totalWeight := 0, 0
	for i := range r.agents {
		a := &r.agents[i]
		if a.Inactive && !leaving[a.ID] {
			continue
		}
		ags[a.ID] = &rbAgent{id: a.ID, idx: i, leaving: leaving[a.ID]}
	}
	items := slices.Clone(book)
	for i, h := range items {
		a, ok := ags[h.Agent]
		if !ok {
			if _, known := r.byID[h.Agent]; !known {
				return Plan{}, fmt.Errorf("routing: rebalance: book[%d]: %w %q", i, ErrUnknownAgent, h.Agent)
			}
			// An inactive agent's book must move too.
			a = &rbAgent{id: h.Agent, idx: r.byID[h.Agent], leaving: true}
			ags[h.Agent] = a
		}
		if h.Units <= 0 {
			items[i].Units = 1
		}
		a.load += items[i].Units
		totalUnits += items[i].Units
	}
	for _, a := range ags {
		if !a.leaving {
			totalWeight += r.agents[a.idx].weight
		}
	}
	plan := Plan{Before: map[string]int{}, After: map[string]int{}}
	for id, a := range ags {
		plan.Before[id] = a.load
		if a.leaving || totalWeight == 0 {
			continue
		}
		a.share = float64(totalUnits) * float64(r.agents[a.idx].weight) / float64(totalWeight)
		a.capacity = math.MaxInt
		if capacity := r.agents[a.idx].Capacity; capacity > 0 {
			a.capacity = capacity
		}
		a.upper = a.capacity
		if policy.Band > 0 {
			a.upper = min(a.upper, int(math.Ceil(a.share*(1+policy.Band)-1e-9)))
			a.lower = int(math.Floor(a.share*(1-policy.Band) + 1e-9))
		}
	}
	ids := make([]string, 0, len(ags))
	for id := range ags {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := make([]*rbAgent, len(ids)) // the agents by ID, for scans without map lookups
	for i, id := range ids {
		list[i] = ags[id]
	}

	// Each agent's items, in the order they would move: the lowest tier
	// first, then the newest relationship, then by item.
	moveOrder := func(x, y int) int {
		a, b := &items[x], &items[y]
		if c := cmp.Compare(tierRank[a.Customer.Tier], tierRank[b.Customer.Tier]); c != 0 {
			return c
		}
		if c := b.Since.Compare(a.Since); c != 0 {
			return c
		}
		return strings.Compare(a.Item, b.Item)
	}
	poolOf := make([]int, len(items)) // pool index per item, -1 for any
	for i := range items {
		poolOf[i] = -1
		if pi, ok := r.byPool[items[i].Pool]; ok {
			poolOf[i] = pi
		}
	}
	queue := map[string][]int{}
	for i := range items {
		queue[items[i].Agent] = append(queue[items[i].Agent], i)
	}
	for _, q := range queue {
		slices.SortFunc(q, moveOrder)
	}

	// moveOne moves the first item in donor's queue that some receiver can
	// take, to the receiver with the most room; needLow restricts receivers
	// to those below their band, and hard lets receivers pass their band up
	// to their capacity.
	moveOne := func(donor *rbAgent, needLow, hard bool, reason string) bool {
		q := queue[donor.id]
		for k, i := range q {
			h := &items[i]
			var best *rbAgent
			for _, t := range list {
				limit := t.upper
				if hard {
					limit = t.capacity
				}
				if t == donor || t.leaving || t.load+h.Units > limit || needLow && t.load >= t.lower {
					continue
				}
				if best != nil && float64(t.load)-t.share >= float64(best.load)-best.share {
					continue
				}
				if r.canOwn(t.idx, h, poolOf[i]) {
					best = t
				}
			}
			if best == nil {
				continue
			}
			plan.Moves = append(plan.Moves, Move{Item: h.Item, Customer: h.Customer.ID, From: donor.id, To: best.id,
				Units: h.Units, Tier: h.Customer.Tier, Reason: reason})
			donor.load -= h.Units
			best.load += h.Units
			h.Agent = best.id
			queue[donor.id] = slices.Delete(q, k, k+1)
			rq := queue[best.id]
			at, _ := slices.BinarySearchFunc(rq, i, moveOrder)
			queue[best.id] = slices.Insert(rq, at, i)
			return true
		}
		return false
	}
	// Both phases stop on their own; the bound guarantees it even when
	// items of different sizes overshoot a band.
	budget := 4*len(items)*len(ids) + 16
	// Phase 1: everything over a limit.
	for ; budget > 0; budget-- {
		var donor *rbAgent
		excess := 0
		for _, a := range list {
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
		} else if capacity := r.agents[donor.idx].Capacity; capacity > 0 && donor.load > capacity {
			reason = fmt.Sprintf("%s is over capacity (%d of %d units)", donor.id, donor.load, capacity)
		}
		// Prefer receivers below their band (one move then fixes two things),
		// then any within its band; capacity and leaving agents are hard
		// limits, so as a last resort a receiver may pass its band.
		mustMove := donor.leaving || donor.load > donor.capacity
		if !moveOne(donor, true, false, reason) && !moveOne(donor, false, false, reason) &&
			!(mustMove && moveOne(donor, false, true, reason)) {
			plan.Unresolved = append(plan.Unresolved, fmt.Sprintf("%s stays at %d units: no eligible colleague has room", donor.id, donor.load))
			donor.upper = donor.load // give up on it
			if donor.leaving {
				donor.leaving = false
			}
		}
	}
	// Phase 2: fill agents below the band from those above their share.
	for ; budget > 0; budget-- {
		var low *rbAgent
		for _, a := range list {
			if !a.leaving && a.load < a.lower && (low == nil || a.load-a.lower < low.load-low.lower) {
				low = a
			}
		}
		if low == nil {
			break
		}
		moved := false
		donors := slices.Clone(list)
		slices.SortStableFunc(donors, func(a, b *rbAgent) int { // the most surplus first
			return cmp.Compare(float64(b.load)-b.share, float64(a.load)-a.share)
		})
		for _, d := range donors {
			if d == low || d.leaving || float64(d.load) <= d.share || d.load-1 < d.lower {
				continue
			}
			if moveOne(d, true, false, fmt.Sprintf("%s is below its share (%d units, band from %d)", low.id, low.load, low.lower)) {
				moved = true
				break
			}
		}
		if !moved {
			plan.Unresolved = append(plan.Unresolved, fmt.Sprintf("%s stays at %d units, below its band: nothing eligible to move to it", low.id, low.load))
			low.lower = low.load
		}
	}
	for id, a := range ags {
		plan.After[id] = a.load
	}
	return plan, nil
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
	if p.MatchLanguage && len(h.Customer.Languages) > 0 && !r.speaks(a, h.Customer.Languages) {
		return false
	}
	if p.MatchRegion && !a.anywhere && !a.regions[h.Customer.Subdivision] && !a.regions[h.Customer.Country] {
		return false
	}
	if p.MatchProduct && a.products != nil && !sells(a, &req) {
		return false
	}
	return true
}

// MoveResult is what happened to one move of a plan.
type MoveResult struct {
	Move
	Err error `json:"-"`
}

// ApplyPlan carries out a plan through the store, one atomic Move per item:
// a move that fails (capacity taken meanwhile, item released) changes
// nothing and is reported; the others go ahead. It stops early only when
// ctx is done.
func (r *Router) ApplyPlan(ctx context.Context, plan Plan, now time.Time) ([]MoveResult, error) {
	out := make([]MoveResult, 0, len(plan.Moves))
	for _, m := range plan.Moves {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ai, ok := r.byID[m.To]
		if !ok {
			out = append(out, MoveResult{Move: m, Err: fmt.Errorf("%w %q", ErrUnknownAgent, m.To)})
			continue
		}
		_, err := r.store.Move(ctx, m.Item, m.To, r.agents[ai].Capacity, now)
		if err != nil && !errors.Is(err, ErrOverCapacity) && !errors.Is(err, ErrUnknownItem) {
			err = r.storeErr("move", err)
		}
		out = append(out, MoveResult{Move: m, Err: err})
	}
	return out, nil
}
