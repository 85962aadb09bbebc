package routingtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// rankerCases check a store that is also a routing.Ranker.
var rankerCases = []storeCase{
	{name: "Ranker/LinesFollowWorkloads", ranker: true, run: testLinesFollowWorkloads},
	{name: "Ranker/NewLineSeesEarlierWork", ranker: true, run: testNewLine},
	{name: "Ranker/BadArguments", ranker: true, run: testRankBadArguments},
	{name: "Ranker/ConcurrentChangesKeepLinesRight", ranker: true, run: testRankConcurrent},
	{name: "Ranker/ClosedRankingsComeBack", ranker: true, run: testCloseRanking},
}

// rankAgents are the agents of the suite's rankings, with mixed capacities.
func rankings(t testing.TB) ([]string, map[string]*routing.Ranking) {
	agents := make([]string, 12)
	caps := make([]int, 12)
	for i := range agents {
		agents[i], caps[i] = fmt.Sprintf("r%02d", i), []int{routing.NoLimit, 4, 6, 9}[i%4]
	}
	out := map[string]*routing.Ranking{}
	for _, o := range []routing.Order{routing.ByLoad, routing.ByFreeShare, routing.ByIdle} {
		k, err := routing.NewRanking(o, 42, agents, caps)
		require.NoError(t, err)
		out[o.String()] = k
	}
	return agents, out
}

var orders = []string{"by_load", "by_free_share", "by_idle"}

// line is a window of a ranking's line as agent IDs and loads, front first.
func line(t testing.TB, rk routing.Ranker, k *routing.Ranking, skip, n int) []string {
	t.Helper()
	got, err := retry(func() ([]routing.Ranked, error) { return rk.Rank(t.Context(), k, skip, n, nil) })
	require.NoError(t, err)
	out := make([]string, len(got))
	for i, r := range got {
		require.Equal(t, k.Agent(r.Index), r.Agent, "Index and Agent agree")
		out[i] = r.Agent + "/" + strconv.Itoa(r.Load)
	}
	return out
}

// checkLines compares every line of s with routing.RankByStats over s.
func checkLines(t testing.TB, s routing.Store, ks map[string]*routing.Ranking, what string) {
	t.Helper()
	rk := s.(routing.Ranker)
	for _, name := range orders {
		k := ks[name]
		want := line(t, routing.RankByStats(s), k, 0, k.Len())
		require.Equal(t, want, line(t, rk, k, 0, k.Len()), "%s: %s", name, what)
		require.Equal(t, want[3:8], line(t, rk, k, 3, 5), "%s: a window of the line, %s", name, what)
		require.Equal(t, want[10:], line(t, rk, k, 10, 50), "%s: the end of the line, %s", name, what)
		require.Empty(t, line(t, rk, k, k.Len(), 3), "%s: past the end, %s", name, what)
	}
}

func testLinesFollowWorkloads(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := rankings(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, name := range orders { // the store learns the lines before any work
		line(t, s.(routing.Ranker), ks[name], 0, 1)
	}
	var held []string
	for step := range 300 {
		at := t0.Add(time.Duration(rng.IntN(30)) * time.Minute) // same-instant ties on purpose
		switch op := rng.IntN(10); {
		case op < 6 || len(held) == 0:
			item := "i" + strconv.Itoa(step)
			a, created, err := reserve(ctx, s, routing.Reservation{Item: item, Agent: agents[rng.IntN(len(agents))], Units: 1 + rng.IntN(2),
				Capacity: routing.NoLimit, At: at})
			require.NoError(t, err)
			if created {
				held = append(held, a.Item)
			}
		case op < 8:
			j := rng.IntN(len(held))
			_, err := release(t, s, held[j])
			require.NoError(t, err)
			held = append(held[:j], held[j+1:]...)
		default:
			_, err := move(t, s, held[rng.IntN(len(held))], routing.Candidate{Agent: agents[rng.IntN(len(agents))], Capacity: routing.NoLimit}, at)
			require.NoError(t, err)
		}
		if step%5 == 0 {
			checkLines(t, s, ks, fmt.Sprintf("after step %d", step))
		}
	}
}

func testNewLine(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := rankings(t)
	for i, a := range agents[:6] {
		_, _, err := reserve(ctx, s, routing.Reservation{Item: "w" + strconv.Itoa(i), Agent: a, Units: 6 - i, Capacity: routing.NoLimit,
			At: t0.Add(time.Duration(i) * time.Minute)})
		require.NoError(t, err)
	}
	checkLines(t, s, ks, "a line first asked for after the work")
}

func testRankBadArguments(t testing.TB, s routing.Store) {
	_, ks := rankings(t)
	rk := s.(routing.Ranker)
	_, err := retry(func() ([]routing.Ranked, error) { return rk.Rank(t.Context(), ks["by_load"], -1, 2, nil) })
	assert.Error(t, err, "negative skip")
	_, err = retry(func() ([]routing.Ranked, error) { return rk.Rank(t.Context(), ks["by_load"], 0, -2, nil) })
	assert.Error(t, err, "negative count")
}

func testRankConcurrent(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := rankings(t)
	rk := s.(routing.Ranker)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for i := range 60 {
				item := fmt.Sprintf("g%d-%d", g, i)
				if _, _, err := reserve(ctx, s, routing.Reservation{Item: item, Agent: agents[rng.IntN(len(agents))], Units: 1,
					Capacity: routing.NoLimit, At: t0}); err != nil {
					t.Errorf("reserve: %v", err)
					return
				}
				if i%3 == 0 {
					if _, err := retry(func() (routing.Assignment, error) { return s.Release(ctx, item) }); err != nil {
						t.Errorf("release: %v", err)
						return
					}
				}
				for _, name := range orders {
					got, err := retry(func() ([]routing.Ranked, error) { return rk.Rank(ctx, ks[name], 0, 3, nil) })
					if err != nil || len(got) != 3 {
						t.Errorf("rank: %v (%d)", err, len(got))
						return
					}
				}
			}
		})
	}
	wg.Wait()
	checkLines(t, s, ks, "after concurrent changes")
}

func testCloseRanking(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := rankings(t)
	checkLines(t, s, ks, "before any work")
	if rc, ok := s.(routing.RankingCloser); ok {
		for _, name := range orders {
			_, err := retry(func() (struct{}, error) { return struct{}{}, rc.CloseRanking(ctx, ks[name]) })
			require.NoError(t, err)
		}
	}
	for i, a := range agents {
		_, _, err := reserve(ctx, s, routing.Reservation{Item: "c" + strconv.Itoa(i), Agent: a, Units: 1 + i%3, Capacity: routing.NoLimit,
			At: t0.Add(time.Duration(i%4) * time.Minute)})
		require.NoError(t, err)
	}
	checkLines(t, s, ks, "a closed ranking asked for again")
}
