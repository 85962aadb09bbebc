package eventq

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestOrder: events come out by time, then kind, then push order, whatever
// order they were pushed in.
func TestOrder(t *testing.T) {
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(3, 4))
	var q Queue
	for i := range 1000 {
		q.Push(base.Add(time.Duration(rng.IntN(20))*time.Minute), rng.IntN(3), i)
	}
	assert.Equal(t, 1000, q.Len())
	prev, _ := q.Pop()
	for q.Len() > 0 {
		ev, ok := q.Pop()
		assert.True(t, ok)
		switch c := prev.At.Compare(ev.At); {
		case c > 0:
			t.Fatalf("%v before %v", prev.At, ev.At)
		case c == 0 && prev.Kind > ev.Kind:
			t.Fatalf("kind %d before %d at %v", prev.Kind, ev.Kind, ev.At)
		case c == 0 && prev.Kind == ev.Kind && prev.Index > ev.Index:
			t.Fatalf("pushed %d before %d", ev.Index, prev.Index)
		}
		prev = ev
	}
	_, ok := q.Pop()
	assert.False(t, ok, "an empty queue says so")
}
