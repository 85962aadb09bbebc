package routing

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

var heapT0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func rankingOf(t testing.TB, order Order, n int, capacity func(i int) int) *Ranking {
	t.Helper()
	ids, caps := make([]string, n), make([]int, n)
	for i := range n {
		ids[i], caps[i] = fmt.Sprintf("a%05d", i), capacity(i)
	}
	k, err := NewRanking(order, 7, ids, caps)
	require.NoError(t, err)
	return k
}

// TestLineMatchesSort drives a store through random reservations, releases
// and moves, and after each step checks the whole line against sorting
// every agent's stats with Ranking.Compare, for each order.
func TestLineMatchesSort(t *testing.T) {
	for _, order := range []Order{ByLoad, ByFreeShare, ByIdle} {
		t.Run(order.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(order)))
			k := rankingOf(t, order, 40, func(i int) int { return []int{NoLimit, 5, 8, 20}[i%4] })
			s := NewMemoryStore()
			ctx := t.Context()
			held := []string{}
			for step := range 600 {
				at := heapT0.Add(time.Duration(rng.IntN(50)) * time.Minute) // many same-instant ties
				switch op := rng.IntN(10); {
				case op < 6 || len(held) == 0:
					item := "i" + strconv.Itoa(step)
					agent := k.Agent(rng.IntN(k.Len()))
					if _, _, err := s.Reserve(ctx, Reservation{Item: item, Agent: agent, Units: 1 + rng.IntN(2), Capacity: NoLimit, At: at}); err == nil {
						held = append(held, item)
					}
				case op < 8:
					j := rng.IntN(len(held))
					_, err := s.Release(ctx, held[j])
					require.NoError(t, err)
					held = slices.Delete(held, j, j+1)
				default:
					_, err := s.Move(ctx, held[rng.IntN(len(held))], k.Agent(rng.IntN(k.Len())), NoLimit, at)
					require.NoError(t, err)
				}
				if step%7 != 0 {
					continue
				}
				want, err := RankByStats(s).Rank(ctx, k, 0, k.Len(), nil)
				require.NoError(t, err)
				got, err := s.Rank(ctx, k, 0, k.Len(), nil)
				require.NoError(t, err)
				require.Equal(t, want, got, "step %d", step)
				part, err := s.Rank(ctx, k, 5, 7, nil)
				require.NoError(t, err)
				require.Equal(t, want[5:12], part, "a window of the line")
			}
		})
	}
}

func TestCompareFreeIsExact(t *testing.T) {
	for _, tt := range []struct {
		capA, loadA, capB, loadB, want int
	}{
		{10, 5, 20, 10, 0},        // both half free
		{10, 4, 20, 10, -1},       // 60% ahead of 50%
		{NoLimit, 100, 10, 0, 0},  // no limit and empty are both all free
		{NoLimit, 100, 10, 1, -1}, // no limit ahead of 90%
		{3, 1, NoLimit, 0, 1},
		{NoLimit, 0, NoLimit, 50, 0},
		{1 << 40, 1, 1 << 40, 2, -1}, // no overflow
		{math.MaxInt, 1, math.MaxInt - 1, 1, -1},
		{math.MaxInt, math.MaxInt, 3, 9, -1}, // over capacity: negative shares
		{5, 10, 3, 9, -1},                    // -100% free ahead of -200%
	} {
		assert.Equal(t, tt.want, compareFree(tt.capA, tt.loadA, tt.capB, tt.loadB), "%+v", tt)
		assert.Equal(t, -tt.want, compareFree(tt.capB, tt.loadB, tt.capA, tt.loadA), "%+v reversed", tt)
	}
}

func TestNewRankingRefusesBadInput(t *testing.T) {
	for name, f := range map[string]func() (*Ranking, error){
		"order":     func() (*Ranking, error) { return NewRanking(0, 0, []string{"a"}, []int{1}) },
		"lengths":   func() (*Ranking, error) { return NewRanking(ByLoad, 0, []string{"a"}, nil) },
		"empty id":  func() (*Ranking, error) { return NewRanking(ByLoad, 0, []string{""}, []int{1}) },
		"duplicate": func() (*Ranking, error) { return NewRanking(ByLoad, 0, []string{"a", "a"}, []int{1, 1}) },
		"capacity":  func() (*Ranking, error) { return NewRanking(ByLoad, 0, []string{"a"}, []int{0}) },
	} {
		_, err := f()
		assert.Error(t, err, name)
	}
	a, err := NewRanking(ByLoad, 1, []string{"a", "b"}, []int{1, 2})
	require.NoError(t, err)
	b, err := NewRanking(ByLoad, 1, []string{"a", "b"}, []int{1, 2})
	require.NoError(t, err)
	c, err := NewRanking(ByLoad, 2, []string{"a", "b"}, []int{1, 2})
	require.NoError(t, err)
	assert.Equal(t, a.Key(), b.Key(), "same content, same key")
	assert.NotEqual(t, a.Key(), c.Key(), "another seed, another line")
}

// TestUnusedLinesAreDropped: a line nobody ranks from for sweepEvery calls
// goes, and comes back, rebuilt and right, when asked for again.
func TestUnusedLinesAreDropped(t *testing.T) {
	s := NewMemoryStore()
	ctx := t.Context()
	old := rankingOf(t, ByLoad, 10, func(int) int { return NoLimit })
	cur := rankingOf(t, ByIdle, 10, func(int) int { return NoLimit })
	_, err := s.Rank(ctx, old, 0, 1, nil)
	require.NoError(t, err)
	for range 2*sweepEvery + 2 { // a sweep comes every sweepEvery calls
		_, err := s.Rank(ctx, cur, 0, 1, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, s.lineCount())
	s.agents.each(func(_ string, a *agentState) {
		assert.Len(t, a.refs(), 1, "the dropped line is unlinked from its agents")
	})
	_, _, err = s.Reserve(ctx, Reservation{Item: "x", Agent: "a00000", Units: 1, Capacity: NoLimit, At: heapT0})
	require.NoError(t, err)
	got, err := s.Rank(ctx, old, 0, 10, nil)
	require.NoError(t, err)
	assert.Equal(t, "a00000", got[9].Agent, "rebuilt from current loads: the busy agent is last")
}

func benchLine(b *testing.B, n int) (*MemoryStore, *Ranking) {
	s := NewMemoryStore()
	k := rankingOf(b, ByLoad, n, func(int) int { return NoLimit })
	for i := range n { // everyone holds something, as in a working day
		if _, _, err := s.Reserve(b.Context(), Reservation{Item: "seed" + strconv.Itoa(i), Agent: k.Agent(i), Units: 1 + i%3, Capacity: NoLimit, At: heapT0}); err != nil {
			b.Fatal(err)
		}
	}
	return s, k
}

// BenchmarkRankFront10000: the front of a 10,000-agent line: the agent a
// Router asks for first, and the first four.
func BenchmarkRankFront10000(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s, k := benchLine(b, 10000)
			dst := make([]Ranked, 0, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if dst, err = s.Rank(ctx, k, 0, n, dst[:0]); err != nil || len(dst) != n {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPick10000: the pick alone on a 10,000-agent least-loaded line:
// read the front, reserve for it (the heap moves the agent back) and, to
// keep the store's size steady, release an earlier item.
func BenchmarkPick10000(b *testing.B) {
	s, k := benchLine(b, 10000)
	items := make([]string, 1<<12)
	for i := range items {
		items[i] = "L" + strconv.Itoa(i)
	}
	dst := make([]Ranked, 0, 1)
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dst, _ = s.Rank(ctx, k, 0, 1, dst[:0])
		item := items[i%len(items)]
		if i >= len(items) {
			if _, err := s.Release(ctx, item); err != nil {
				b.Fatal(err)
			}
		}
		if _, _, err := s.Reserve(ctx, Reservation{Item: item, Agent: dst[0].Agent, Units: 1, Capacity: NoLimit, At: heapT0}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkHeapPick10000: the data structure alone, as the issue frames
// it: under the line's lock, read the front of a 10,000-agent
// least-loaded line and put the agent back in its place with one more
// unit. Reserve does this plus the item's bookkeeping and history.
func BenchmarkHeapPick10000(b *testing.B) {
	s, k := benchLine(b, 10000)
	l, _ := s.lock(k)
	l.mu.Unlock()
	b.ReportAllocs()
	for b.Loop() {
		l.mu.Lock()
		i := l.heap[0].idx
		a := l.sts[i]
		a.load.Add(1)
		l.update(i, a)
		l.mu.Unlock()
	}
}

// swapTeam is a 2,000-agent least-loaded pool; version changes the seed, so
// each version is a new ranking with a line of its own.
func swapTeam(version int) Config {
	cfg := Config{Home: "CN", DefaultPool: "p", Seed: uint64(version), Pools: []Pool{{Name: "p", Strategy: LeastLoaded}}}
	for i := range 2000 {
		id := fmt.Sprintf("a%04d", i)
		cfg.Agents = append(cfg.Agents, Agent{ID: id, Capacity: MaxCapacity})
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	return cfg
}

// TestCloseDropsLines: a host that swaps configurations and closes the
// replaced Router leaves one line behind, not one per configuration, and
// every agent stands in that one line only. A closed Router still routes.
func TestCloseDropsLines(t *testing.T) {
	s := NewMemoryStore()
	ctx := t.Context()
	var old *Router
	for v := range 50 {
		r, err := New(swapTeam(v), s)
		require.NoError(t, err)
		if old != nil {
			require.NoError(t, old.Close(ctx))
			require.NoError(t, old.Close(ctx), "closing twice is fine")
		}
		d, err := r.Route(ctx, Request{Item: "L" + strconv.Itoa(v), Customer: strataCustomer("c"), Now: heapT0})
		require.NoError(t, err)
		require.Equal(t, Assigned, d.Outcome)
		assert.LessOrEqual(t, s.lineCount(), 1, "version %d", v)
		old = r
	}
	s.agents.each(func(id string, a *agentState) {
		assert.LessOrEqual(t, len(a.refs()), 1, id)
	})
	require.NoError(t, old.Close(ctx))
	assert.Zero(t, s.lineCount())
	d, err := old.Route(ctx, Request{Item: "after", Customer: strataCustomer("c"), Now: heapT0})
	require.NoError(t, err)
	assert.Equal(t, Assigned, d.Outcome, "a closed Router reads whole pools")
	assert.Zero(t, s.lineCount(), "and keeps no line")
}

// BenchmarkRouteAfterConfigSwaps: a route on a 2,000-agent pool, on a fresh
// store and after 500 configuration swaps whose old Routers were closed
// (before Close existed the lines stayed: 5.9 µs became 213 µs).
func BenchmarkRouteAfterConfigSwaps(b *testing.B) {
	for _, swaps := range []int{0, 500} {
		b.Run(strconv.Itoa(swaps), func(b *testing.B) {
			s := NewMemoryStore()
			ctx := b.Context()
			var r *Router
			for v := range swaps + 1 {
				next, err := New(swapTeam(v), s)
				if err != nil {
					b.Fatal(err)
				}
				if r != nil {
					if err := r.Close(ctx); err != nil {
						b.Fatal(err)
					}
				}
				r = next
				if _, err := r.Route(ctx, Request{Item: "swap" + strconv.Itoa(v), Customer: strataCustomer("c"), Now: heapT0}); err != nil {
					b.Fatal(err)
				}
			}
			items := make([]string, 1024)
			for i := range items {
				items[i] = "L" + strconv.Itoa(i)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				item := items[i%len(items)]
				if _, err := r.Route(ctx, Request{Item: item, Customer: strataCustomer("c"), Now: heapT0}); err != nil {
					b.Fatal(err)
				}
				if _, err := r.Release(ctx, item); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func strataCustomer(id string) strata.Customer { return strata.Customer{ID: id, Country: "CN"} }

// TestEmptyAndSingleLines: a ranking of one agent, and a walk of an empty
// line, work.
func TestEmptyAndSingleLines(t *testing.T) {
	s := NewMemoryStore()
	for _, n := range []int{0, 1} {
		k := rankingOf(t, ByLoad, n, func(int) int { return 3 })
		got, err := s.Rank(t.Context(), k, 0, 5, nil)
		require.NoError(t, err)
		assert.Len(t, got, n)
		_, _, err = s.ReserveFromLine(t.Context(), k, Offer{Item: fmt.Sprint("L", n), Units: 1, At: heapT0}, func(Ranked) LineVerdict { return LineTake })
		if n == 0 {
			assert.ErrorIs(t, err, ErrOverCapacity)
		} else {
			assert.NoError(t, err)
		}
	}
}

// TestAgentStateFillsCacheLines: an agent's state is a whole number of
// cache lines, so agents of different lines, changed from different cores,
// never share one (the allocator places objects of this size class at
// multiples of their size).
func TestAgentStateFillsCacheLines(t *testing.T) {
	assert.Zero(t, unsafe.Sizeof(agentState{})%64, "size %d", unsafe.Sizeof(agentState{}))
}
