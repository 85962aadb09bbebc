package routing

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestUnassignedReasonJoins: the one-allocation join says what the plain
// join of "pool: reason" parts says, for every mix of named steps, the
// default owner (step -1) and a missing pool (no name).
func TestUnassignedReasonJoins(t *testing.T) {
	plain := func(pools []PoolResult) string {
		parts := make([]string, 0, len(pools))
		for _, p := range pools {
			if p.Step == -1 || p.Pool == "" {
				parts = append(parts, p.Reason)
			} else {
				parts = append(parts, p.Pool+": "+p.Reason)
			}
		}
		return strings.Join(parts, "; ")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		pools := make([]PoolResult, r.IntN(5))
		for j := range pools {
			pools[j] = PoolResult{Step: r.IntN(4) - 1, Reason: fmt.Sprint("reason ", r.IntN(9))}
			if r.IntN(3) > 0 {
				pools[j].Pool = fmt.Sprint("pool-", r.IntN(9))
			}
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			assert.Equal(t, plain(pools), unassignedReason(pools))
		})
	}
	assert.Equal(t, 0.0, testing.AllocsPerRun(100, func() { _ = unassignedReason(nil) }))
}
