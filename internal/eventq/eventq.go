// Package eventq is the virtual clock of routing's simulator (routing/sim)
// and of the review's replay (routing/review): a queue of events in time
// order, events at the same instant by kind, then in the order they were
// pushed, so that a run is the same every time.
package eventq

import (
	"container/heap"
	"time"
)

// Event is something to do at a time: Kind is the caller's (lower kinds
// run first at the same instant), Index the caller's subject (a lead, a
// record).
type Event struct {
	At    time.Time
	Kind  int
	Index int
	seq   int
}

// Queue holds events until they are due. The zero Queue is empty and
// ready.
type Queue struct {
	h   events
	seq int
}

// Push adds an event.
func (q *Queue) Push(at time.Time, kind, index int) {
	q.seq++
	heap.Push(&q.h, Event{At: at, Kind: kind, Index: index, seq: q.seq})
}

// Pop removes and returns the first event; ok is false when the queue is
// empty.
func (q *Queue) Pop() (ev Event, ok bool) {
	if len(q.h) == 0 {
		return Event{}, false
	}
	return heap.Pop(&q.h).(Event), true
}

// Len returns how many events wait.
func (q *Queue) Len() int { return len(q.h) }

type events []Event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if c := e[i].At.Compare(e[j].At); c != 0 {
		return c < 0
	}
	if e[i].Kind != e[j].Kind {
		return e[i].Kind < e[j].Kind
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(Event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}
