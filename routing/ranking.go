package routing

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// Order is the primary key by which a Ranking lines up a pool's agents.
type Order uint8

// The orders, one per strategy whose ranking does not depend on the
// request or on the clock.
const (
	// ByLoad puts the fewest work units held first (least_loaded).
	ByLoad Order = iota + 1
	// ByFreeShare puts the highest share of capacity free first; no limit
	// counts as all free (most_free_capacity).
	ByFreeShare
	// ByIdle puts the agent assigned longest ago first (round_robin). It
	// is the tie-break of the other orders made the whole order.
	ByIdle
)

// String returns the order's name: "by_load", "by_free_share" or "by_idle".
func (o Order) String() string {
	switch o {
	case ByLoad:
		return "by_load"
	case ByFreeShare:
		return "by_free_share"
	case ByIdle:
		return "by_idle"
	}
	return fmt.Sprintf("Order(%d)", uint8(o))
}

// Ranking describes the line a pool's agents stand in: who, with what
// capacity, in which order. A Router builds one for each pool it can rank
// and hands it to a Ranker; hosts build them with NewRanking to test their
// own Ranker. A Ranking is immutable and safe for concurrent use.
//
// Agents are ordered by the Order's key, then by the fair tie-break every
// strategy shares: the agent assigned longer ago first (AgentStats.Last,
// then AgentStats.Seq for assignments recorded at the same instant), then
// the lower FNV-1a hash of (seed, agent ID), then the agent ID. The order
// is total, so any two correct Rankers line agents up identically.
type Ranking struct {
	key    string
	order  Order
	agents []string
	caps   []int
	hashes []uint64
}

// NewRanking returns the ranking of agents, with their capacities (0: no
// limit), by order, salted with seed. Agent IDs must be distinct and
// non-empty.
func NewRanking(order Order, seed uint64, agents []string, capacities []int) (*Ranking, error) {
	switch {
	case order < ByLoad || order > ByIdle:
		return nil, fmt.Errorf("routing: ranking: unknown order %d", order)
	case len(agents) != len(capacities):
		return nil, fmt.Errorf("routing: ranking: %d agents but %d capacities", len(agents), len(capacities))
	}
	seen := make(map[string]bool, len(agents))
	for i, id := range agents {
		switch {
		case id == "":
			return nil, fmt.Errorf("routing: ranking: agents[%d] has no ID", i)
		case seen[id]:
			return nil, fmt.Errorf("routing: ranking: duplicate agent %q", id)
		case capacities[i] < 0:
			return nil, fmt.Errorf("routing: ranking: agent %q has negative capacity", id)
		}
		seen[id] = true
	}
	k := &Ranking{order: order, agents: slices.Clone(agents), caps: slices.Clone(capacities),
		hashes: make([]uint64, len(agents))}
	h := fnv.New128a()
	var buf [8]byte
	h.Write([]byte{byte(order)})
	binary.LittleEndian.PutUint64(buf[:], seed)
	h.Write(buf[:])
	for i, id := range k.agents {
		k.hashes[i] = agentHash(seed, id)
		h.Write([]byte(id))
		binary.LittleEndian.PutUint64(buf[:], uint64(k.caps[i]))
		h.Write(buf[:])
		h.Write([]byte{0})
	}
	k.key = string(h.Sum(nil))
	return k, nil
}

// Key identifies the ranking's content: two rankings with equal keys have
// the same order, seed, agents and capacities (it is a 128-bit hash), so a
// store may keep one line for both.
func (k *Ranking) Key() string { return k.key }

// Order returns the ranking's primary key.
func (k *Ranking) Order() Order { return k.order }

// Len returns the number of agents.
func (k *Ranking) Len() int { return len(k.agents) }

// Agent returns the ID of agent i, 0 ≤ i < Len.
func (k *Ranking) Agent(i int) string { return k.agents[i] }

// Capacity returns the capacity of agent i (0: no limit).
func (k *Ranking) Capacity(i int) int { return k.caps[i] }

// Compare orders agent i, whose workload is a, against agent j, whose
// workload is b: negative when i stands ahead of j in the line, positive
// when behind, 0 only when i == j.
func (k *Ranking) Compare(i int, a AgentStats, j int, b AgentStats) int {
	var c int
	switch k.order {
	case ByLoad:
		c = cmp.Compare(a.Load, b.Load)
	case ByFreeShare:
		c = compareFree(k.caps[i], a.Load, k.caps[j], b.Load)
	}
	if c != 0 {
		return c
	}
	return tieBreak(a, k.hashes[i], b, k.hashes[j])
}

// tieBreak is the fair rule every strategy ends with: assigned longer ago
// first, then the lower hash, then the lower ID.
func tieBreak(a AgentStats, ha uint64, b AgentStats, hb uint64) int {
	if c := a.Last.Compare(b.Last); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	if c := cmp.Compare(ha, hb); c != 0 {
		return c
	}
	return strings.Compare(a.Agent, b.Agent)
}

// compareFree orders by share of capacity free, highest first, exactly
// (cross-multiplied, no floating point). Capacity 0 counts as all free.
func compareFree(capA, loadA, capB, loadB int) int {
	switch {
	case capA <= 0 && capB <= 0:
		return 0
	case capA <= 0: // a is all free: ahead unless b is too
		return -cmp.Compare(capB, capB-loadB)
	case capB <= 0:
		return cmp.Compare(capA, capA-loadA)
	}
	return -cmp.Compare(int64(capA-loadA)*int64(capB), int64(capB-loadB)*int64(capA))
}

// agentHash is FNV-1a (64-bit) over the seed's eight bytes and the agent ID.
func agentHash(seed uint64, agent string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for i := range 8 {
		h = (h ^ uint64(byte(seed>>(8*i)))) * prime
	}
	for i := 0; i < len(agent); i++ {
		h = (h ^ uint64(agent[i])) * prime
	}
	return h
}

// Ranked is one agent's place in a Ranking's line.
type Ranked struct {
	// Index is the agent's index in the Ranking.
	Index int
	AgentStats
}

// Ranker is an optional capability of a Store: it keeps each pool's line
// up to date as work is reserved, released and moved, so a Router examines
// the few agents at the front instead of reading every member's workload.
// MemoryStore implements it with a heap per ranking. A Router uses a Ranker
// for least_loaded, most_free_capacity and round_robin pools of more than 32
// agents; it decides exactly as it would by reading every workload, and
// routingtest.TestStore checks a Ranker's lines against that.
type Ranker interface {
	// Rank appends to dst the agents standing at positions skip to
	// skip+n-1 of k's line (fewer at its end), front first, as
	// Ranking.Compare orders them at one instant, with their Load, Last and
	// Seq (Recent may be left 0). Rank changes nothing.
	Rank(ctx context.Context, k *Ranking, skip, n int, dst []Ranked) ([]Ranked, error)
}

// RankByStats implements Rank for any Store by reading every agent's
// workload and sorting: correct and slow, a reference for Rankers and a
// fallback for stores without a faster way.
func RankByStats(ctx context.Context, s Store, k *Ranking, skip, n int, dst []Ranked) ([]Ranked, error) {
	if skip < 0 || n < 0 {
		return dst, fmt.Errorf("routing: rank: negative skip or count")
	}
	st, err := s.Stats(ctx, k.agents, time.Time{}, nil)
	if err != nil {
		return dst, err
	}
	idx := make([]int, len(st))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return k.Compare(i, st[i], j, st[j]) })
	for p := skip; p < len(idx) && p < skip+n; p++ {
		i := idx[p]
		s := st[i]
		s.Recent = 0
		dst = append(dst, Ranked{Index: i, AgentStats: s})
	}
	return dst, nil
}
