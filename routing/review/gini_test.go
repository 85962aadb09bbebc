package review_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
)

// naiveGini is the Gini coefficient by its definition: the mean absolute
// difference of every pair over twice the mean.
func naiveGini(xs []float64) float64 {
	var diff, total float64
	for _, x := range xs {
		total += x
		for _, y := range xs {
			diff += math.Abs(x - y)
		}
	}
	if total == 0 {
		return 0
	}
	return diff / (2 * float64(len(xs)) * total)
}

// The fairness figures agree with the Gini coefficient's definition over
// random teams and books, stay within [0, (n-1)/n], do not depend on the
// records' order, and are 0 when every rep has the same.
func TestPropertyFairnessIsGini(t *testing.T) {
	at := time.Date(2026, 4, 7, 8, 0, 0, 0, time.UTC)
	for seed := range uint64(60) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			n := 1 + rng.IntN(9)
			team := routing.Config{Home: "DE", DefaultPool: "all", Pools: []routing.Pool{{Name: "all", Strategy: routing.LeastLoaded}}}
			counts, won := make([]float64, n), make([]float64, n)
			var recs []review.Record
			even := seed%5 == 0 // every rep the same
			for i := range n {
				id := fmt.Sprint("rep", i)
				team.Agents = append(team.Agents, routing.Agent{ID: id, Country: "DE", Capacity: 1000})
				team.Pools[0].Members = append(team.Pools[0].Members, id)
				leads := rng.IntN(12)
				if even {
					leads = 4
				}
				for j := range leads {
					rec := review.Record{Item: fmt.Sprint(id, "-", j), At: at.Add(time.Duration(len(recs)) * time.Minute), Agent: id, Pool: "all"}
					if !even && rng.IntN(3) == 0 || even && j == 0 {
						v := int64(100 * (1 + rng.IntN(50)))
						if even {
							v = 500
						}
						rec.Converted, rec.Won = true, usd(v)
						won[i] += float64(v)
					}
					counts[i]++
					recs = append(recs, rec)
				}
			}
			r, err := review.New(review.Config{Currency: "USD"}, team)
			require.NoError(t, err)
			rep, err := r.Review(t.Context(), slices.Values(recs))
			require.NoError(t, err)

			assert.InDelta(t, naiveGini(counts), rep.GiniAssignments, 0.0005+1e-9) // rounded to three places
			assert.InDelta(t, naiveGini(won), rep.GiniWon, 0.0005+1e-9)            // rounded to three places
			for _, g := range []float64{rep.GiniAssignments, rep.GiniWon} {
				assert.GreaterOrEqual(t, g, 0.0)
				assert.LessOrEqual(t, g, float64(n-1)/float64(n)+0.0005+1e-9)
			}
			if even {
				assert.Zero(t, rep.GiniAssignments)
				assert.Zero(t, rep.GiniWon)
			}
			rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			again, err := r.Review(t.Context(), slices.Values(recs))
			require.NoError(t, err)
			assert.Equal(t, rep.GiniAssignments, again.GiniAssignments)
			assert.Equal(t, rep.GiniWon, again.GiniWon)
		})
	}
}
