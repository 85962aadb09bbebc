package routing

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
)

// arity is how many children a node of a line's heap has: four halves the
// depth of a binary heap, and so the entries a change moves, for as many
// comparisons.
const arity = 4

// line is MemoryStore's heap for one Ranking (a 4-ary heap), front at
// heap[0]. Each entry
// carries a copy of its agent's sort key, so that sifting compares
// neighbouring memory rather than chasing pointers.
type line struct {
	k    *Ranking
	heap []lineEntry
	pos  []int32       // pos[i]: where ranking index i sits in heap
	sts  []*agentState // by ranking index
	used uint64        // MemoryStore.clock when last ranked from
	// dropped: the store forgot the line (see MemoryStore.drop).
	dropped bool
	// front is walk's scratch; the store's lock guards it like the rest.
	front []int32
	// hint is the ranking index at heap[0] (-1 when empty), kept by every
	// change for readers without the lock (MemoryStore.frontHint), on a
	// cache line of its own: the fields above are read under the lock
	// and should not move between cores each time the front changes.
	_    [64]byte
	hint atomic.Int32
	_    [60]byte
}

type lineEntry struct {
	load int
	sec  int64 // Last as seconds and nanoseconds: ordered like time.Compare
	seq  uint64
	nsec int32
	idx  int32 // ranking index; the capacity and tie hash are the ranking's
}

func (e *lineEntry) set(a *agentState) {
	e.load, e.sec, e.nsec, e.seq = a.units(), a.last.Unix(), int32(a.last.Nanosecond()), a.seq
}

// less is Ranking.Compare(x, …, y, …) < 0 on the copied keys. An entry is
// 32 bytes, two to a cache line with its siblings: what a sift reads is
// what the other core wrote last, so the fewer lines the better.
func (l *line) less(x, y *lineEntry) bool {
	k := l.k
	switch k.order {
	case ByLoad:
		if x.load != y.load {
			return x.load < y.load
		}
	case ByFreeShare:
		if c := compareFree(k.caps[x.idx], x.load, k.caps[y.idx], y.load); c != 0 {
			return c < 0
		}
	}
	switch {
	case x.sec != y.sec:
		return x.sec < y.sec
	case x.nsec != y.nsec:
		return x.nsec < y.nsec
	case x.seq != y.seq:
		return x.seq < y.seq
	}
	if hx, hy := k.hashes[x.idx], k.hashes[y.idx]; hx != hy {
		return hx < hy
	}
	return k.agents[x.idx] < k.agents[y.idx]
}

// up moves the entry at p towards the front while it ranks ahead of its
// parent, moving parents down into the hole rather than swapping, and
// reports whether it moved.
func (l *line) up(p int) bool {
	h := l.heap
	e := h[p]
	start := p
	for p > 0 {
		parent := (p - 1) / arity
		if !l.less(&e, &h[parent]) {
			break
		}
		h[p] = h[parent]
		l.pos[h[p].idx] = int32(p)
		p = parent
	}
	h[p] = e
	l.pos[e.idx] = int32(p)
	return p != start
}

// down moves the entry at p away from the front while a child ranks ahead
// of it, moving children up into the hole.
func (l *line) down(p int) {
	h := l.heap
	e := h[p]
	for {
		first := arity*p + 1
		if first >= len(h) {
			break
		}
		c := first // the child that ranks first
		for k := first + 1; k < min(first+arity, len(h)); k++ {
			if l.less(&h[k], &h[c]) {
				c = k
			}
		}
		if !l.less(&h[c], &e) {
			break
		}
		h[p] = h[c]
		l.pos[h[p].idx] = int32(p)
		p = c
	}
	h[p] = e
	l.pos[e.idx] = int32(p)
}

// update copies agent i's new workload in and restores the heap.
func (l *line) update(i int32, a *agentState) {
	p := int(l.pos[i])
	l.heap[p].set(a)
	if !l.up(p) {
		l.down(p)
	}
	l.hinted()
}

// hinted publishes the front for frontHint, if it changed.
func (l *line) hinted() {
	f := int32(-1)
	if len(l.heap) > 0 {
		f = l.heap[0].idx
	}
	if l.hint.Load() != f {
		l.hint.Store(f)
	}
}

// frontHint returns the ranking index that stood at the front of k's line
// when it last changed, or -1 if s keeps no line for k. It reads no lock,
// so another reservation may have moved that agent back by the time the
// caller takes the lock: a Router uses it to do what it can before then
// (see call.examine), never to decide.
func (s *MemoryStore) frontHint(k *Ranking) int {
	if m := k.memo.Load(); m != nil && m.s == s {
		return int(m.l.hint.Load())
	}
	return -1
}

// walk appends the agents at positions skip … skip+n-1 of the line. It
// enumerates the heap in order without changing it: a small second heap
// holds the frontier (heap positions whose parents were already emitted),
// so the first m agents cost O(m log m).
func (l *line) walk(skip, n int, dst []Ranked) []Ranked {
	if skip == 0 && n == 1 { // the front alone, as a Router asks first
		return l.emit(dst, l.heap[0].idx)
	}
	front := append(l.front[:0], 0)
	defer func() { l.front = front[:0] }()
	for emitted := 0; len(front) > 0 && emitted < skip+n; emitted++ {
		var p int32
		p, front = l.next(front)
		if emitted >= skip {
			dst = l.emit(dst, l.heap[p].idx)
		}
	}
	return dst
}

// next takes the front position off the frontier, puts its children on,
// and returns it with the frontier.
func (l *line) next(front []int32) (int32, []int32) {
	p, front := l.pop(front)
	return p, l.children(p, front)
}

// pop takes the front position off a non-empty frontier.
func (l *line) pop(front []int32) (int32, []int32) {
	p := front[0]
	last := len(front) - 1
	front[0] = front[last]
	front = front[:last]
	l.frontDown(front)
	return p, front
}

// children puts the children of heap position p on the frontier.
func (l *line) children(p int32, front []int32) []int32 {
	for c := arity*p + 1; c <= arity*p+arity && int(c) < len(l.heap); c++ {
		front = append(front, c)
		l.frontUp(front)
	}
	return front
}

func (l *line) emit(dst []Ranked, i int32) []Ranked {
	a := l.sts[i]
	return append(dst, Ranked{Index: int(i), AgentStats: AgentStats{Agent: l.k.agents[i], Load: a.units(), Last: a.last, Seq: a.seq}})
}

// frontUp sifts the frontier's last position up.
func (l *line) frontUp(h []int32) {
	for q := len(h) - 1; q > 0; {
		parent := (q - 1) / 2
		if !l.less(&l.heap[h[q]], &l.heap[h[parent]]) {
			return
		}
		h[q], h[parent] = h[parent], h[q]
		q = parent
	}
}

// frontDown sifts the frontier's first position down.
func (l *line) frontDown(h []int32) {
	for q := 0; ; {
		c := 2*q + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && l.less(&l.heap[h[c+1]], &l.heap[h[c]]) {
			c++
		}
		if !l.less(&l.heap[h[c]], &l.heap[h[q]]) {
			return
		}
		h[q], h[c] = h[c], h[q]
		q = c
	}
}

// lineFor returns the line for k, building it from the agents' current
// workloads the first time.
func (s *MemoryStore) lineFor(k *Ranking) *line {
	if l, ok := s.lines[k.key]; ok {
		return l
	}
	n := len(k.agents)
	l := &line{k: k, heap: make([]lineEntry, n), pos: make([]int32, n), sts: make([]*agentState, n)}
	for i, id := range k.agents {
		a := s.agent(id)
		a.lines = append(a.lines, lineRef{l, int32(i)})
		l.sts[i] = a
		l.heap[i] = lineEntry{idx: int32(i)}
		l.heap[i].set(a)
		l.pos[i] = int32(i)
	}
	for p := (n - 2) / arity; n > 1 && p >= 0; p-- {
		l.down(p)
	}
	l.hint.Store(-1)
	l.hinted()
	s.lines[k.key] = l
	return l
}

const sweepEvery = 1 << 16

// sweep drops the lines not ranked from since the previous sweep.
func (s *MemoryStore) sweep() {
	prev := s.swept
	s.swept = s.clock
	for _, l := range s.lines {
		if l.used <= prev {
			s.drop(l)
		}
	}
}

// drop forgets line l and unlinks it from its agents.
func (s *MemoryStore) drop(l *line) {
	for i, a := range l.sts {
		for j, r := range a.lines {
			if r.l == l && r.i == int32(i) {
				a.lines = slices.Delete(a.lines, j, j+1)
				break
			}
		}
	}
	delete(s.lines, l.k.key)
	l.dropped = true
}

// Rank implements Ranker.
func (s *MemoryStore) Rank(ctx context.Context, k *Ranking, skip, n int, dst []Ranked) ([]Ranked, error) {
	if k == nil || skip < 0 || n < 0 {
		return dst, StoreError("rank", errors.New("rank needs a ranking, skip ≥ 0 and n ≥ 0"))
	}
	if err := s.lock(ctx, "rank"); err != nil {
		return dst, err
	}
	defer s.mu.Unlock()
	l := s.walked(k)
	if n == 0 || skip >= len(l.heap) {
		return dst, nil
	}
	return l.walk(skip, n, dst), nil
}

// ReserveFromLine implements LineReserver, under one acquisition of the
// workload lock.
func (s *MemoryStore) ReserveFromLine(ctx context.Context, k *Ranking, o Offer, examine func(Ranked) LineVerdict) (Assignment, bool, error) {
	if k == nil || examine == nil {
		return Assignment{}, false, StoreError("reserve", errors.New("a line reservation needs a ranking and an examine function"))
	}
	if err := o.check(); err != nil {
		return Assignment{}, false, err
	}
	sh, err := s.lockItem(ctx, "reserve", o.Item)
	if err != nil {
		return Assignment{}, false, err
	}
	defer sh.mu.Unlock()
	if h, ok := sh.items[o.Item]; ok {
		return h.Assignment, false, nil
	}
	s.lockWork()
	h, ok := s.takeFromLine(k, &o, examine)
	s.mu.Unlock()
	if !ok {
		return Assignment{}, false, ErrOverCapacity
	}
	sh.items[h.Item] = h
	return h.Assignment, true, nil
}

// takeFromLine examines o's window, then k's line, and records the
// assignment to the first agent examine takes that has room; the caller
// holds the workload lock and the item's.
func (s *MemoryStore) takeFromLine(k *Ranking, o *Offer, examine func(Ranked) LineVerdict) (held, bool) {
	for _, c := range o.Window {
		st := s.agents[c.Agent]
		rk := Ranked{Index: -1, AgentStats: AgentStats{Agent: c.Agent}}
		if st != nil {
			rk.Load, rk.Last, rk.Seq = st.units(), st.last, st.seq
		}
		switch examine(rk) {
		case LineStop:
			return held{}, false
		case LineTake:
			if fits(loadOf(st), o.Units, c.Capacity) {
				return s.takeFor(st, o, c.Agent), true
			}
		}
	}
	l := s.walked(k)
	if len(l.heap) == 0 {
		return held{}, false
	}
	var buf [32]int32 // the frontier, on the stack unless the walk goes far
	front := buf[:0]
	for p := int32(0); ; {
		i := l.heap[p].idx
		st := l.sts[i]
		load := st.units()
		switch examine(Ranked{Index: int(i), AgentStats: AgentStats{Agent: l.k.agents[i], Load: load, Last: st.last, Seq: st.seq}}) {
		case LineStop:
			return held{}, false
		case LineTake:
			if fits(st.units(), o.Units, l.k.caps[i]) { // a release may have made room since
				return s.take(st, Assignment{Item: o.Item, Customer: o.Customer, Agent: l.k.agents[i], Pool: o.Pool, Units: o.Units, At: o.At}), true
			}
		}
		// On to the next agent: the front of the frontier, once p's
		// children are on it (not before: the first agent is usually taken).
		if front = l.children(p, front); len(front) == 0 {
			return held{}, false
		}
		p, front = l.pop(front)
	}
}

// walked returns k's line for a walk, counting the walk for the sweep of
// unused lines; the caller holds the workload lock.
func (s *MemoryStore) walked(k *Ranking) *line {
	s.clock++
	if s.clock-s.swept > sweepEvery {
		s.sweep()
	}
	var l *line
	if m := k.memo.Load(); m != nil && m.s == s && !m.l.dropped {
		l = m.l
	} else {
		l = s.lineFor(k)
		k.memo.Store(&lineMemo{s: s, l: l})
	}
	if l.used <= s.swept { // once per sweep: a write on every walk would move the line's cache line between cores
		l.used = s.clock
	}
	return l
}

// CloseRanking implements RankingCloser: it drops k's line now.
func (s *MemoryStore) CloseRanking(ctx context.Context, k *Ranking) error {
	if k == nil {
		return nil
	}
	if err := s.lock(ctx, "close ranking"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if l, ok := s.lines[k.key]; ok {
		s.drop(l)
	}
	return nil
}

// lineCount reports how many lines the store keeps, for tests.
func (s *MemoryStore) lineCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.lines)
}
