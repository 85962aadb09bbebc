package routingtest

import (
	"context"
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

type rankStore interface {
	routing.Store
	routing.Ranker
}

// line is a ranking's whole line as agent IDs and loads, front first.
func line(t *testing.T, rank func(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error),
	k *routing.Ranking, skip, n int) []string {
	t.Helper()
	got, err := retry(func() ([]routing.Ranked, error) { return rank(context.Background(), k, skip, n, nil) })
	require.NoError(t, err)
	out := make([]string, len(got))
	for i, r := range got {
		require.Equal(t, k.Agent(r.Index), r.Agent, "Index and Agent agree")
		out[i] = r.Agent + "/" + strconv.Itoa(r.Load)
	}
	return out
}

func testRanker(t *testing.T, newStore func(t *testing.T) rankStore) {
	agents := make([]string, 12)
	caps := make([]int, 12)
	for i := range agents {
		agents[i], caps[i] = fmt.Sprintf("r%02d", i), []int{0, 4, 6, 9}[i%4]
	}
	rankings := map[string]*routing.Ranking{}
	for _, o := range []routing.Order{routing.ByLoad, routing.ByFreeShare, routing.ByIdle} {
		k, err := routing.NewRanking(o, 42, agents, caps)
		require.NoError(t, err)
		rankings[o.String()] = k
	}
	reference := func(s routing.Store) func(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
		return func(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
			return routing.RankByStats(ctx, s, k, skip, n, dst)
		}
	}

	t.Run("LinesFollowWorkloads", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		rng := rand.New(rand.NewPCG(7, 7))
		for _, k := range rankings { // the store learns the lines before any work
			line(t, s.Rank, k, 0, 1)
		}
		var held []string
		for step := range 300 {
			at := t0.Add(time.Duration(rng.IntN(30)) * time.Minute) // same-instant ties on purpose
			switch op := rng.IntN(10); {
			case op < 6 || len(held) == 0:
				item := "i" + strconv.Itoa(step)
				a, created, err := reserve(ctx, s, routing.Reservation{Item: item, Agent: agents[rng.IntN(len(agents))], Units: 1 + rng.IntN(2), At: at})
				require.NoError(t, err)
				if created {
					held = append(held, a.Item)
				}
			case op < 8:
				j := rng.IntN(len(held))
				_, err := retry(func() (routing.Assignment, error) { return s.Release(ctx, held[j]) })
				require.NoError(t, err)
				held = append(held[:j], held[j+1:]...)
			default:
				_, err := retry(func() (routing.Assignment, error) {
					return s.Move(ctx, held[rng.IntN(len(held))], agents[rng.IntN(len(agents))], 0, at)
				})
				require.NoError(t, err)
			}
			if step%5 != 0 {
				continue
			}
			for name, k := range rankings {
				want := line(t, reference(s), k, 0, k.Len())
				require.Equal(t, want, line(t, s.Rank, k, 0, k.Len()), "%s after step %d", name, step)
				require.Equal(t, want[3:8], line(t, s.Rank, k, 3, 5), "%s: a window of the line", name)
				require.Equal(t, want[10:], line(t, s.Rank, k, 10, 50), "%s: the end of the line", name)
				require.Empty(t, line(t, s.Rank, k, k.Len(), 3), "%s: past the end", name)
			}
		}
	})

	t.Run("NewLineSeesEarlierWork", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		for i, a := range agents[:6] {
			_, _, err := reserve(ctx, s, routing.Reservation{Item: "w" + strconv.Itoa(i), Agent: a, Units: 6 - i, At: t0.Add(time.Duration(i) * time.Minute)})
			require.NoError(t, err)
		}
		for name, k := range rankings {
			assert.Equal(t, line(t, reference(s), k, 0, k.Len()), line(t, s.Rank, k, 0, k.Len()), name)
		}
	})

	t.Run("BadArguments", func(t *testing.T) {
		s := newStore(t)
		_, err := retry(func() ([]routing.Ranked, error) { return s.Rank(t.Context(), rankings["by_load"], -1, 2, nil) })
		assert.Error(t, err, "negative skip")
		_, err = retry(func() ([]routing.Ranked, error) { return s.Rank(t.Context(), rankings["by_load"], 0, -2, nil) })
		assert.Error(t, err, "negative count")
	})

	t.Run("ConcurrentChangesKeepLinesRight", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 3))
				for i := range 60 {
					item := fmt.Sprintf("g%d-%d", g, i)
					if _, _, err := reserve(ctx, s, routing.Reservation{Item: item, Agent: agents[rng.IntN(len(agents))], Units: 1, At: t0}); err != nil {
						t.Errorf("reserve: %v", err)
						return
					}
					if i%3 == 0 {
						if _, err := retry(func() (routing.Assignment, error) { return s.Release(ctx, item) }); err != nil {
							t.Errorf("release: %v", err)
							return
						}
					}
					for _, k := range rankings {
						got, err := retry(func() ([]routing.Ranked, error) { return s.Rank(ctx, k, 0, 3, nil) })
						if err != nil || len(got) != 3 {
							t.Errorf("rank: %v (%d)", err, len(got))
							return
						}
					}
				}
			})
		}
		wg.Wait()
		for name, k := range rankings {
			assert.Equal(t, line(t, reference(s), k, 0, k.Len()), line(t, s.Rank, k, 0, k.Len()), name)
		}
	})
}
