package routing

import (
	"fmt"
	"hash/maphash"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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

// TestNoteWaitsForNoteUnderWay: one change of an agent starts noting it on
// a line and is held up before the agent is in the line's list; another
// change of the same agent, then a walk, follow. The walk must see the
// agent where the second change puts it: the second noter does not return
// before the agent is in the list.
func TestNoteWaitsForNoteUnderWay(t *testing.T) {
	ctx := t.Context()
	k, err := NewRanking(ByLoad, 1, []string{"a0", "a1"}, []int{5, 5})
	require.NoError(t, err)
	s := NewMemoryStore()
	_, err = s.Rank(ctx, k, 0, 1, nil)
	require.NoError(t, err)
	for _, r := range []Reservation{{Item: "x", Agent: "a0", Units: 2}, {Item: "y", Agent: "a1", Units: 1}} {
		r.Capacity, r.At = 5, heapT0
		_, _, err := s.Reserve(ctx, r)
		require.NoError(t, err)
	}
	got, err := s.Rank(ctx, k, 0, 2, nil)
	require.NoError(t, err)
	require.Equal(t, "a1", got[0].Agent)
	l := k.memo.Load().l
	beginNote(l, 0) // a change of a0 (index 0) starts noting it, and is held up
	walked := make(chan []Ranked, 1)
	go func() {
		var ranked []Ranked
		_, err := s.Release(ctx, "x") // a0: 2 → 0, ahead of a1
		if err == nil {
			ranked, err = s.Rank(ctx, k, 0, 2, nil)
		}
		if err != nil {
			t.Error(err)
		}
		walked <- ranked
	}()
	got = nil
	select {
	case got = <-walked: // the release and walk went ahead of the first note
	case <-time.After(100 * time.Millisecond):
	}
	endNote(l, 0)
	if got == nil {
		got = <-walked
	}
	require.Len(t, got, 2)
	assert.Equal(t, []string{"a0", "a1"}, []string{got[0].Agent, got[1].Agent}, "the walk saw the release made before it")
}

// beginNote and endNote are note in two steps, held apart.
func beginNote(l *line, i int32) { l.marked[i].Store(noting) }
func endNote(l *line, i int32)   { l.push(i) }

// agentCount returns how many agents s keeps a state for.
func agentCount(s *MemoryStore) int {
	n := 0
	s.agents.each(func(string, *agentState) { n++ })
	return n
}

// TestRefusedCallsAddNoAgents: Reserve and Move refused for lack of room
// keep nothing of the agents they name, so hostile IDs cost no memory.
func TestRefusedCallsAddNoAgents(t *testing.T) {
	ctx := t.Context()
	s := NewMemoryStore()
	_, _, err := s.Reserve(ctx, Reservation{Item: "kept", Agent: "a", Units: 1, Capacity: 5, At: heapT0})
	require.NoError(t, err)
	for i := range 1000 {
		agent := fmt.Sprint("hostile", i)
		_, _, err := s.Reserve(ctx, Reservation{Item: fmt.Sprint("item", i), Agent: agent, Units: 2, Capacity: 1, At: heapT0})
		require.ErrorIs(t, err, ErrOverCapacity)
		_, err = s.Move(ctx, "kept", agent, 0, heapT0)
		require.ErrorIs(t, err, ErrOverCapacity)
	}
	assert.Equal(t, 1, agentCount(s))
}

// TestRankHugeCount: skip + n past the largest int ranks as far as the
// line goes.
func TestRankHugeCount(t *testing.T) {
	k := rankingOf(t, ByLoad, 3, func(int) int { return 5 })
	s := NewMemoryStore()
	got, err := s.Rank(t.Context(), k, 1, math.MaxInt, nil)
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

// TestAgentIndexMergesInProportion: lookups of a young agent merge it into
// the published map only once they are an eighth of that map, so each
// new agent does not cost a copy of every agent; and a lookup of an agent
// never seen takes no lock while no agent is young.
func TestAgentIndexMergesInProportion(t *testing.T) {
	var x agentIndex
	ids := make([]string, 8000)
	for i := range ids {
		ids[i] = fmt.Sprint("a", i)
	}
	x.getAll(ids)
	x.mu.Lock()
	x.merge()
	x.mu.Unlock()
	missed := make(chan *agentState, 1)
	x.mu.Lock()
	go func() { missed <- x.find("never") }()
	select {
	case a := <-missed:
		assert.Nil(t, a)
	case <-time.After(5 * time.Second):
		t.Error("a lookup of an agent never seen waited for the lock")
		x.mu.Unlock()
		<-missed
		x.mu.Lock()
	}
	x.mu.Unlock()
	young := x.get("young")
	published := x.known.Load()
	for range len(ids)/8 - 1 {
		require.Same(t, young, x.find("young"))
	}
	assert.Same(t, published, x.known.Load(), "merged before an eighth of the map's lookups")
	for range 2 {
		require.Same(t, young, x.find("young"))
	}
	assert.NotSame(t, published, x.known.Load(), "not merged after an eighth of the map's lookups")
}

// TestLineBuiltWhileAgentsChange: a change to an agent puts it back in
// place at once on its lines whose lock is free, so a line must be locked
// while it is built (its agents list it before it is filled). One
// goroutine drops and rebuilds a line over and over while another
// reserves and releases its agents; under the race detector an unlocked
// build is a data race, and either way the line must end in the order
// RankByStats gives.
func TestLineBuiltWhileAgentsChange(t *testing.T) {
	ctx := t.Context()
	agents := []string{"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"}
	k, err := NewRanking(ByLoad, 1, agents, []int{NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit, NoLimit})
	require.NoError(t, err)
	s := NewMemoryStore()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 3000 {
			item := fmt.Sprint("x", i)
			_, _, err := s.Reserve(ctx, Reservation{Item: item, Agent: agents[i%len(agents)], Units: 1, Capacity: NoLimit, At: time.Unix(int64(i), 0).UTC()})
			assert.NoError(t, err)
			if i%3 != 0 {
				_, err = s.Release(ctx, item)
				assert.NoError(t, err)
			}
		}
	}()
	for building := true; building; {
		select {
		case <-done:
			building = false
		default:
		}
		require.NoError(t, s.CloseRanking(ctx, k))
		_, err := s.Rank(ctx, k, 0, 1, nil)
		require.NoError(t, err)
	}
	got, err := s.Rank(ctx, k, 0, len(agents), nil)
	require.NoError(t, err)
	want, err := RankByStats(s).Rank(ctx, k, 0, len(agents), nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// TestChangeToAHeldLine: a release puts its agent back in place at once on
// a line whose lock is free (nothing is left noted), and only notes it on
// a line someone holds, without waiting for it; the line's next walk puts
// the agent in place.
func TestChangeToAHeldLine(t *testing.T) {
	ctx := t.Context()
	k, err := NewRanking(ByLoad, 1, []string{"h0", "h1", "h2"}, []int{9, 9, 9})
	require.NoError(t, err)
	s := NewMemoryStore()
	for i, a := range []string{"h0", "h0", "h1"} { // loads 2, 1, 0: h2 in front
		_, _, err := s.Reserve(ctx, Reservation{Item: fmt.Sprint("w", i), Agent: a, Units: 1, Capacity: 9, At: heapT0})
		require.NoError(t, err)
	}
	front := func() string {
		r, err := s.Rank(ctx, k, 0, 1, nil)
		require.NoError(t, err)
		return r[0].Agent
	}
	require.Equal(t, "h2", front())
	l := k.memo.Load().l

	_, err = s.Release(ctx, "w2") // h1 back to 0, still behind h2, never assigned
	require.NoError(t, err)
	assert.Zero(t, l.changes.Load(), "a free line is put right at once, nothing noted")
	assert.Equal(t, "h2", front())

	l.mu.Lock() // held, as by a walk under way
	released := make(chan error, 1)
	go func() {
		_, err := s.Release(ctx, "w0") // h0 from 2 to 1
		if err == nil {
			_, err = s.Release(ctx, "w1") // and to 0
		}
		released <- err
	}()
	select {
	case err := <-released:
		require.NoError(t, err, "the releases did not wait for the line")
	case <-time.After(5 * time.Second):
		t.Fatal("a release waited for a held line")
	}
	assert.NotZero(t, l.changes.Load(), "the held line has h0 noted")
	l.mu.Unlock()
	got, err := s.Rank(ctx, k, 0, 3, nil)
	require.NoError(t, err)
	want, err := RankByStats(s).Rank(ctx, k, 0, 3, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got, "the next walk puts the noted agent in place")
	assert.Zero(t, l.changes.Load())
}
