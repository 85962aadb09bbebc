package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
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
		switch {
		case !r.ok():
			yield(Decision{}, errNotBuilt)
			return
		case ctx == nil:
			yield(Decision{}, errNilContext)
			return
		case waiting == nil:
			return
		}
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

// Release ends an item's assignment, frees its capacity and returns the
// assignment it ended. An unknown item returns an error wrapping
// ErrUnknownItem. If the store fails, the error wraps ErrStore and the
// item may or may not have been released (the store may have lost its
// acknowledgement): release it again, and ErrUnknownItem then means it is
// free.
func (r *Router) Release(ctx context.Context, item string) (Assignment, error) {
	if !r.ok() {
		return Assignment{}, errNotBuilt
	}
	if ctx == nil {
		return Assignment{}, errNilContext
	}
	start := r.clock()
	a, err := r.store.Release(ctx, item)
	switch {
	case errors.Is(err, ErrUnknownItem):
		err = fmt.Errorf("routing: release %s: %w", item, err)
	case err != nil:
		err = r.storeErr(ctx, "release", err)
	}
	if r.opts.observer != nil {
		outcome := "released"
		if err != nil {
			outcome = "error"
		}
		detail := a // a copy, so that a stays on the stack
		r.emit(ctx, start, strata.Event{Op: "release", Outcome: outcome, Labels: labels(a.Pool, ""), Err: err, Detail: &detail})
	}
	if err != nil {
		return Assignment{}, err
	}
	return a, nil
}

// Reassign moves an assigned item to another agent, with a reason for the
// record, within the target's capacity, as an assignment at now (truncated
// to the microsecond). Moving an item to the agent who holds it changes
// nothing. It fails with ErrUnknownAgent, ErrAgentUnavailable (an inactive
// target), ErrOverCapacity or ErrUnknownItem, and then changes nothing; a
// store failure wraps ErrStore, and when the store lost the acknowledgement
// of a move that was made, Reassign reports the move as made.
func (r *Router) Reassign(ctx context.Context, item, to, reason string, now time.Time) (Decision, error) {
	if !r.ok() {
		return Decision{}, errNotBuilt
	}
	if ctx == nil {
		return Decision{}, errNilContext
	}
	start := r.clock()
	d, err := r.reassign(ctx, item, to, reason, now.Truncate(time.Microsecond))
	if r.opts.observer != nil {
		outcome := "reassigned"
		if err != nil {
			outcome = "error"
		}
		detail := d
		r.emit(ctx, start, strata.Event{Op: "reassign", Outcome: outcome, Labels: labels(d.Pool, ""), Err: err, Detail: &detail})
	}
	return d, err
}

func (r *Router) reassign(ctx context.Context, item, to, reason string, now time.Time) (Decision, error) {
	ai, ok := r.byID[to]
	if !ok {
		return Decision{}, fmt.Errorf("routing: reassign %s: %w %q", item, ErrUnknownAgent, to)
	}
	a := &r.agents[ai]
	if a.Inactive {
		return Decision{}, fmt.Errorf("routing: reassign %s to %s: %w (inactive)", item, to, ErrAgentUnavailable)
	}
	got, err := r.move(ctx, item, a, now)
	if err != nil {
		return Decision{}, err
	}
	return Decision{Outcome: Assigned, Item: item, Agent: got.Agent, Pool: got.Pool, Reason: "reassigned: " + reason, At: now}, nil
}

// move moves item to agent a through the store. When the store fails it
// looks the item up: with a, the move was made.
func (r *Router) move(ctx context.Context, item string, a *agent, now time.Time) (Assignment, error) {
	got, err := r.store.Move(ctx, item, a.ID, a.cap, now)
	switch {
	case err == nil:
		return got, nil
	case errors.Is(err, ErrUnknownItem), errors.Is(err, ErrOverCapacity):
		return Assignment{}, fmt.Errorf("routing: move %s to %s: %w", item, a.ID, err)
	}
	failure := r.storeErr(ctx, "move", err)
	for range 3 {
		held, ok, err := r.store.Lookup(ctx, item)
		switch {
		case err != nil && ctx.Err() != nil:
			return Assignment{}, fmt.Errorf("%w: %w", ErrUnconfirmed, failure)
		case err != nil:
			r.storeErr(ctx, "lookup", err)
			continue
		case ok && held.Agent == a.ID:
			return held, nil
		}
		return Assignment{}, failure
	}
	return Assignment{}, fmt.Errorf("%w: %w", ErrUnconfirmed, failure)
}

// MoveResult is what happened to one move of a plan.
type MoveResult struct {
	Move
	Err error `json:"-"`
}

// ApplyPlan carries out a plan through the store, one atomic Move per item,
// at now: a move that fails (capacity taken meanwhile, item released, an
// unknown or inactive target) changes nothing and is reported; the others
// go ahead. A move is refused with ErrStaleMove when the plan no longer
// fits the store, so that a stale or hand-made plan cannot swing an item
// back and forth: when the item is held by someone other than the move's
// From (a non-empty From is checked with one Lookup), and when the plan
// moves the same item again. It stops early only when ctx is done.
func (r *Router) ApplyPlan(ctx context.Context, plan Plan, now time.Time) ([]MoveResult, error) {
	if !r.ok() {
		return nil, errNotBuilt
	}
	if ctx == nil {
		return nil, errNilContext
	}
	now = now.Truncate(time.Microsecond)
	out := make([]MoveResult, 0, len(plan.Moves))
	moved := make(map[string]int, len(plan.Moves))
	for i, m := range plan.Moves {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if first, again := moved[m.Item]; again {
			out = append(out, MoveResult{Move: m, Err: fmt.Errorf("routing: move %d of %s: %w: moves %d and %d both move it", i, m.Item, ErrStaleMove, first, i)})
			continue
		}
		moved[m.Item] = i
		out = append(out, MoveResult{Move: m, Err: r.applyMove(ctx, m, now)})
	}
	return out, nil
}

// applyMove checks one move of a plan against the configuration and the
// store, then makes it.
func (r *Router) applyMove(ctx context.Context, m Move, now time.Time) error {
	ai, ok := r.byID[m.To]
	switch {
	case !ok:
		return fmt.Errorf("routing: move %s: %w %q", m.Item, ErrUnknownAgent, m.To)
	case r.agents[ai].Inactive:
		return fmt.Errorf("routing: move %s to %s: %w (inactive)", m.Item, m.To, ErrAgentUnavailable)
	}
	if m.From != "" {
		held, ok, err := r.store.Lookup(ctx, m.Item)
		switch {
		case err != nil:
			return r.storeErr(ctx, "lookup", err)
		case !ok:
			return fmt.Errorf("routing: move %s: %w", m.Item, ErrUnknownItem)
		case held.Agent != m.From:
			return fmt.Errorf("routing: move %s from %s: %w: %s holds it now", m.Item, m.From, ErrStaleMove, held.Agent)
		}
	}
	_, err := r.move(ctx, m.Item, &r.agents[ai], now)
	return err
}
