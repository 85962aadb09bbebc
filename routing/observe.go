package routing

import (
	"context"
	"log/slog"
	"time"

	"github.com/strata-go/strata"
)

// outcomeIndex is o's place in options.levels, or -1.
func outcomeIndex(o Outcome) int {
	switch o {
	case Assigned:
		return 0
	case Deferred:
		return 1
	case Unassigned:
		return 2
	}
	return -1
}

// clock reads the process's clock for an observer's durations, only when
// there is an observer.
func (r *Router) clock() time.Time {
	if r.opts.observer == nil {
		return time.Time{}
	}
	return time.Now()
}

// emit reports an event that began at start to the observer, if any.
func (r *Router) emit(ctx context.Context, start time.Time, e strata.Event) {
	if r.opts.observer == nil {
		return
	}
	e.Package, e.Start = "routing", start
	if !start.IsZero() {
		e.Duration = time.Since(start)
	}
	r.opts.observer(ctx, e)
}

// labels returns the pool and rule labels, sorted by key, leaving out
// empty ones.
func labels(pool, rule string) []strata.Label {
	if pool == "" && rule == "" {
		return nil
	}
	out := make([]strata.Label, 0, 2)
	if pool != "" {
		out = append(out, strata.Label{Key: "pool", Value: pool})
	}
	if rule != "" {
		out = append(out, strata.Label{Key: "rule", Value: rule})
	}
	return out
}

// observeRoute reports a Route: pool is the pool that assigned, else the
// one the rules chose.
func (r *Router) observeRoute(ctx context.Context, start time.Time, d *Decision, pool string, err error) {
	if r.opts.observer == nil {
		return
	}
	if d.Pool != "" {
		pool = d.Pool
	}
	outcome := string(d.Outcome)
	if err != nil {
		outcome = "error"
	}
	detail := *d // a copy, so that d stays on its caller's stack
	r.emit(ctx, start, strata.Event{Op: "route", Outcome: outcome, Labels: labels(pool, d.Rule), Err: err, Detail: &detail})
}

// reportLostRaces reports the candidates of c's step that lost a race to a
// concurrent request (call.lost), once the step has decided: not those of
// a walk that gave up (the full read that follows offers them again), nor
// any when the item turned out to be assigned already (a replay).
func (r *Router) reportLostRaces(ctx context.Context, c *call) {
	if r.opts.observer == nil || c.held {
		return
	}
	for range c.lost {
		r.emit(ctx, time.Time{}, strata.Event{Op: "store.reserve", Outcome: "lost_race", Labels: labels(c.p.Name, c.d.Rule)})
	}
}

// storeErr wraps a store's failure in ErrStore (unless it is already),
// logs it at warn level and reports it to the observer.
func (r *Router) storeErr(ctx context.Context, op string, err error) error {
	err = StoreError(op, err)
	r.opts.logger.LogAttrs(ctx, slog.LevelWarn, "routing: store failed", slog.String("op", op), slog.Any("err", err))
	r.emit(ctx, time.Time{}, strata.Event{Op: "store." + op, Outcome: "error", Err: err})
	return err
}

// logDecision logs a decision at its outcome's level, with its reason.
func (r *Router) logDecision(ctx context.Context, req *Request, d *Decision) {
	i := outcomeIndex(d.Outcome)
	if i < 0 || !r.opts.logger.Enabled(ctx, r.opts.levels[i]) {
		return
	}
	attrs := []slog.Attr{slog.String("item", d.Item), slog.String("outcome", string(d.Outcome)),
		slog.String("reason", d.Reason)}
	if d.Agent != "" {
		attrs = append(attrs, slog.String("agent", d.Agent), slog.String("pool", d.Pool), slog.Int("step", d.Step))
	}
	if d.Rule != "" {
		attrs = append(attrs, slog.String("rule", d.Rule))
	}
	if d.Outcome == Deferred {
		attrs = append(attrs, slog.Time("retry_at", d.RetryAt))
	}
	if d.Replayed {
		attrs = append(attrs, slog.Bool("replayed", true))
	}
	attrs = append(attrs, slog.Any("customer", req.Customer))
	r.opts.logger.LogAttrs(ctx, r.opts.levels[i], "routing decision", attrs...)
}
