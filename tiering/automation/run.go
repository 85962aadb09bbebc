package automation

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/par"
	"github.com/strata-go/strata/tiering"
)

// ErrPanicked is wrapped by the error Run yields when the host's sequence
// panicked: the panic is recovered, the run stops, and the value the
// sequence panicked with is not repeated (it may hold personal data).
var ErrPanicked = par.ErrPanicked

// Entry is one customer of a book, with the state the host stored for it
// after the previous run (tiering.Placement.State), or the state its record
// carries (tiering.Engine.StateOf) when the host stores no other.
type Entry struct {
	Customer strata.Customer `json:"customer"`
	State    tiering.State   `json:"state"`
}

// Outcome is what a run decided for one customer: where it is now, what
// changed, what to do about it, and the state to store for the next run.
// The host applies the placement (Placement.Apply), stores State, and
// enqueues Tasks by their keys, in one transaction if it can.
type Outcome struct {
	CustomerID  string               `json:"customer_id"`
	Placement   tiering.Placement    `json:"placement"`
	Transitions []tiering.Transition `json:"transitions"`
	Tasks       []Task               `json:"tasks"`
	State       tiering.State        `json:"state"`
}

// RunStats is the Detail of the strata.Event Run reports.
type RunStats struct {
	Customers   int `json:"customers"`
	Transitions int `json:"transitions"`
	Tasks       int `json:"tasks"`
	Failed      int `json:"failed"`
}

// Run is the nightly job over a book: it classifies every customer with
// the tiering engine at now, compares the placement with the stored state
// (tiering.Engine.Transitions, in mode: Baseline for the first run over an
// imported book), and evaluates the rules for every transition (Eval). It
// works on all cores and yields one outcome (or error, with the customer's
// ID) per customer in input order. It stops early when the consumer stops
// or ctx is done; in the latter case the last pair yielded carries ctx's
// error. The sequence is read once, from one goroutine; if it panics, the
// last pair carries an error wrapping ErrPanicked. A nil ctx, sequence or
// Engine yields one error. The run is reported to the engine's observer and
// logger.
func (e *Engine) Run(ctx context.Context, book iter.Seq[Entry], now time.Time, mode tiering.Mode) iter.Seq2[Outcome, error] {
	return func(yield func(Outcome, error) bool) {
		if err := e.check(ctx, &strata.Customer{}); err != nil || book == nil {
			if err == nil {
				err = errors.New("automation: nil book")
			}
			yield(Outcome{}, err)
			return
		}
		start, stats := time.Now(), RunStats{}
		var last error
		counted := func(o Outcome, err error) bool {
			stats.Customers++
			stats.Transitions += len(o.Transitions)
			stats.Tasks += len(o.Tasks)
			if err != nil {
				stats.Failed++
				last = err
				if stats.Failed <= 10 {
					e.opts.logger.WarnContext(ctx, "automation: a customer could not be processed",
						slog.String("customer", o.CustomerID), slog.Any("error", err))
				}
			}
			return yield(o, err)
		}
		if err := par.Map(ctx, book, e.worker(now, mode), counted); err != nil {
			last = err
			yield(Outcome{}, err)
		}
		e.report(ctx, start, stats, last)
	}
}

// worker returns a factory of per-goroutine functions, each with its own
// activation.
func (e *Engine) worker(now time.Time, mode tiering.Mode) func() par.Func[Entry, Outcome] {
	return func() par.Func[Entry, Outcome] {
		w := &work{act: e.env.NewActivation(e.home, now), now: now}
		return func(ctx context.Context, in *Entry) (Outcome, error) {
			c := &in.Customer
			out := Outcome{CustomerID: c.ID}
			p, err := e.tiers.Classify(ctx, c, now)
			if err != nil {
				return out, err
			}
			ts, err := e.tiers.Transitions(p, in.State, now, mode)
			if err != nil {
				return out, err
			}
			w.act.SetCustomer(c)
			w.act.SetContext(ctx)
			res, err := e.eval(w, c, ts)
			w.act.SetCustomer(nil)
			w.t = tiering.Transition{}
			if err != nil {
				return out, err
			}
			out.Placement, out.Transitions, out.Tasks, out.State = p, ts, res.Tasks, p.State()
			return out, nil
		}
	}
}

// report tells the observer and the logger how a run went.
func (e *Engine) report(ctx context.Context, start time.Time, stats RunStats, err error) {
	outcome := "ok"
	switch {
	case ctx.Err() != nil:
		outcome, err = "cancelled", ctx.Err()
	case err != nil:
		outcome = "error"
	}
	took := time.Since(start)
	e.opts.logger.DebugContext(ctx, "automation: run", slog.String("outcome", outcome),
		slog.Int("customers", stats.Customers), slog.Int("transitions", stats.Transitions),
		slog.Int("tasks", stats.Tasks), slog.Int("failed", stats.Failed), slog.Duration("took", took))
	if e.opts.observer != nil {
		e.opts.observer(ctx, strata.Event{Package: "automation", Op: "run", Outcome: outcome,
			Start: start, Duration: took, Err: err, Detail: &stats})
	}
}
