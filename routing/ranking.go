package routing

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
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
// own Ranker. A Ranking is immutable and safe for concurrent use; its
// methods return zero values for a nil Ranking or an index out of range.
//
// Agents are ordered by the Order's key, then by the fair tie-break every
// strategy shares: the agent assigned longer ago first (AgentStats.Last,
// then AgentStats.Seq for assignments recorded at the same instant), then
// the lower tie key (TieKey: a salted hash of the agent ID, so equally
// placed agents take turns in an order no list position decides), then the
// agent ID, byte by byte. The order is total, so any two correct Rankers line
// agents up identically.
//
// # The line in SQL
//
// A store that keeps, per agent, load, last (the latest assignment time,
// NULL if never) and seq, and per ranking its agents with cap =
// Capacity(i) and tie_key = TieKey(i) (a bigint), has the line exactly
// with these orderings, all ascending:
//
//	by_load:       ORDER BY load, last NULLS FIRST, seq, tie_key, agent COLLATE "C"
//	by_free_share: ORDER BY CASE WHEN cap < 0 THEN 0
//	                        ELSE div(load::numeric * :scale, cap) END,
//	                        last NULLS FIRST, seq, tie_key, agent COLLATE "C"
//	by_idle:       ORDER BY last NULLS FIRST, seq, tie_key, agent COLLATE "C"
//
// where :scale is ShareScale(). A never-assigned agent (zero Last, Seq 0)
// stands before everyone assigned; COLLATE "C" compares bytes, as Go does.
// The free-share key is the used share load/cap scaled by the square of the
// largest capacity and rounded down: two different shares of capacities up
// to C differ by at least 1/C², so the scaled keys differ by at least one
// and order exactly as the shares do, with integer arithmetic only (a
// numeric quotient would round). No limit counts as all free, key 0.
type Ranking struct {
	key    string
	order  Order
	agents []string
	caps   []int
	hashes []uint64
	memo   atomic.Pointer[lineMemo] // the MemoryStore line last walked for it
}

// lineMemo remembers which line of which MemoryStore a Ranking stands for,
// so that a walk finds it without hashing the key.
type lineMemo struct {
	s *MemoryStore
	l *line
}

// NewRanking returns the ranking of agents, with their capacities (a
// negative capacity, NoLimit, means no limit; 0 is refused: an agent that
// can hold nothing stands in no line), by order, salted with seed. Agent IDs
// must be distinct and non-empty.
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
		case capacities[i] == 0:
			return nil, fmt.Errorf("routing: ranking: agent %q has capacity 0", id)
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
		if k.caps[i] < 0 {
			k.caps[i] = NoLimit
		}
		k.hashes[i] = agentHash(seed, id)
		h.Write([]byte(id))
		binary.LittleEndian.PutUint64(buf[:], uint64(k.caps[i]))
		h.Write(buf[:])
		h.Write([]byte{0})
	}
	k.key = string(h.Sum(nil))
	return k, nil
}

func (k *Ranking) has(i int) bool { return k != nil && i >= 0 && i < len(k.agents) }

// Key identifies the ranking's content: two rankings with equal keys have
// the same order, seed, agents and capacities (it is a 128-bit hash), so a
// store may keep one line for both.
func (k *Ranking) Key() string {
	if k == nil {
		return ""
	}
	return k.key
}

// Order returns the ranking's primary key.
func (k *Ranking) Order() Order {
	if k == nil {
		return 0
	}
	return k.order
}

// Len returns the number of agents.
func (k *Ranking) Len() int {
	if k == nil {
		return 0
	}
	return len(k.agents)
}

// Agent returns the ID of agent i, 0 ≤ i < Len.
func (k *Ranking) Agent(i int) string {
	if !k.has(i) {
		return ""
	}
	return k.agents[i]
}

// Capacity returns the capacity of agent i: at least 1, or NoLimit.
func (k *Ranking) Capacity(i int) int {
	if !k.has(i) {
		return 0
	}
	return k.caps[i]
}

// TieKey returns agent i's tie key: the FNV-1a hash (64-bit) of the seed's
// eight bytes, little-endian, followed by the agent ID, with its top bit
// flipped so that comparing keys as signed 64-bit integers (a bigint
// column) orders them as the hashes compare unsigned.
func (k *Ranking) TieKey(i int) int64 {
	if !k.has(i) {
		return 0
	}
	return int64(k.hashes[i] ^ (1 << 63))
}

// ShareScale returns the scale of the by_free_share key in SQL (see
// Ranking): the square of the largest capacity among the agents with a
// limit, or 1 when none has one.
func (k *Ranking) ShareScale() *big.Int {
	largest := int64(1)
	if k != nil {
		for _, c := range k.caps {
			largest = max(largest, int64(c))
		}
	}
	s := big.NewInt(largest)
	return s.Mul(s, s)
}

// Compare orders agent i, whose workload is a, against agent j, whose
// workload is b: negative when i stands ahead of j in the line, positive
// when behind, 0 only when i == j (or either is out of range).
func (k *Ranking) Compare(i int, a AgentStats, j int, b AgentStats) int {
	if !k.has(i) || !k.has(j) {
		return 0
	}
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
	return tieBreak(&a, k.hashes[i], &b, k.hashes[j])
}

// tieBreak is the fair rule every strategy ends with: assigned longer ago
// first, then the lower hash, then the lower ID.
func tieBreak(a *AgentStats, ha uint64, b *AgentStats, hb uint64) int {
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
// (cross-multiplied in 128 bits, no floating point, no overflow). A negative
// capacity (no limit) counts as all free; a negative load as none.
func compareFree(capA, loadA, capB, loadB int) int {
	freeA, ca := freeShare(capA, loadA)
	freeB, cb := freeShare(capB, loadB)
	// freeA/ca > freeB/cb ⇔ freeA·cb > freeB·ca (ca, cb > 0).
	return -compareProducts(freeA, cb, freeB, ca)
}

// freeShare returns an agent's free share as a fraction free/cap, cap > 0.
func freeShare(capacity, load int) (free int64, cap64 int64) {
	if capacity < 0 {
		return 1, 1
	}
	if capacity == 0 {
		return 0, 1 // holds nothing: no share free
	}
	return int64(capacity) - int64(max(load, 0)), int64(capacity)
}

// compareProducts compares a·b with c·d for b, d > 0, exactly.
func compareProducts(a, b, c, d int64) int {
	sa, sc := cmp.Compare(a, 0), cmp.Compare(c, 0)
	if sa != sc || sa == 0 {
		return cmp.Compare(sa, sc)
	}
	ua, uc := absU(a), absU(c)
	hi1, lo1 := bits.Mul64(ua, uint64(b))
	hi2, lo2 := bits.Mul64(uc, uint64(d))
	r := cmp.Compare(hi1, hi2)
	if r == 0 {
		r = cmp.Compare(lo1, lo2)
	}
	return sa * r
}

func absU(x int64) uint64 {
	if x < 0 {
		if x == math.MinInt64 {
			return 1 << 63
		}
		return uint64(-x)
	}
	return uint64(x)
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
// MemoryStore implements it with a heap per ranking; an SQL store with the
// orderings given under Ranking. A Router uses a Ranker for least_loaded,
// most_free_capacity and round_robin pools of any size; it decides exactly
// as it would by reading every workload, and
// routingtest.TestStore checks a Ranker's lines against RankByStats.
type Ranker interface {
	// Rank appends to dst the agents standing at positions skip to
	// skip+n-1 of k's line (fewer at its end), front first, as
	// Ranking.Compare orders them at one instant, with their Load, Last and
	// Seq (Recent may be left 0). Rank changes nothing that a Router or
	// Stats can see. A negative skip or n is an error.
	Rank(ctx context.Context, k *Ranking, skip, n int, dst []Ranked) ([]Ranked, error)
}

// RankingCloser is an optional capability of a Ranker that keeps state per
// Ranking (MemoryStore keeps a heap): CloseRanking drops what it keeps for
// k, which the Router that asked for it no longer needs (see Router.Close).
// A later Rank with an equal Ranking must still work, rebuilding the line.
type RankingCloser interface {
	CloseRanking(ctx context.Context, k *Ranking) error
}

// LineReserver is an optional capability of a Ranker whose store lives in
// the Router's process (MemoryStore): it walks a line and reserves in one
// atomic step, asking the caller about each agent as the walk reaches it,
// so that a decision takes the line's lock once instead of once to rank
// and once to reserve. A Router uses it for the pools it walks (see
// Router) when it offers windows of one and has no host filters (a filter
// is host code, which does not run under a store's lock); otherwise it
// ranks and reserves in separate calls, which decide the same.
//
// A store whose reservations cross a network cannot call back into the
// Router in the middle of a statement, and does not implement it.
type LineReserver interface {
	// ReserveFromLine gives o.Item to the first agent that examine takes:
	// the candidates of o.Window first, in order, then the agents of k's
	// line, front first, as Ranker.Rank would list them at that instant.
	// examine gets each agent's current workload (Load, Last and Seq;
	// Index is -1 for the window's candidates, which need not stand in the
	// line, and the agent's index in k for the line's); no reservation
	// from the same line comes between what examine sees and the
	// reservation. A release may, and only frees room; a reservation or
	// move made otherwise (through another line the agent stands in, or
	// Reserve) may raise the load meanwhile, which the capacity check,
	// atomic with the reservation, still sees.
	//
	// The rules:
	//   - If o.Item is already assigned, change nothing, do not call
	//     examine, and return the existing assignment with created false.
	//   - examine returns LineTake to reserve for the agent if its load
	//     plus o.Units fits its capacity (the candidate's Capacity, or
	//     k.Capacity(Index)); the walk goes on when it does not fit.
	//     LineSkip passes the agent over, LineStop ends the walk.
	//   - A taken agent gets the work atomically with the check, as
	//     WindowReserver.ReserveFirst gives it, and the call returns the
	//     assignment with created true. An agent of the window is
	//     examined again where it stands in the line.
	//   - ErrOverCapacity, with nothing recorded, when the walk ends or
	//     stops without a reservation.
	//   - examine runs while the store holds the line's lock: it must be quick,
	//     must not block and must not call the store.
	//   - A nil ranking or examine, an offer without an item or with
	//     negative units, or a candidate without an agent is an error
	//     wrapping ErrStore, with nothing changed.
	ReserveFromLine(ctx context.Context, k *Ranking, o Offer, examine func(Ranked) LineVerdict) (a Assignment, created bool, err error)
}

// LineVerdict is what a LineReserver's examine function says of an agent.
type LineVerdict uint8

// The verdicts.
const (
	LineSkip LineVerdict = iota // pass the agent over and go on
	LineTake                    // reserve for the agent if it has room, else go on
	LineStop                    // end the walk without reserving
)

// RankByStats returns a Ranker for any Store, which reads every agent's
// workload and sorts: correct and slow, the reference for Rankers and a
// fallback for stores without a faster way.
func RankByStats(s Store) Ranker { return statsRanker{s} }

type statsRanker struct{ s Store }

func (sr statsRanker) Rank(ctx context.Context, k *Ranking, skip, n int, dst []Ranked) ([]Ranked, error) {
	switch {
	case sr.s == nil || k == nil:
		return dst, errors.New("routing: rank needs a store and a ranking")
	case skip < 0 || n < 0:
		return dst, fmt.Errorf("routing: rank: negative skip or count")
	}
	st, err := sr.s.Stats(ctx, k.agents, time.Time{}, nil)
	if err != nil {
		return dst, err
	}
	idx := make([]int, len(st))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return k.Compare(i, st[i], j, st[j]) })
	for p := skip; p < len(idx) && p-skip < n; p++ {
		i := idx[p]
		s := st[i]
		s.Recent = 0
		dst = append(dst, Ranked{Index: i, AgentStats: s})
	}
	return dst, nil
}
