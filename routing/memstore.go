package routing

import (
	"context"
	"errors"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryStore is a Store in process memory, for a single host process, test
// harnesses and simulations. It keeps assignment times for counting for 400
// days. Its zero value is an empty store ready to use.
//
// It is safe for concurrent use. Assignments are spread over 64 maps by a
// hash of the item, each with its own lock, so looking items up, recording
// and ending them runs side by side. The one lock that any decision may
// meet store-wide is the agent index's, taken only to find agents added
// since the index was last published (and, while there are any, agents
// never seen), until they are merged into it. An agent's load is one atomic counter, raised by
// a compare-and-swap that checks its capacity in the same step, so no two
// changes can fill one agent past capacity whatever lines or calls they
// come through; its assignment history sits behind a small lock of its
// own. Assignments are numbered (AgentStats.Seq) from one atomic counter,
// in the order they are recorded. A change takes its item's lock, then a
// line's, then an agent's, never the other way round.
//
// MemoryStore is also a WindowReserver (it asks for windows of one), a
// Ranker and a LineReserver: for each Ranking it is asked about it keeps a
// line, a heap of the agents, behind a lock of its own, so a 10,000-agent
// line's front costs what a 10-agent line's does, a Router walks one line
// and reserves under one acquisition of that line's lock, and Routers
// working different lines do not wait for one another, unless their items
// share a shard (one pair in 64), whose lock a reservation through a line
// holds while it walks. A reservation
// through a line puts the agent back in its place in that line at once;
// every other change (a release, a move, a reservation made elsewhere)
// does the same on each line the agent stands in whose lock is free, and
// notes the agent on those being walked, whose walker puts it back in
// place before the line next walks, so a walk always sees every change
// made before it began. A line also keeps who stands at its front where a
// Router can read it without the lock, to check that agent's languages,
// regions and shifts before taking it. Router.Close drops the lines of the
// Router's rankings at once (a Router still open with the same ranking
// rebuilds its line when it next ranks); as a backstop, about every 65,536
// walks it drops the lines not walked since the previous such sweep.
type MemoryStore struct {
	shards [itemShards]itemShard
	agents agentIndex
	seq    atomic.Uint64 // assignments recorded, for AgentStats.Seq
	_      [56]byte      // seq alone on its cache line: every reservation adds to it
	// clock counts walks of lines, a batch at a time (see counted),
	// for dropping unused lines; epoch counts its sweeps.
	clock   atomic.Uint64
	epoch   atomic.Uint64
	_       [48]byte
	linesMu sync.Mutex // guards lines; taken to build, drop and sweep lines, never to walk one
	lines   map[string]*line
}

// itemShards is how many locks the assignments are spread over. With more,
// two cores reserving for different lines meet on a shard less often
// (RouteScaling two-pools over control on 2 cores: 32 shards 0.95, 256
// shards 1.05–1.09), but one core's route and release costs more (256: 5–7%
// more, the shards' maps no longer in cache); 64 costs one core nothing
// measurable.
const itemShards = 64

// itemShard holds the assignments of the items that hash to it, alone on
// its cache line.
type itemShard struct {
	mu    sync.Mutex
	items map[string]held
	_     [64 - 16]byte
}

// held is an assignment as a shard keeps it, with its agent's state, so
// that ending it needs no lookup of the agent.
type held struct {
	Assignment
	st *agentState
}

// itemSeed hashes items to shards; which shard holds an item shows in no
// result.
var itemSeed = maphash.MakeSeed()

// agentState is one agent's workload, on cache lines of its own (its size
// is a multiple of 64 bytes): agents of different lines, changed from
// different cores, do not share one.
type agentState struct {
	// load is the units held: raised only by reserve, which checks the
	// capacity in the same compare-and-swap, and lowered by Add.
	load  atomic.Int64
	mu    sync.Mutex // guards times, last and seq
	times history    // assignment times
	last  time.Time
	seq   uint64
	// key is last and seq as the lines sort them, written with them, for
	// lines to read without mu: a line that reads a key being written is
	// noted again once it is written (see changed).
	key struct {
		sec  atomic.Int64
		seq  atomic.Uint64
		nsec atomic.Int32
	}
	// lines lists the lines the agent stands in, replaced whole under
	// MemoryStore.linesMu.
	lines atomic.Pointer[[]lineRef]
	_     [128 - 104]byte
}

// units returns the agent's load.
func (a *agentState) units() int { return int(a.load.Load()) }

// reserve adds units to the agent's load if they fit capacity, in one
// step, and reports whether they did.
func (a *agentState) reserve(units, capacity int) bool {
	for {
		cur := a.load.Load()
		if !fits(int(cur), units, capacity) {
			return false
		}
		if a.load.CompareAndSwap(cur, cur+int64(units)) {
			return true
		}
	}
}

// workload returns the agent's last assignment time and its number.
func (a *agentState) workload() (time.Time, uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last, a.seq
}

// setLast sets the agent's last assignment time and number; the caller
// holds a.mu.
func (a *agentState) setLast(at time.Time, seq uint64) {
	a.last, a.seq = at, seq
	a.key.sec.Store(at.Unix())
	a.key.nsec.Store(int32(at.Nanosecond()))
	a.key.seq.Store(seq)
}

// refs returns the lines the agent stands in.
func (a *agentState) refs() []lineRef {
	if p := a.lines.Load(); p != nil {
		return *p
	}
	return nil
}

// changed puts the agent back in its place on every line it stands in,
// but skip, now if that line's lock is free, else by noting it there for
// the holder, who puts it back before the line next walks: either way a
// walk that begins after changed returns sees the change.
func (a *agentState) changed(skip *line) {
	for _, r := range a.refs() {
		switch {
		case r.l == skip:
		case r.l.mu.TryLock():
			r.l.update(r.i, a)
			r.l.mu.Unlock()
		default:
			r.l.note(r.i)
		}
	}
}

type lineRef struct {
	l *line
	i int32 // the agent's index in the line's ranking
}

// agentIndex finds agents' states by ID. Readers look in a map published
// whole, without a lock. Agents added since sit in a second map, young,
// behind a lock that every lookup of a young agent takes (and a lookup of
// an agent never seen, while any agent is young). Young agents are merged
// into a new published map, a copy of the old, once they are an eighth of
// it or lookups have found them max(youngHits, an eighth of it) times: a
// merge copying m entries comes after m/8 additions or lookups, so each
// costs O(1) copied entries on average.
type agentIndex struct {
	known atomic.Pointer[map[string]*agentState]
	// youngs is len(young), for a lookup to tell without the lock that
	// an agent missing from known was never seen.
	youngs atomic.Int32
	mu     sync.Mutex // guards young and hits
	young  map[string]*agentState
	hits   int
}

const youngHits = 64

// find returns id's state, nil for an agent never seen.
func (x *agentIndex) find(id string) *agentState {
	n := x.youngs.Load() // before known: merge publishes known, then empties young
	m := x.known.Load()
	if m != nil {
		if a, ok := (*m)[id]; ok {
			return a
		}
	}
	if n == 0 {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	a := x.young[id]
	if a == nil {
		if m := x.known.Load(); m != nil { // merged since the first look
			a = (*m)[id]
		}
	} else if x.hits++; m == nil || x.hits >= max(youngHits, len(*m)/8) {
		x.merge()
	}
	return a
}

// get returns id's state, adding it if never seen.
func (x *agentIndex) get(id string) *agentState {
	if m := x.known.Load(); m != nil {
		if a, ok := (*m)[id]; ok {
			return a
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	a := x.add(id)
	x.settle()
	return a
}

// reserve adds units to id's load if they fit capacity, in one step, and
// returns its state, or nil if they do not fit: an agent never seen is
// added only if they do, so refused calls keep nothing of the IDs they name.
func (x *agentIndex) reserve(id string, units, capacity int) *agentState {
	a := x.find(id)
	if a == nil {
		if !fits(0, units, capacity) {
			return nil
		}
		a = x.get(id)
	}
	if !a.reserve(units, capacity) {
		return nil
	}
	return a
}

// getAll returns the states of ids, adding those never seen.
func (x *agentIndex) getAll(ids []string) []*agentState {
	out := make([]*agentState, len(ids))
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, id := range ids {
		out[i] = x.add(id)
	}
	x.settle()
	return out
}

// add returns id's state, adding it to young if never seen; the caller
// holds x.mu.
func (x *agentIndex) add(id string) *agentState {
	if m := x.known.Load(); m != nil {
		if a, ok := (*m)[id]; ok {
			return a
		}
	}
	a, ok := x.young[id]
	if !ok {
		if x.young == nil {
			x.young = map[string]*agentState{}
		}
		a = &agentState{}
		a.key.sec.Store(zeroSec) // never assigned: Last is the zero time
		x.young[id] = a
		x.youngs.Store(int32(len(x.young)))
	}
	return a
}

// settle merges young into the published map once it is an eighth of it;
// the caller holds x.mu.
func (x *agentIndex) settle() {
	if m := x.known.Load(); m == nil || len(x.young) > len(*m)/8 {
		x.merge()
	}
}

// merge publishes a map of every agent; the caller holds x.mu.
func (x *agentIndex) merge() {
	var old map[string]*agentState
	if m := x.known.Load(); m != nil {
		old = *m
	}
	m := make(map[string]*agentState, len(old)+len(x.young))
	maps.Copy(m, old)
	maps.Copy(m, x.young)
	x.known.Store(&m)
	x.young, x.hits = nil, 0
	x.youngs.Store(0)
}

// each calls f with every agent's state, for tests.
func (x *agentIndex) each(f func(id string, a *agentState)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.merge()
	for id, a := range *x.known.Load() {
		f(id, a)
	}
}

var (
	_ Store          = (*MemoryStore)(nil)
	_ WindowReserver = (*MemoryStore)(nil)
	_ Ranker         = (*MemoryStore)(nil)
	_ RankingCloser  = (*MemoryStore)(nil)
	_ LineReserver   = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// check checks ctx and s for an operation.
func (s *MemoryStore) check(ctx context.Context, op string) error {
	switch {
	case s == nil:
		return StoreError(op, errors.New("nil MemoryStore"))
	case ctx == nil:
		return StoreError(op, errors.New("nil context"))
	}
	if err := ctx.Err(); err != nil {
		return StoreError(op, err)
	}
	return nil
}

// lockItem checks ctx and s and takes the lock of item's shard, which it
// returns.
func (s *MemoryStore) lockItem(ctx context.Context, op, item string) (*itemShard, error) {
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	sh := &s.shards[maphash.String(itemSeed, item)%itemShards]
	sh.mu.Lock()
	if sh.items == nil {
		sh.items = map[string]held{}
	}
	return sh, nil
}

const keepHistory = 400 * 24 * time.Hour

// record counts an assignment to a at at and returns a's last assignment
// time and number after it.
func (s *MemoryStore) record(a *agentState, at time.Time) (time.Time, uint64) {
	at = at.Round(0) // wall clock only: Compare must not use monotonic readings
	ns := at.UnixNano()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.times.add(ns)
	// Forget what is too old to count, a chunk at a time. The difference
	// of two int64s, the later first, is exact in uint64.
	if first := a.times.chunks[0][0]; first < ns && uint64(ns)-uint64(first) > uint64(keepHistory) {
		a.times.forget(ns - int64(keepHistory))
	}
	seq := s.seq.Add(1) // under a.mu: a's numbers grow as its records do
	if !at.Before(a.last) {
		a.setLast(at, seq)
	}
	return a.last, a.seq
}

var errBadReservation = errors.New("a reservation needs an item, an agent and units ≥ 0")

// Reserve implements Store.
func (s *MemoryStore) Reserve(ctx context.Context, r Reservation) (Assignment, bool, error) {
	if r.Item == "" || r.Agent == "" || r.Units < 0 {
		return Assignment{}, false, StoreError("reserve", errBadReservation)
	}
	sh, err := s.lockItem(ctx, "reserve", r.Item)
	if err != nil {
		return Assignment{}, false, err
	}
	defer sh.mu.Unlock()
	if h, ok := sh.items[r.Item]; ok {
		return h.Assignment, false, nil
	}
	st := s.agents.reserve(r.Agent, r.Units, r.Capacity)
	if st == nil {
		return Assignment{}, false, ErrOverCapacity
	}
	h := held{Assignment{Item: r.Item, Customer: r.Customer, Agent: r.Agent, Pool: r.Pool, Units: r.Units, At: r.At}, st}
	s.record(st, r.At)
	st.changed(nil)
	sh.items[h.Item] = h
	return h.Assignment, true, nil
}

// Width implements WindowReserver: 1. Reservations never hold a lock
// across a round trip and check capacity with a compare-and-swap, so
// concurrent Routers do not herd and a wider window would only cost
// examinations.
func (s *MemoryStore) Width() int { return 1 }

// ReserveFirst implements WindowReserver: the first candidate whose load
// fits takes the item, each check atomic with the reservation.
func (s *MemoryStore) ReserveFirst(ctx context.Context, o Offer) (Assignment, bool, error) {
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
	for _, c := range o.Window {
		if st := s.agents.reserve(c.Agent, o.Units, c.Capacity); st != nil {
			h := held{Assignment{Item: o.Item, Customer: o.Customer, Agent: c.Agent, Pool: o.Pool, Units: o.Units, At: o.At}, st}
			s.record(st, o.At)
			st.changed(nil)
			sh.items[h.Item] = h
			return h.Assignment, true, nil
		}
	}
	return Assignment{}, false, ErrOverCapacity
}

// check refuses an offer without an item, with negative units or with a
// candidate without an agent.
func (o *Offer) check() error {
	if o.Item == "" || o.Units < 0 {
		return StoreError("reserve", errBadReservation)
	}
	for _, c := range o.Window {
		if c.Agent == "" {
			return StoreError("reserve", errBadReservation)
		}
	}
	return nil
}

// Release implements Store. It lowers the agent's load and puts the agent
// back in its place on its lines (see MemoryStore).
func (s *MemoryStore) Release(ctx context.Context, item string) (Assignment, error) {
	sh, err := s.lockItem(ctx, "release", item)
	if err != nil {
		return Assignment{}, err
	}
	defer sh.mu.Unlock()
	h, ok := sh.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	delete(sh.items, item)
	h.st.load.Add(-int64(h.Units))
	h.st.changed(nil)
	return h.Assignment, nil
}

// Move implements Store.
func (s *MemoryStore) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (Assignment, error) {
	if agent == "" {
		return Assignment{}, StoreError("move", errors.New("a move needs an agent"))
	}
	sh, err := s.lockItem(ctx, "move", item)
	if err != nil {
		return Assignment{}, err
	}
	defer sh.mu.Unlock()
	h, ok := sh.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	if h.Agent == agent {
		return h.Assignment, nil
	}
	to := s.agents.reserve(agent, h.Units, capacity)
	if to == nil {
		return Assignment{}, ErrOverCapacity
	}
	from := h.st
	from.load.Add(-int64(h.Units))
	s.record(to, at)
	from.changed(nil)
	to.changed(nil)
	h.Agent, h.At, h.st = agent, at, to
	sh.items[item] = h
	return h.Assignment, nil
}

// Lookup implements Store.
func (s *MemoryStore) Lookup(ctx context.Context, item string) (Assignment, bool, error) {
	sh, err := s.lockItem(ctx, "lookup", item)
	if err != nil {
		return Assignment{}, false, err
	}
	h, ok := sh.items[item]
	sh.mu.Unlock()
	return h.Assignment, ok, nil
}

// Stats implements Store. An agent's last assignment, its number and its
// recent count are of one instant; its load is read at the same time but
// changes without that lock (a reservation raises it before recording the
// assignment, a release lowers it), so with changes under way it may be of
// a slightly different instant, and different agents' figures may be of
// different instants.
func (s *MemoryStore) Stats(ctx context.Context, agents []string, since time.Time, dst []AgentStats) ([]AgentStats, error) {
	if err := s.check(ctx, "stats"); err != nil {
		return dst, err
	}
	count := !since.IsZero()
	cut := since.UnixNano()
	for _, id := range agents {
		st := AgentStats{Agent: id}
		if a := s.agents.find(id); a != nil {
			a.mu.Lock()
			st.Load, st.Last, st.Seq = a.units(), a.last, a.seq
			if count {
				st.Recent = a.times.from(cut)
			}
			a.mu.Unlock()
		}
		dst = append(dst, st)
	}
	return dst, nil
}

// Items returns every assignment, sorted by item, for inspection and tests:
// a snapshot of one instant.
func (s *MemoryStore) Items() []Assignment {
	if s == nil {
		return nil
	}
	for i := range s.shards { // in shard order, as every caller of several would
		s.shards[i].mu.Lock()
	}
	var out []Assignment
	for i := range s.shards {
		for _, h := range s.shards[i].items {
			out = append(out, h.Assignment)
		}
		s.shards[i].mu.Unlock()
	}
	slices.SortFunc(out, func(a, b Assignment) int { return strings.Compare(a.Item, b.Item) })
	return out
}
