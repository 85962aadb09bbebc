package routing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// TestLinesDoNotWaitForEachOther: while one line is being walked (its
// examine function runs under the line's lock), a walk of another line,
// a reservation, a release and Stats complete, so Routers on different
// lines run side by side. A walk of the same line waits for the first: it has not returned
// once the other line's work is done, and returns once the first lets go.
// The items are chosen on shards other than the first item's, whose lock
// the first walk holds too.
func TestLinesDoNotWaitForEachOther(t *testing.T) {
	ctx := t.Context()
	ranking := func(prefix string) *routing.Ranking {
		ids, caps := make([]string, 8), make([]int, 8)
		for i := range ids {
			ids[i], caps[i] = fmt.Sprintf("%s%d", prefix, i), 5
		}
		k, err := routing.NewRanking(routing.ByLoad, 1, ids, caps)
		require.NoError(t, err)
		return k
	}
	de, us := ranking("de"), ranking("us")
	s := routing.NewMemoryStore()
	take := func(routing.Ranked) routing.LineVerdict { return routing.LineTake }
	for _, k := range []*routing.Ranking{de, us} { // build both lines
		_, err := s.Rank(ctx, k, 0, 1, nil)
		require.NoError(t, err)
	}
	// offShard returns an item named prefix… on a shard other than held's.
	offShard := func(prefix string) string {
		for i := 0; ; i++ {
			if item := fmt.Sprint(prefix, i); routing.ItemShard(item) != routing.ItemShard("held") {
				return item
			}
		}
	}
	other, direct, queued := offShard("other"), offShard("direct"), offShard("queued")
	inside, leave := make(chan struct{}), make(chan struct{})
	walked := make(chan error, 1)
	go func() {
		_, _, err := s.ReserveFromLine(ctx, de, routing.Offer{Item: "held", Units: 1, At: now}, func(routing.Ranked) routing.LineVerdict {
			close(inside)
			<-leave
			return routing.LineTake
		})
		walked <- err
	}()
	<-inside
	done := make(chan error, 1)
	go func() {
		_, _, err := s.ReserveFromLine(ctx, us, routing.Offer{Item: other, Units: 1, At: now}, take)
		if err == nil {
			_, _, err = s.Reserve(ctx, routing.Reservation{Item: direct, Agent: "us3", Units: 1, Capacity: 5, At: now})
		}
		if err == nil {
			_, err = s.Release(ctx, other)
		}
		if err == nil {
			_, err = s.Stats(ctx, []string{"de0", "us3"}, now, nil)
		}
		done <- err
	}()
	same := make(chan error, 1)
	go func() {
		_, _, err := s.ReserveFromLine(ctx, de, routing.Offer{Item: queued, Units: 1, At: now}, take)
		same <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		close(leave)
		t.Fatal("work on another line waited for a walk of this one")
	}
	select {
	case <-same:
		t.Error("a second walk of the same line did not wait for the first")
	default: // still waiting, after the other line's work was done
	}
	close(leave)
	require.NoError(t, <-walked)
	select {
	case err := <-same:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("a second walk of the same line did not go on once the first let go")
	}
	held := 0
	for i := range de.Len() {
		st, err := s.Stats(ctx, []string{de.Agent(i)}, time.Time{}, nil)
		require.NoError(t, err)
		held += st[0].Load
	}
	assert.Equal(t, 2, held, "both walks of the line reserved")
}

// TestLinePanicInExamineLetsGo: an examine function that panics leaves
// neither the line's lock nor the item's held: the panic reaches the
// caller, and the same line and item work afterwards.
func TestLinePanicInExamineLetsGo(t *testing.T) {
	ctx := t.Context()
	k, err := routing.NewRanking(routing.ByLoad, 1, []string{"a0", "a1"}, []int{5, 5})
	require.NoError(t, err)
	s := routing.NewMemoryStore()
	func() {
		defer func() { assert.Equal(t, "examine failed", recover()) }()
		_, _, _ = s.ReserveFromLine(ctx, k, routing.Offer{Item: "i", Units: 1, At: now}, func(routing.Ranked) routing.LineVerdict {
			panic("examine failed")
		})
	}()
	done := make(chan error, 1)
	go func() {
		_, created, err := s.ReserveFromLine(ctx, k, routing.Offer{Item: "i", Units: 1, At: now}, func(routing.Ranked) routing.LineVerdict { return routing.LineTake })
		if err == nil && !created {
			err = fmt.Errorf("the item was not created")
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the line stayed locked after examine panicked")
	}
}
