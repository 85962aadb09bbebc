// Package par maps a function over a sequence on all cores and yields the
// results in input order: the batch engine of automation.Run.
//
// The sequence is read once, from one goroutine, in batches; workers apply
// the function, each with state of its own; the consumer receives results in
// input order. A panic of the sequence is recovered and reported, after the
// results of the items read before it, as an error wrapping ErrPanicked; the
// value it panicked with is not repeated (it may hold personal data).
// Cancelling the context or stopping the consumer stops the workers within
// one item each.
package par

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
)

// ErrPanicked is wrapped by the error Map yields when the input sequence
// panicked.
var ErrPanicked = errors.New("the input sequence panicked")

// BatchSize is how many items a worker takes per hand-off.
const BatchSize = 256

// Func is a worker's function: it maps one input, which it must not keep.
type Func[In, Out any] func(ctx context.Context, in *In) (Out, error)

type result[Out any] struct {
	v   Out
	err error
}

type batch[In, Out any] struct {
	in   []In
	out  []result[Out]
	done chan struct{}
}

// Map applies a worker function to every item of seq, on GOMAXPROCS
// workers each made by newWorker (so a worker may keep scratch state), and
// calls yield with the results in input order until it returns false. It
// returns why it stopped before the end of the sequence: ctx's error, or an
// error wrapping ErrPanicked; nil when the sequence ended or yield stopped.
// Errors of the function are yielded, not returned: they do not stop the
// map.
func Map[In, Out any](ctx context.Context, seq iter.Seq[In], newWorker func() Func[In, Out], yield func(Out, error) bool) error {
	inner, cancel := context.WithCancel(ctx)
	workers := runtime.GOMAXPROCS(0)
	m := &mapper[In, Out]{ctx: inner, cancel: cancel,
		jobs: make(chan *batch[In, Out], workers), ordered: make(chan *batch[In, Out], workers*2),
		free: make(chan *batch[In, Out], workers*3+1)}
	defer m.wg.Wait()
	defer cancel()
	for range workers {
		f := newWorker()
		m.wg.Go(func() { m.work(f) })
	}
	m.wg.Go(func() { m.produce(seq) })
	for b := range m.ordered {
		select {
		case <-b.done:
		case <-inner.Done():
			return m.stopped(ctx)
		}
		for _, r := range b.out {
			if !yield(r.v, r.err) {
				return nil
			}
		}
		if len(b.out) < len(b.in) {
			return m.stopped(ctx)
		}
		clear(b.in)
		clear(b.out)
		select {
		case m.free <- b:
		default:
		}
	}
	return m.stopped(ctx)
}

type mapper[In, Out any] struct {
	ctx     context.Context
	cancel  context.CancelFunc
	jobs    chan *batch[In, Out]
	ordered chan *batch[In, Out]
	free    chan *batch[In, Out]
	wg      sync.WaitGroup
	panic   error // set by the producer before it closes ordered
}

func (m *mapper[In, Out]) stopped(ctx context.Context) error {
	if m.panic != nil {
		return m.panic
	}
	return ctx.Err()
}

func (m *mapper[In, Out]) work(f Func[In, Out]) {
	for b := range m.jobs {
		for i := range b.in {
			if m.ctx.Err() != nil {
				break
			}
			v, err := f(m.ctx, &b.in[i])
			if err != nil && m.ctx.Err() != nil {
				break // stopped by the run, not failed on its own
			}
			b.out = append(b.out, result[Out]{v, err})
		}
		close(b.done)
	}
}

func (m *mapper[In, Out]) produce(seq iter.Seq[In]) {
	defer close(m.jobs)
	defer close(m.ordered)
	b := m.newBatch()
	defer func() {
		if v := recover(); v != nil {
			// What was read before the panic is still mapped and yielded;
			// the consumer then returns the panic.
			m.panic = fmt.Errorf("%w (a value of type %T)", ErrPanicked, v)
			if len(b.in) > 0 {
				m.send(b)
			}
		}
	}()
	for v := range seq {
		b.in = append(b.in, v)
		if len(b.in) == BatchSize {
			if !m.send(b) {
				return
			}
			b = m.newBatch()
		}
	}
	if len(b.in) > 0 {
		m.send(b)
	}
}

func (m *mapper[In, Out]) send(b *batch[In, Out]) bool {
	select {
	case m.ordered <- b:
	case <-m.ctx.Done():
		return false
	}
	select {
	case m.jobs <- b:
	case <-m.ctx.Done():
		close(b.done)
		return false
	}
	return true
}

func (m *mapper[In, Out]) newBatch() *batch[In, Out] {
	select {
	case b := <-m.free:
		b.in, b.out, b.done = b.in[:0], b.out[:0], make(chan struct{})
		return b
	default:
		return &batch[In, Out]{in: make([]In, 0, BatchSize), out: make([]result[Out], 0, BatchSize), done: make(chan struct{})}
	}
}
