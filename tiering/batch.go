package tiering

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/strata-go/strata"
)

// ErrPanicked is wrapped by the error a batch returns when the host's
// customer sequence panicked: the panic is recovered, the batch stops, and
// the value the sequence panicked with is not repeated (it may hold
// personal data).
var ErrPanicked = errors.New("tiering: the customer sequence panicked")

// BatchStats is the Detail of the strata.Events ClassifyAll, Summarize and
// Impact report: how many customers were read and how many failed.
type BatchStats struct {
	Customers int `json:"customers"`
	Failed    int `json:"failed"`
}

// batchSize is how many customers a worker classifies per hand-off.
const batchSize = 256

// maxLoggedFailures bounds the failures a batch logs one by one.
const maxLoggedFailures = 10

type result struct {
	p   Placement
	err error
}

type batch struct {
	in   []strata.Customer
	out  []result
	done chan struct{}
}

// run is one ClassifyAll: a producer reading the sequence into batches,
// workers classifying them, the consumer yielding results in order.
type run struct {
	e       *Engine
	inner   context.Context
	cancel  context.CancelFunc
	now     time.Time
	jobs    chan *batch
	ordered chan *batch
	wg      sync.WaitGroup
	panic   error // set by the producer before it closes ordered
}

// ClassifyAll classifies a stream of customers on all cores, yielding one
// placement (or error) per customer in input order. It stops early when the
// consumer stops or ctx is done; in the latter case the last pair yielded
// carries ctx's error, within a few milliseconds of the cancellation (a
// rule running then is stopped too). The sequence is read once, from one
// goroutine; if it panics, the last pair carries an error wrapping
// ErrPanicked. A nil ctx, sequence or Engine yields one error. Each batch
// is reported to the engine's observer and logger.
func (e *Engine) ClassifyAll(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time) iter.Seq2[Placement, error] {
	return e.classifyAll(ctx, customers, now, "classify_all")
}

// classifyAll is ClassifyAll reporting as op ("" for no report).
func (e *Engine) classifyAll(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, op string) iter.Seq2[Placement, error] {
	return func(yield func(Placement, error) bool) {
		if err := e.check(ctx, &strata.Customer{}); err != nil || customers == nil {
			if err == nil {
				err = errors.New("tiering: nil customer sequence")
			}
			yield(Placement{}, err)
			return
		}
		start, stats := time.Now(), BatchStats{}
		var last error
		counted := func(p Placement, err error) bool {
			stats.Customers++
			if err != nil {
				stats.Failed++
				last = err
				e.logFailure(ctx, stats.Failed, p, err)
			}
			return yield(p, err)
		}
		if err := e.stream(ctx, customers, now, counted); err != nil {
			last = err
			yield(Placement{}, err)
		}
		if op != "" {
			e.report(ctx, op, start, stats, last)
		}
	}
}

// stream runs the workers and yields every result in order. It returns why
// it stopped before the end of the sequence (the sequence panicked, ctx is
// done), or nil when it reached the end or the consumer stopped.
func (e *Engine) stream(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, yield func(Placement, error) bool) error {
	r := e.newRun(ctx, now)
	defer r.wg.Wait()
	defer r.cancel()
	r.start(customers)
	for b := range r.ordered {
		select {
		case <-b.done:
		case <-r.inner.Done():
			return r.stopped(ctx)
		}
		for _, res := range b.out {
			if !yield(res.p, res.err) {
				return nil
			}
		}
		if len(b.out) < len(b.in) { // cut short by cancellation
			return r.stopped(ctx)
		}
		r.recycle(b)
	}
	return r.stopped(ctx)
}

func (e *Engine) newRun(ctx context.Context, now time.Time) *run {
	inner, cancel := context.WithCancel(ctx)
	workers := runtime.GOMAXPROCS(0)
	return &run{e: e, inner: inner, cancel: cancel, now: now,
		jobs: make(chan *batch, workers), ordered: make(chan *batch, workers*2)}
}

// stopped returns why the run stopped early, or nil: the sequence's panic,
// else ctx's error.
func (r *run) stopped(ctx context.Context) error {
	// The producer sets panic before it closes ordered, and the consumer
	// reads it after ordered is drained or the run is cancelled.
	if r.panic != nil {
		return r.panic
	}
	return ctx.Err()
}

func (r *run) start(customers iter.Seq[strata.Customer]) {
	for range cap(r.jobs) {
		r.wg.Go(r.work)
	}
	r.wg.Go(func() { r.produce(customers) })
}

// work classifies batches until the jobs run out, under the run's context.
func (r *run) work() {
	w := r.e.acts.Get().(*work)
	defer r.e.putWork(w)
	for b := range r.jobs {
		for i := range b.in {
			if r.inner.Err() != nil {
				break
			}
			c := &b.in[i]
			w.bind(r.inner, c, r.now)
			p, err := r.e.classify(w, c, r.now)
			if err != nil && r.inner.Err() != nil {
				break // stopped by the run, not failed on its own
			}
			b.out = append(b.out, result{p, err})
		}
		close(b.done)
	}
}

// produce reads the sequence and hands out batches in order. A panic of
// the sequence is recovered into r.panic and stops the run.
func (r *run) produce(customers iter.Seq[strata.Customer]) {
	defer close(r.jobs)
	defer close(r.ordered)
	defer func() {
		if v := recover(); v != nil {
			r.panic = fmt.Errorf("%w (a value of type %T)", ErrPanicked, v)
			r.cancel()
		}
	}()
	b := r.newBatch()
	for c := range customers {
		b.in = append(b.in, c)
		if len(b.in) == batchSize {
			if !r.send(b) {
				return
			}
			b = r.newBatch()
		}
	}
	if len(b.in) > 0 {
		r.send(b)
	}
}

func (r *run) send(b *batch) bool {
	select {
	case r.ordered <- b:
	case <-r.inner.Done():
		return false
	}
	select {
	case r.jobs <- b:
	case <-r.inner.Done():
		close(b.done)
		return false
	}
	return true
}

// newBatch returns an empty batch, one the engine recycled if it has one.
// Batches are recycled once the consumer has yielded them, across calls,
// so a stream allocates a handful of batches (not one per 256 customers),
// and repeated calls next to none: 2.4 MB of garbage per 10,000 customers
// otherwise, which kept the collector, and its write barriers on the
// copied records, running.
func (r *run) newBatch() *batch {
	if b, ok := r.e.batches.Get().(*batch); ok {
		b.done = make(chan struct{})
		return b
	}
	return &batch{in: make([]strata.Customer, 0, batchSize), out: make([]result, 0, batchSize), done: make(chan struct{})}
}

// recycle drops a yielded batch's references to the records and keeps it
// for reuse.
func (r *run) recycle(b *batch) {
	clear(b.in)
	clear(b.out)
	b.in, b.out = b.in[:0], b.out[:0]
	r.e.batches.Put(b)
}

// logFailure logs the first few failures of a batch, the n-th given.
func (e *Engine) logFailure(ctx context.Context, n int, p Placement, err error) {
	if n <= maxLoggedFailures {
		e.opts.logger.WarnContext(ctx, "tiering: a customer could not be classified",
			slog.String("customer", p.CustomerID), slog.Any("error", err))
	}
}

// report tells the observer and the logger how a batch went.
func (e *Engine) report(ctx context.Context, op string, start time.Time, stats BatchStats, err error) {
	outcome := "ok"
	switch {
	case ctx.Err() != nil:
		outcome, err = "cancelled", ctx.Err()
	case err != nil:
		outcome = "error"
	}
	took := time.Since(start)
	e.opts.logger.DebugContext(ctx, "tiering: "+op, slog.String("outcome", outcome),
		slog.Int("customers", stats.Customers), slog.Int("failed", stats.Failed), slog.Duration("took", took))
	if e.opts.observer != nil {
		e.opts.observer(ctx, strata.Event{Package: "tiering", Op: op, Outcome: outcome,
			Start: start, Duration: took, Err: err, Detail: &stats})
	}
}
