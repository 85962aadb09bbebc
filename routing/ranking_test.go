package routing_test

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// sqlKey is one agent's row as an SQL store would sort it, following the
// orderings documented on routing.Ranking.
type sqlKey struct {
	share  *big.Int // by_free_share only
	load   int
	last   *time.Time // NULL when never assigned
	seq    uint64
	tieKey int64
	agent  string
}

func sqlRow(k *routing.Ranking, i int, st routing.AgentStats) sqlKey {
	row := sqlKey{load: st.Load, seq: st.Seq, tieKey: k.TieKey(i), agent: st.Agent}
	if !st.Last.IsZero() {
		row.last = &st.Last
	}
	if c := k.Capacity(i); c < 0 {
		row.share = big.NewInt(0) // CASE WHEN cap < 0 THEN 0
	} else { // div(load::numeric * :scale, cap)
		row.share = new(big.Int).Mul(big.NewInt(int64(st.Load)), k.ShareScale())
		row.share.Quo(row.share, big.NewInt(int64(c)))
	}
	return row
}

// sqlCompare is ORDER BY … ASC with NULLS FIRST and COLLATE "C".
func sqlCompare(o routing.Order, a, b sqlKey) int {
	switch o {
	case routing.ByLoad:
		if c := cmp.Compare(a.load, b.load); c != 0 {
			return c
		}
	case routing.ByFreeShare:
		if c := a.share.Cmp(b.share); c != 0 {
			return c
		}
	}
	switch {
	case a.last == nil && b.last != nil:
		return -1
	case a.last != nil && b.last == nil:
		return 1
	case a.last != nil:
		if c := a.last.Compare(*b.last); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.seq, b.seq); c != 0 {
		return c
	}
	if c := cmp.Compare(a.tieKey, b.tieKey); c != 0 {
		return c
	}
	return strings.Compare(a.agent, b.agent) // bytes, as COLLATE "C"
}

// TestSQLOrderingsMatchCompare: sorting rows by the documented SQL
// orderings lines agents up exactly as Ranking.Compare does, for random
// capacities (tiny, huge, none) and workloads (ties on purpose).
func TestSQLOrderingsMatchCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	capChoices := []int{routing.NoLimit, 1, 2, 3, 7, 10, 1000, routing.MaxCapacity, math.MaxInt32, math.MaxInt}
	for trial := range 300 {
		n := 2 + rng.IntN(30)
		ids, caps := make([]string, n), make([]int, n)
		sts := make([]routing.AgentStats, n)
		for i := range n {
			ids[i] = fmt.Sprintf("a-%d-%c", rng.IntN(1000), 'A'+rune(i%50)) // mixed lengths and cases
			for slices.Contains(ids[:i], ids[i]) {
				ids[i] += "x"
			}
			caps[i] = capChoices[rng.IntN(len(capChoices))]
			st := routing.AgentStats{Agent: ids[i], Load: rng.IntN(12), Seq: uint64(rng.IntN(3))}
			if rng.IntN(4) > 0 {
				st.Last = now.Add(time.Duration(rng.IntN(3)) * time.Microsecond)
			}
			if rng.IntN(10) == 0 && caps[i] > 0 {
				st.Load = caps[i] // full, or far beyond for the huge ones
			}
			sts[i] = st
		}
		for _, o := range []routing.Order{routing.ByLoad, routing.ByFreeShare, routing.ByIdle} {
			k, err := routing.NewRanking(o, uint64(trial), ids, caps)
			require.NoError(t, err)
			byCompare, bySQL := make([]int, n), make([]int, n)
			for i := range n {
				byCompare[i], bySQL[i] = i, i
			}
			slices.SortFunc(byCompare, func(i, j int) int { return k.Compare(i, sts[i], j, sts[j]) })
			slices.SortFunc(bySQL, func(i, j int) int { return sqlCompare(o, sqlRow(k, i, sts[i]), sqlRow(k, j, sts[j])) })
			require.Equal(t, byCompare, bySQL, "trial %d, %s, caps %v, stats %v", trial, o, caps, sts)
		}
	}
}

// TestTieKeyOrdersLikeTheHash: the tie key is the documented FNV-1a hash
// with its top bit flipped, and orders as the hash does, signed.
func TestTieKeyOrdersLikeTheHash(t *testing.T) {
	k, err := routing.NewRanking(routing.ByIdle, 0x0102030405060708, []string{"ann", "bo", "cy", "李"}, []int{1, 1, 1, 1})
	require.NoError(t, err)
	fnv := func(seed uint64, id string) uint64 {
		h := uint64(14695981039346656037)
		for i := range 8 {
			h = (h ^ uint64(byte(seed>>(8*i)))) * 1099511628211
		}
		for _, b := range []byte(id) {
			h = (h ^ uint64(b)) * 1099511628211
		}
		return h
	}
	for i := range k.Len() {
		assert.Equal(t, int64(fnv(0x0102030405060708, k.Agent(i))^(1<<63)), k.TieKey(i), k.Agent(i))
		for j := range k.Len() {
			assert.Equal(t, cmp.Compare(fnv(0x0102030405060708, k.Agent(i)), fnv(0x0102030405060708, k.Agent(j))),
				cmp.Compare(k.TieKey(i), k.TieKey(j)))
		}
	}
	assert.Equal(t, big.NewInt(1), (*routing.Ranking)(nil).ShareScale())
	assert.Zero(t, k.TieKey(99), "out of range")
	assert.Equal(t, "", k.Agent(-1))
}
