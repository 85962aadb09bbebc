package routing

import (
	"context"
	"errors"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// arity is how many children a node of a line's heap has: four halves the
// depth of a binary heap, and so the entries a change moves, for as many
// comparisons.
const arity = 4

// line is MemoryStore's heap for one Ranking (a 4-ary heap), front at
// heap[0], behind a lock of its own. Each entry carries a copy of its
// agent's sort key, so that sifting compares neighbouring memory rather
// than chasing pointers.
type line struct {
	mu   sync.Mutex // guards heap, pos, epoch, walks and front; k and sts never change
	k    *Ranking
	heap []lineEntry
	pos  []int32       // pos[i]: where ranking index i sits in heap
	sts  []*agentState // by ranking index
	// epoch is MemoryStore.epoch when the line was last walked, walks the
	// walks not yet added to MemoryStore.clock (see counted).
	epoch uint64
	walks uint64
	// dropped: the store forgot the line (see MemoryStore.drop); set
	// under mu, read without it by those looking for a line.
	dropped atomic.Bool
	// front is walk's scratch.
	front []int32
	// noted[i] is the ranking index noted after i (plus one, 0 for none)
	// in the list whose head is changes; marked[i] says whether i is in
	// it (unnoted, noting, listed). Anyone may note an agent (see note);
	// the holder of mu takes the whole list (see drain).
	noted  []int32
	marked []atomic.Int32
	// hint is the ranking index at heap[0] (-1 when empty), kept by the
	// holder of mu for readers without it (MemoryStore.frontHint), and
	// changes the head of the list of agents noted, which anyone writes:
	// both read or written by others than the holder of mu, so on a cache
	// line of their own, away from what the holder alone reads.
	_       [64]byte
	hint    atomic.Int32
	changes atomic.Int32
	_       [56]byte
}

type lineEntry struct {
	load int
	sec  int64 // Last as seconds and nanoseconds: ordered like time.Compare
	seq  uint64
	nsec int32
	idx  int32 // ranking index; the capacity and tie hash are the ranking's
}

func (e *lineEntry) set(load int, last time.Time, seq uint64) {
	e.load, e.sec, e.nsec, e.seq = load, last.Unix(), int32(last.Nanosecond()), seq
}

// last returns the entry's last assignment time, in UTC (zero if never).
func (e *lineEntry) last() time.Time {
	if e.sec == zeroSec && e.nsec == 0 {
		return time.Time{}
	}
	return time.Unix(e.sec, int64(e.nsec)).UTC()
}

// zeroSec is the zero time in Unix seconds.
var zeroSec = time.Time{}.Unix()

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

// update copies agent i's new workload in and restores the heap; the
// caller holds l.mu.
func (l *line) update(i int32, a *agentState) {
	p := int(l.pos[i])
	l.heap[p].load, l.heap[p].sec, l.heap[p].nsec, l.heap[p].seq = a.units(), a.key.sec.Load(), a.key.nsec.Load(), a.key.seq.Load()
	l.restore(p)
}

// place gives agent i the workload load, last, seq and restores the heap;
// the caller holds l.mu.
func (l *line) place(i int32, load int, last time.Time, seq uint64) {
	p := int(l.pos[i])
	l.heap[p].set(load, last, seq)
	l.restore(p)
}

// restore moves the entry at p to its place after its key changed.
func (l *line) restore(p int) {
	if !l.up(p) {
		l.down(p)
	}
	l.hinted()
}

// How an agent stands in a line's list of agents noted (line.marked).
const (
	unnoted int32 = iota // not in the list
	noting               // being put in it by one noter
	listed               // in it
)

// note notes that agent i's workload changed, for the holder of l.mu to
// put it back in place before the line is next walked (see drain). It
// takes no lock: Release calls it while others walk the line. It returns
// only once i is in the list: a noter that finds another putting i there
// waits for it, so a walk that begins after note returns sees the change.
func (l *line) note(i int32) {
	for {
		switch l.marked[i].Load() {
		case listed:
			return // the drain will read the new workload
		case noting:
			runtime.Gosched() // another noter is about to list i
		default:
			if l.marked[i].CompareAndSwap(unnoted, noting) {
				l.push(i)
				return
			}
		}
	}
}

// push puts i, which its caller marked noting, at the head of the list
// and marks it listed.
func (l *line) push(i int32) {
	for {
		head := l.changes.Load()
		l.noted[i] = head
		if l.changes.CompareAndSwap(head, i+1) {
			l.marked[i].Store(listed)
			return
		}
	}
}

// drain puts every agent noted since the last drain back in its place,
// from its workload now; the caller holds l.mu.
func (l *line) drain() {
	if l.changes.Load() == 0 {
		return
	}
	for n := l.changes.Swap(0); n != 0; {
		i := n - 1
		n = l.noted[i]
		// Unmark i before reading the workload, so that a later change
		// notes it again; its noter may not have marked it listed yet.
		for !l.marked[i].CompareAndSwap(listed, unnoted) {
			runtime.Gosched()
		}
		l.update(i, l.sts[i])
	}
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
		return l.emit(dst, 0)
	}
	front := append(l.front[:0], 0)
	defer func() { l.front = front[:0] }()
	for emitted := 0; len(front) > 0 && emitted < skip+n; emitted++ {
		var p int32
		p, front = l.next(front)
		if emitted >= skip {
			dst = l.emit(dst, p)
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

// emit appends the agent at heap position p: its load now, and its last
// assignment as the line has it (the same, since the line was drained
// before the walk, unless a change is under way elsewhere).
func (l *line) emit(dst []Ranked, p int32) []Ranked {
	e := &l.heap[p]
	return append(dst, Ranked{Index: int(e.idx), AgentStats: AgentStats{Agent: l.k.agents[e.idx], Load: l.sts[e.idx].units(), Last: e.last(), Seq: e.seq}})
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
// workloads the first time; the caller holds s.linesMu. The line stands in
// its agents' lists before their workloads are read, and is locked while
// it is built, so a change made meanwhile is noted on it.
func (s *MemoryStore) lineFor(k *Ranking) *line {
	if l, ok := s.lines[k.key]; ok {
		return l
	}
	if s.lines == nil {
		s.lines = map[string]*line{}
	}
	n := len(k.agents)
	l := &line{k: k, heap: make([]lineEntry, n), pos: make([]int32, n), sts: s.agents.getAll(k.agents),
		noted: make([]int32, n), marked: make([]atomic.Int32, n), epoch: s.epoch.Load()}
	l.mu.Lock() // before any agent lists it: a change cannot put an agent in place in a line half built
	defer l.mu.Unlock()
	for i, a := range l.sts {
		a.lines.Store(new(append(slices.Clip(a.refs()), lineRef{l, int32(i)})))
	}
	for i, a := range l.sts {
		last, seq := a.workload()
		l.heap[i] = lineEntry{idx: int32(i)}
		l.heap[i].set(a.units(), last, seq)
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

// walkBatch is how many walks of a line it adds to MemoryStore.clock at
// once: the clock is shared, the line's count not.
const walkBatch = 256

// counted counts a walk of l, whose lock the caller holds, and reports
// whether the clock passed a sweep's turn (the caller sweeps once it has
// let go of l).
func (s *MemoryStore) counted(l *line) bool {
	if e := s.epoch.Load(); l.epoch != e {
		l.epoch = e
	}
	if l.walks++; l.walks < walkBatch {
		return false
	}
	l.walks = 0
	c := s.clock.Add(walkBatch)
	return c%sweepEvery < walkBatch
}

// sweep drops the lines not walked since the previous sweep.
func (s *MemoryStore) sweep() {
	s.linesMu.Lock()
	defer s.linesMu.Unlock()
	prev := s.epoch.Add(1) - 1
	for _, key := range slices.Sorted(maps.Keys(s.lines)) {
		l := s.lines[key]
		l.mu.Lock()
		if l.epoch < prev {
			s.drop(l)
		}
		l.mu.Unlock()
	}
}

// drop forgets line l and unlinks it from its agents; the caller holds
// s.linesMu and l.mu.
func (s *MemoryStore) drop(l *line) {
	for _, a := range l.sts {
		refs := slices.DeleteFunc(slices.Clone(a.refs()), func(r lineRef) bool { return r.l == l })
		a.lines.Store(&refs)
	}
	delete(s.lines, l.k.key)
	l.dropped.Store(true)
}

// lock returns k's line, locked and drained for a walk, and whether the
// caller should sweep once it has let go of it.
func (s *MemoryStore) lock(k *Ranking) (*line, bool) {
	for {
		var l *line
		if m := k.memo.Load(); m != nil && m.s == s && !m.l.dropped.Load() {
			l = m.l
		} else {
			s.linesMu.Lock()
			l = s.lineFor(k)
			s.linesMu.Unlock()
			k.memo.Store(&lineMemo{s: s, l: l})
		}
		l.mu.Lock()
		if !l.dropped.Load() {
			l.drain()
			return l, s.counted(l)
		}
		l.mu.Unlock() // dropped meanwhile: look again
	}
}

// unlock lets go of l and sweeps if counted said so.
func (s *MemoryStore) unlock(l *line, sweep bool) {
	l.mu.Unlock()
	if sweep {
		s.sweep()
	}
}

// Rank implements Ranker.
func (s *MemoryStore) Rank(ctx context.Context, k *Ranking, skip, n int, dst []Ranked) ([]Ranked, error) {
	if k == nil || skip < 0 || n < 0 {
		return dst, StoreError("rank", errors.New("rank needs a ranking, skip ≥ 0 and n ≥ 0"))
	}
	if err := s.check(ctx, "rank"); err != nil {
		return dst, err
	}
	l, sweep := s.lock(k)
	if n > 0 && skip < len(l.heap) {
		dst = l.walk(skip, min(n, len(l.heap)-skip), dst) // skip+n may overflow
	}
	s.unlock(l, sweep)
	return dst, nil
}

// ReserveFromLine implements LineReserver, under one acquisition of the
// line's lock. A reservation through another line (or Reserve, or Move)
// may change an agent between what examine sees and the reservation; the
// capacity check stays atomic with the reservation.
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
	a, created, sweep, err := s.reserveItem(sh, k, &o, examine)
	if sweep { // after letting go of the item: a sweep takes every line's lock
		s.sweep()
	}
	return a, created, err
}

// reserveItem is ReserveFromLine once it holds the item's lock, which it
// lets go of; it also reports whether the caller should sweep.
func (s *MemoryStore) reserveItem(sh *itemShard, k *Ranking, o *Offer, examine func(Ranked) LineVerdict) (Assignment, bool, bool, error) {
	defer sh.mu.Unlock()
	if h, ok := sh.items[o.Item]; ok {
		return h.Assignment, false, false, nil
	}
	h, ok, sweep := s.reserveInLine(k, o, examine)
	if !ok {
		return Assignment{}, false, sweep, ErrOverCapacity
	}
	sh.items[h.Item] = h
	return h.Assignment, true, sweep, nil
}

// reserveInLine walks k's line under its lock (let go even if examine
// panics) and takes o's item from it, reporting whether it did and whether
// the caller should sweep; the caller holds the item's lock.
func (s *MemoryStore) reserveInLine(k *Ranking, o *Offer, examine func(Ranked) LineVerdict) (held, bool, bool) {
	l, sweep := s.lock(k)
	defer l.mu.Unlock()
	h, ok := s.takeFromLine(l, o, examine)
	return h, ok, sweep
}

// takeFromLine examines o's window, then l's line, and records the
// assignment to the first agent examine takes that has room; the caller
// holds l's lock and the item's.
func (s *MemoryStore) takeFromLine(l *line, o *Offer, examine func(Ranked) LineVerdict) (held, bool) {
	for _, c := range o.Window {
		h, verdict := s.takeCandidate(l, o, c, examine)
		switch verdict {
		case LineStop:
			return held{}, false
		case LineTake:
			return h, true
		}
	}
	if len(l.heap) == 0 {
		return held{}, false
	}
	var buf [32]int32 // the frontier, on the stack unless the walk goes far
	front := buf[:0]
	for p := int32(0); ; {
		e := &l.heap[p]
		i := e.idx
		st := l.sts[i]
		switch examine(Ranked{Index: int(i), AgentStats: AgentStats{Agent: l.k.agents[i], Load: st.units(), Last: e.last(), Seq: e.seq}}) {
		case LineStop:
			return held{}, false
		case LineTake:
			if st.reserve(o.Units, l.k.caps[i]) { // a release may have made room since
				return s.took(l, i, st, o, l.k.agents[i]), true
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

// takeCandidate examines one candidate of o's window and, if examine takes
// it and it has room, records the assignment to it; the verdict is
// LineTake only if it did.
func (s *MemoryStore) takeCandidate(l *line, o *Offer, c Candidate, examine func(Ranked) LineVerdict) (held, LineVerdict) {
	st := s.agents.find(c.Agent)
	rk := Ranked{Index: -1, AgentStats: AgentStats{Agent: c.Agent}}
	if st != nil {
		rk.Load = st.units()
		rk.Last, rk.Seq = st.workload()
	}
	switch v := examine(rk); {
	case v != LineTake:
		return held{}, v
	case st == nil && !fits(0, o.Units, c.Capacity):
		return held{}, LineSkip
	case st == nil:
		st = s.agents.get(c.Agent)
	}
	if !st.reserve(o.Units, c.Capacity) {
		return held{}, LineSkip
	}
	i := int32(-1)
	for _, r := range st.refs() {
		if r.l == l {
			i = r.i
		}
	}
	return s.took(l, i, st, o, c.Agent), LineTake
}

// took records o's item as assigned to agent, whose state is st and whose
// load already counts it, puts the agent back in its place in l (i is its
// ranking index there, -1 if it stands elsewhere) and notes it on its other
// lines; the caller holds l's lock and the item's.
func (s *MemoryStore) took(l *line, i int32, st *agentState, o *Offer, agent string) held {
	last, seq := s.record(st, o.At)
	skip := l
	if i >= 0 {
		l.place(i, st.units(), last, seq)
	} else {
		skip = nil
	}
	st.changed(skip)
	return held{Assignment{Item: o.Item, Customer: o.Customer, Agent: agent, Pool: o.Pool, Units: o.Units, At: o.At}, st}
}

// CloseRanking implements RankingCloser: it drops k's line now.
func (s *MemoryStore) CloseRanking(ctx context.Context, k *Ranking) error {
	if k == nil {
		return nil
	}
	if err := s.check(ctx, "close ranking"); err != nil {
		return err
	}
	s.linesMu.Lock()
	defer s.linesMu.Unlock()
	if l, ok := s.lines[k.key]; ok {
		l.mu.Lock()
		s.drop(l)
		l.mu.Unlock()
	}
	return nil
}

// lineCount reports how many lines the store keeps, for tests.
func (s *MemoryStore) lineCount() int {
	s.linesMu.Lock()
	defer s.linesMu.Unlock()
	return len(s.lines)
}
