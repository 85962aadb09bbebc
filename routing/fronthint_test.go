package routing

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

// lyingFront is a fronter that names any index, in or out of the line,
// instead of the front.
type lyingFront struct{ rng *rand.Rand }

func (f lyingFront) frontHint(k *Ranking) int { return f.rng.IntN(k.Len()+3) - 2 }

// hintConfig has pools of every ranked strategy over agents who differ in
// languages, regions and leave, with small capacities, so that the agent a
// hint names is often ineligible or full.
func hintConfig() Config {
	cfg := Config{Home: "CN", DefaultPool: "ll"}
	langs := [][]string{{"en"}, {"de"}, {"en", "de"}, {"fr"}}
	regions := [][]string{{"DE"}, {"FR"}, nil, {"DE", "FR"}}
	var ids []string
	for i := range 12 {
		a := Agent{ID: fmt.Sprintf("a%02d", i), Capacity: 1 + i%3, Languages: langs[i%4], Regions: regions[i/3%4]}
		if i%5 == 4 {
			a.OutOfOffice = []strata.Span{{Start: heapT0.Add(-time.Hour), End: heapT0.Add(time.Hour)}}
		}
		cfg.Agents = append(cfg.Agents, a)
		ids = append(ids, a.ID)
	}
	for _, st := range []Strategy{LeastLoaded, MostFreeCapacity, RoundRobin} {
		cfg.Pools = append(cfg.Pools, Pool{Name: map[Strategy]string{LeastLoaded: "ll", MostFreeCapacity: "mf", RoundRobin: "rr"}[st],
			Strategy: st, Members: ids, MatchLanguage: true, MatchRegion: true, Sticky: st == LeastLoaded})
	}
	cfg.Rules = []Rule{{Name: "fr", When: `customer.country == "FR"`, Pool: "mf"}, {Name: "en", When: `"en" in customer.languages`, Pool: "rr"}}
	return cfg
}

// TestFrontHintDecidesNothing routes the same random day twice, once with
// MemoryStore's front hints and once with hints that name anyone: every
// decision, trace included, and the store's assignments must be the same.
// The hint only lets the Router check an agent before the store's lock.
func TestFrontHintDecidesNothing(t *testing.T) {
	ctx := t.Context()
	honest, err := New(hintConfig(), NewMemoryStore())
	require.NoError(t, err)
	liarStore := NewMemoryStore()
	liar, err := New(hintConfig(), liarStore)
	require.NoError(t, err)
	require.NotNil(t, honest.fronts, "MemoryStore gives hints")
	liar.fronts = lyingFront{rand.New(rand.NewPCG(3, 4))}
	rng := rand.New(rand.NewPCG(1, 2))
	countries, langs := []string{"DE", "FR", "CN"}, []string{"en", "de", "fr", "zh"}
	var held []string
	for i := range 3000 {
		if len(held) > 0 && rng.IntN(3) == 0 {
			j := rng.IntN(len(held))
			_, err1 := honest.Release(ctx, held[j])
			_, err2 := liar.Release(ctx, held[j])
			require.Equal(t, err1 == nil, err2 == nil)
			held = append(held[:j], held[j+1:]...)
			continue
		}
		c := strata.Customer{ID: "c" + strconv.Itoa(rng.IntN(200)), Country: countries[rng.IntN(3)], Languages: []string{langs[rng.IntN(4)]}}
		if rng.IntN(2) == 0 {
			c.Owner = fmt.Sprintf("a%02d", rng.IntN(12))
		}
		req := Request{Item: "i" + strconv.Itoa(i), Customer: c, Now: heapT0.Add(time.Duration(i) * time.Second)}
		d1, err1 := honest.Route(ctx, req)
		d2, err2 := liar.Route(ctx, req)
		require.NoError(t, err1)
		require.NoError(t, err2)
		require.Equal(t, d1, d2, "request %d", i)
		if d1.Outcome == Assigned {
			held = append(held, req.Item)
		}
	}
	assert.Equal(t, honest.store.(*MemoryStore).Items(), liarStore.Items())
}

// TestFrontHintFollowsLine checks that the hint names the front of the
// line after every change made under the store's lock, and -1 for a store
// that keeps no line for the ranking.
func TestFrontHintFollowsLine(t *testing.T) {
	ctx := t.Context()
	for _, order := range []Order{ByLoad, ByFreeShare, ByIdle} {
		t.Run(order.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, uint64(order)))
			k := rankingOf(t, order, 30, func(i int) int { return []int{NoLimit, 3, 7}[i%3] })
			s := NewMemoryStore()
			assert.Equal(t, -1, s.frontHint(k))
			var held []string
			for step := range 400 {
				item := "i" + strconv.Itoa(step)
				if len(held) > 0 && rng.IntN(3) == 0 {
					j := rng.IntN(len(held))
					_, err := s.Release(ctx, held[j])
					require.NoError(t, err)
					held = append(held[:j], held[j+1:]...)
				} else if _, _, err := s.Reserve(ctx, Reservation{Item: item, Agent: k.Agent(rng.IntN(k.Len())), Units: 1, Capacity: NoLimit,
					At: heapT0.Add(time.Duration(rng.IntN(20)) * time.Minute)}); err == nil {
					held = append(held, item)
				}
				front, err := s.Rank(ctx, k, 0, 1, nil) // drains the releases
				require.NoError(t, err)
				require.Len(t, front, 1)
				require.Equal(t, front[0].Index, s.frontHint(k), "step %d", step)
			}
		})
	}
}

// TestLineWalksAtOnce has goroutines walk one line at once, through
// ReserveFromLine, releasing now and then: every walk gets its own outcome,
// examine sees every agent within capacity, and at the end each agent
// holds exactly the units of the assignments the store lists, within its
// capacity.
func TestLineWalksAtOnce(t *testing.T) {
	ctx := t.Context()
	const agents, workers, rounds = 6, 8, 400
	k := rankingOf(t, ByLoad, agents, func(i int) int { return 1 + i%3 })
	s := NewMemoryStore()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			var mine []string
			for i := range rounds {
				item := fmt.Sprintf("w%d-%d", w, i)
				var saw []string
				a, created, err := s.ReserveFromLine(ctx, k, Offer{Item: item, Units: 1, At: heapT0}, func(rk Ranked) LineVerdict {
					if rk.Load > k.Capacity(rk.Index) {
						errs <- fmt.Errorf("%s seen over capacity: %d", rk.Agent, rk.Load)
					}
					saw = append(saw, rk.Agent)
					return LineTake
				})
				switch {
				case errors.Is(err, ErrOverCapacity):
				case err != nil:
					errs <- err
					return
				case !created || a.Item != item || saw[len(saw)-1] != a.Agent:
					errs <- fmt.Errorf("%s: got %+v (created %v) after examining %v", item, a, created, saw)
					return
				default:
					mine = append(mine, item)
				}
				if len(mine) > 0 && i%2 == 1 { // release the oldest now and then: room comes and goes
					if _, err := s.Release(ctx, mine[0]); err != nil {
						errs <- err
						return
					}
					mine = mine[1:]
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	held := map[string]int{}
	for _, a := range s.Items() {
		held[a.Agent] += a.Units
	}
	ids := make([]string, agents)
	for i := range ids {
		ids[i] = k.Agent(i)
	}
	stats, err := s.Stats(ctx, ids, time.Time{}, nil)
	require.NoError(t, err)
	for i, st := range stats {
		assert.Equal(t, held[st.Agent], st.Load, st.Agent)
		assert.LessOrEqual(t, st.Load, k.Capacity(i), st.Agent)
	}
}
