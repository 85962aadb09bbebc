package tiering

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
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

// batchSize is how many customers the caller reads before it hands them
// out, and chunkSize how many a classifier claims at a time: chunks keep
// the cores busy to the end of a stream (the last batch is shared, not
// left to one core), and are large enough that claiming (a lock, a shared
// counter: cache lines moving between cores) stays a small part of the
// work. Measured on 2 cores (internal/peerbench BenchmarkClassifyAllScaling,
// six alternating rounds): chunks of 64 scaled 1.54–1.58×, chunks of 16
// 1.30–1.37×, whole batches handed to one worker each 1.30–1.51×.
const (
	batchSize = 256
	chunkSize = 64
)

// maxLoggedFailures bounds the failures a batch logs one by one.
const maxLoggedFailures = 10

type result struct {
	p   Placement
	err error
}

// batch is batchSize customers in input order and their results, index
// by index. Chunks are claimed under the run's lock (next); left counts
// the customers not classified yet, and whoever classifies the last one
// closes done.
type batch struct {
	in   []strata.Customer
	out  []result
	next int // the first customer not claimed yet; guarded by run.mu
	left atomic.Int32
	done chan struct{}
}

// run is one ClassifyAll. The caller's goroutine reads the sequence into
// batches, classifies chunks itself whenever it would otherwise wait, and
// yields results in order; GOMAXPROCS-1 workers claim chunks of the same
// batches. With one core there is no run: see streamInline.
type run struct {
	e      *Engine
	inner  context.Context
	cancel context.CancelFunc
	now    time.Time
	own    *work    // the caller's activation
	window []*batch // handed out, not yet yielded, oldest first (caller only)
	depth  int      // how many batches may be handed out before the caller waits
	wg     sync.WaitGroup

	mu      sync.Mutex
	wake    sync.Cond
	pending []*batch // batches with chunks not claimed yet, oldest first; guarded by mu
	closed  bool     // no more batches; guarded by mu
}

// ClassifyAll classifies a stream of customers on all cores, yielding one
// placement (or error) per customer in input order. It stops early when the
// consumer stops or ctx is done; in the latter case the last pair yielded
// carries ctx's error, within a few milliseconds of the cancellation (a
// rule running then is stopped too). The sequence is read once, from the
// caller's goroutine; if it panics, the last pair carries an error
// wrapping ErrPanicked (a panic of the loop body is not recovered: it goes
// on up to the caller). A nil ctx, sequence or Engine yields one error.
// Each batch is reported to the engine's observer and logger.
//
// With GOMAXPROCS 1 each record is classified as it is read. With more,
// GOMAXPROCS-1 workers share the classifying with the caller's goroutine,
// which alone reads the sequence, copies each record for the workers and
// yields every result: that part does not spread, so on two cores
// ClassifyAll runs about 1.4 times as fast as on one (internal/peerbench
// BenchmarkClassifyAllScaling). A host that already holds its records in a
// slice, and needs no single ordered stream, spreads further by calling
// Classify from goroutines of its own over parts of the slice (two
// goroutines ran about 1.75 times as fast as one in the same benchmark).
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

// stream classifies the sequence and yields every result in order. It
// returns why it stopped before the end of the sequence (the sequence
// panicked, ctx is done), or nil when it reached the end or the consumer
// stopped.
func (e *Engine) stream(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, yield func(Placement, error) bool) (err error) {
	workers := runtime.GOMAXPROCS(0) - 1
	if workers == 0 {
		return e.streamInline(ctx, customers, now, yield)
	}
	r := e.newRun(ctx, now, workers)
	defer r.finish()
	ours := false // whether a panic now would be Strata's or the consumer's, not the sequence's
	defer recoverSequence(&ours, &err)
	b, more := r.newBatch(), true
	for c := range customers {
		ours = true
		b.in = append(b.in, c)
		if len(b.in) == batchSize {
			r.handOut(b)
			if more = r.drain(yield, false); !more {
				break
			}
			b = r.newBatch()
		}
		ours = false
	}
	ours = true
	if more && len(b.in) > 0 {
		r.handOut(b)
	}
	if more && r.drain(yield, true) {
		return nil
	}
	return ctx.Err()
}

// streamInline is stream on one core: with no other core to hand
// customers to, it classifies each as it is read and yields it at once,
// with no batches. Each record is copied into one reused slot (a pointer
// to the loop's own copy would move every record to the heap), cleared at
// the end. Against Classify over a slice (internal/peerbench
// BenchmarkClassifyAllScaling's 1core/loop), batches on one core ran at
// 0.82–0.85 of its speed, this at 0.90–0.95.
func (e *Engine) streamInline(ctx context.Context, customers iter.Seq[strata.Customer], now time.Time, yield func(Placement, error) bool) (err error) {
	w, slot := e.acts.Get().(*work), new(strata.Customer)
	defer func() {
		*slot = strata.Customer{}
		e.putWork(w)
	}()
	ours := false // as in stream
	defer recoverSequence(&ours, &err)
	for c := range customers {
		ours = true
		if ctx.Err() != nil {
			return ctx.Err()
		}
		*slot = c
		w.bind(ctx, slot, now)
		if !yield(e.classify(w, slot, now)) {
			return nil
		}
		ours = false
	}
	return ctx.Err()
}

// recoverSequence, deferred, turns a panic of the host's sequence into an
// error wrapping ErrPanicked in *err, without the value it panicked with. A
// panic while *ours is set (Strata's own, or the consumer's loop body) goes
// on up unchanged.
func recoverSequence(ours *bool, err *error) {
	if v := recover(); v != nil {
		if *ours {
			panic(v)
		}
		*err = fmt.Errorf("%w (a value of type %T)", ErrPanicked, v)
	}
}

// newRun starts a run with the given number of workers.
func (e *Engine) newRun(ctx context.Context, now time.Time, workers int) *run {
	inner, cancel := context.WithCancel(ctx)
	r := &run{e: e, inner: inner, cancel: cancel, now: now, own: e.acts.Get().(*work), depth: 2*workers + 2}
	r.wake.L = &r.mu
	for range workers {
		r.wg.Go(r.work)
	}
	return r
}

// finish stops the workers, waits for them and gives back what the run
// borrowed. Batches still in the window are dropped, not recycled: after a
// stop they may be half done.
func (r *run) finish() {
	r.cancel()
	r.mu.Lock()
	r.closed = true
	r.pending = nil
	r.mu.Unlock()
	r.wake.Broadcast()
	r.wg.Wait()
	r.e.putWork(r.own)
}

// handOut seals b and offers its chunks to the workers.
func (r *run) handOut(b *batch) {
	b.out = b.out[:len(b.in)]
	b.left.Store(int32(len(b.in)))
	r.window = append(r.window, b)
	r.mu.Lock()
	r.pending = append(r.pending, b)
	r.mu.Unlock()
	r.wake.Signal()
}

// drain yields the finished batches at the front of the window. When the
// window is full, or at the end (final), it classifies chunks itself until
// the front batch is finished rather than wait for the workers. It returns
// false when the consumer stopped or the run was cancelled.
func (r *run) drain(yield func(Placement, error) bool, final bool) bool {
	for len(r.window) > 0 {
		b := r.window[0]
		if !b.finished() {
			if !final && len(r.window) < r.depth {
				return true
			}
			for !b.finished() && r.claimAndClassify(r.own, false) {
			}
			select {
			case <-b.done:
			case <-r.inner.Done():
				return false
			}
		}
		if r.inner.Err() != nil {
			return false
		}
		for _, res := range b.out {
			if !yield(res.p, res.err) {
				return false
			}
		}
		r.window = r.window[1:]
		r.recycle(b)
	}
	return true
}

// finished reports whether every customer of b is classified. It reads
// done, not left: done is closed after the last result is written, so a
// batch seen finished can be yielded and reused at once.
func (b *batch) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// work classifies chunks until the run is finished.
func (r *run) work() {
	w := r.e.acts.Get().(*work)
	defer r.e.putWork(w)
	for r.claimAndClassify(w, true) {
	}
}

// claimAndClassify claims the oldest unclaimed chunk and classifies it
// with w. It reports false when there is none (wait: when the run is
// finished instead), or the run was cancelled.
func (r *run) claimAndClassify(w *work, wait bool) bool {
	r.mu.Lock()
	for len(r.pending) == 0 && wait && !r.closed {
		r.wake.Wait()
	}
	if len(r.pending) == 0 {
		r.mu.Unlock()
		return false
	}
	b := r.pending[0]
	lo := b.next
	hi := min(lo+chunkSize, len(b.in))
	if b.next = hi; hi == len(b.in) {
		r.pending[0] = nil
		r.pending = r.pending[1:]
	}
	r.mu.Unlock()
	for i := lo; i < hi; i++ {
		if r.inner.Err() != nil {
			return false // stopped by the run: b is never finished
		}
		c := &b.in[i]
		w.bind(r.inner, c, r.now)
		p, err := r.e.classify(w, c, r.now)
		b.out[i] = result{p, err}
	}
	if b.left.Add(int32(lo-hi)) == 0 {
		close(b.done)
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
	b.in, b.out, b.next = b.in[:0], b.out[:0], 0
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
