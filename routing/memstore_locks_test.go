package routing

import (
	"fmt"
	"hash/maphash"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// offShardItem returns an item named prefix… on a shard other than of's.
func offShardItem(prefix, of string) string {
	for i := 0; ; i++ {
		item := fmt.Sprint(prefix, i)
		if maphash.String(itemSeed, item)%itemShards != maphash.String(itemSeed, of)%itemShards {
			return item
		}
	}
}

// TestLineSweepLetsGoOfItem: a ReserveFromLine whose walk passes a sweep's
// turn sweeps after letting go of its item's shard, so a sweep waiting for
// another line's lock keeps no item locked.
func TestLineSweepLetsGoOfItem(t *testing.T) {
	ctx := t.Context()
	ranking := func(prefix string) *Ranking {
		k, err := NewRanking(ByLoad, 1, []string{prefix + "0", prefix + "1"}, []int{5, 5})
		require.NoError(t, err)
		return k
	}
	de, us := ranking("de"), ranking("us")
	s := NewMemoryStore()
	for _, k := range []*Ranking{de, us} {
		_, err := s.Rank(ctx, k, 0, 1, nil)
		require.NoError(t, err)
	}
	inside, leave, walked := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() { // holds de's line
		_, _, err := s.ReserveFromLine(ctx, de, Offer{Item: "held", Units: 1, At: heapT0}, func(Ranked) LineVerdict {
			close(inside)
			<-leave
			return LineTake
		})
		walked <- err
	}()
	<-inside
	defer func() { close(leave); require.NoError(t, <-walked) }()
	item := offShardItem("swept", "held")
	l := us.memo.Load().l
	l.mu.Lock()
	l.walks = walkBatch - 1 // the next walk of us passes a sweep's turn
	l.mu.Unlock()
	s.clock.Store(sweepEvery - walkBatch)
	go func() { // sweeps, waiting for de's line
		_, _, _ = s.ReserveFromLine(ctx, us, Offer{Item: item, Units: 1, At: heapT0}, func(Ranked) LineVerdict { return LineTake })
	}()
	found := make(chan struct{})
	go func() {
		for {
			if _, ok, err := s.Lookup(ctx, item); err != nil || ok {
				close(found)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	select {
	case <-found:
	case <-time.After(5 * time.Second):
		t.Fatal("the item stayed locked while its reservation swept")
	}
}
