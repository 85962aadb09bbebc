package routing

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
	"github.com/strata-go/strata/timezone"
)

// Filter is a host's eligibility check, such as a cross-border transfer
// check from package compliance: it returns false and a reason to pass an
// agent over. It must not modify its arguments and must be safe for
// concurrent use.
type Filter func(a *Agent, req *Request) (ok bool, reason string)

// Option configures New.
type Option func(*options)

type options struct {
	logger   *slog.Logger
	levels   [3]slog.Level // by outcome: assigned, deferred, unassigned
	filters  []namedFilter
	conv     strata.Converter
	observer strata.Observer
	window   int
	limits   strata.Limits
}

type namedFilter struct {
	name string
	f    Filter
}

// MaxWindow is the widest window a Router offers.
const MaxWindow = 64

func buildOptions(opts []Option) options {
	o := options{levels: [3]slog.Level{slog.LevelDebug, slog.LevelDebug, slog.LevelDebug}}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// WithLogger logs every decision (at the level WithLogLevel sets for its
// outcome: debug by default) with its reason, and store failures at warn
// level, through the *Context methods so the host's handler sees the
// request's context; the default discards. Customers log through their
// LogValue, which leaves out contact details.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithLogLevel sets the level at which decisions with outcome o are logged:
// a host may log Unassigned at warn and Assigned at debug. Other outcomes
// are ignored.
func WithLogLevel(o Outcome, level slog.Level) Option {
	return func(opts *options) {
		if i := outcomeIndex(o); i >= 0 {
			opts.levels[i] = level
		}
	}
}

// WithFilter adds a host eligibility filter, named in traces. A nil filter
// is ignored.
func WithFilter(name string, f Filter) Option {
	return func(o *options) {
		if f != nil {
			o.filters = append(o.filters, namedFilter{name, f})
		}
	}
}

// WithConverter sets exchange rates for money in rules (lead.value in USD
// against money("100000", "USD") needs none; against CNY it does).
// A panic in conv is recovered into an error wrapping
// strata.ErrConverterPanicked; its value is not repeated.
func WithConverter(conv strata.Converter) Option {
	return func(o *options) { o.conv = rules.Guard(conv) }
}

// WithObserver reports every Route, Release and Reassign to obs, and what
// the store did on the way (see Router). The observer runs on the calling
// goroutine and must be fast.
func WithObserver(obs strata.Observer) Option { return func(o *options) { o.observer = obs } }

// WithWindow sets how many eligible agents, best first, a Router offers the
// store in one reservation, 1 to MaxWindow (values out of range are
// clamped), overriding the store's WindowReserver.Width; without either it
// is 1. The first with room takes the work, so the decision is the same
// whatever the width as long as one Router works alone; with several
// Routers on one store, a wider window lets more concurrent reservations
// proceed side by side on a store that skips locked candidates (see
// WindowReserver), at the cost of examining a few more agents per pick.
func WithWindow(n int) Option { return func(o *options) { o.window = min(max(n, 1), MaxWindow) } }

// Router routes work to agents. It is immutable and safe for concurrent
// use; all mutable state is in its Store. A new configuration means a new
// Router over the same store (close the old one once it is replaced). A
// zero Router, or a nil one, returns errors.
//
// How a Router picks among eligible agents of a pool, by strategy:
//
//   - round_robin: the agent assigned least recently;
//   - weighted_round_robin: the fewest assignments in the fairness window per
//     unit of weight;
//   - least_loaded: the fewest work units held;
//   - most_free_capacity: the highest share of capacity free (uncapped
//     counts as all free);
//   - best_skill_fit: the highest sum of levels in the pool's skills (and in
//     a skill named like the lead's product), then least loaded.
//
// Ties, in every strategy, go to the agent assigned longer ago (the store's
// AgentStats.Last, then its Seq for assignments recorded at the same
// instant, as in a day's backlog drained at one now), then to the lower tie
// key (a salted hash of the agent ID, see Ranking.TieKey), then to the lower
// ID: fair, so equally loaded agents take turns, and deterministic, never by
// list position or map order.
//
// The Router offers the store a window of eligible agents in that order
// (the customer's owner first in a sticky pool), as wide as the store asks
// (WindowReserver.Width; see WithWindow), and the store gives the work to
// the first with room, atomically. Agents ahead of the one that took it lost
// a race to a concurrent request, and the trace says so.
//
// With a store that is also a Ranker (MemoryStore is), pools using
// least_loaded, most_free_capacity or round_robin are not read in full,
// whatever their size: the Router walks the front of the pool's line,
// examining agents in rank order until it has a window, so a pick costs
// the same with 10,000 agents as with 10. The decision is the same either
// way; the trace then lists the agents examined and Decision.Unexamined
// counts the rest. While a member is back from leave within the catch-up
// period, or after 64 agents examined without a pick, the Router reads the
// whole pool instead. With a store that is also a LineReserver (MemoryStore
// is), a Router that offers windows of one and has no host filters walks
// the line and reserves in one call, under one acquisition of the line's
// lock, and decides and traces exactly as it would with Rank and
// ReserveFirst.
//
// # Determinism and concurrency
//
// One Router on one store, given the same requests in the same order from
// the same starting state, makes the same decisions with the same traces,
// byte for byte; the simulator (package sim) relies on it. Times are
// truncated to the microsecond, what databases keep, so a Router decides the
// same on any store that passes routingtest. Routers sharing a store never
// push an agent past capacity, whatever the interleaving; which agent of a
// window takes a given item then depends on timing, and each decision
// still names the agent that holds the item.
//
// # Observing
//
// With WithObserver, a Router reports a strata.Event for each Route ("route";
// Outcome "assigned", "deferred", "unassigned" or "error"; Detail the
// *Decision), Release ("release"; "released" or "error"; Detail the
// *Assignment) and Reassign ("reassign"; "reassigned" or "error"; Detail the
// *Decision), labelled with the pool and the rule; and store events: one
// "store.reserve" with Outcome "lost_race" for each candidate passed over for
// a concurrent request, and "store.<op>" with Outcome "error" for each store
// failure (its Err). Lost races are those of the decision's trace
// (ReasonLostRace): the candidates of a window that had no room left, and
// those a store passed over before the one that took the work, which a
// store that skips locked rows (see WindowReserver) also passes over when a
// concurrent transaction merely holds them. They are reported once a pool
// or overflow step has decided, so a walk of a line that gives up and reads
// the whole pool reports only what that read found, and a step that finds
// the item already assigned (a replay) reports none. Durations are measured with the process's clock, read
// only when an observer is set.
type Router struct {
	cfg      Config
	env      *rules.Env
	store    Store
	opts     options
	agents   []agent
	byID     map[string]int
	pools    []pool
	byPool   map[string]int
	rules    []rule
	first    *rules.Program // the rules' first-match program, without dispatch
	dispatch *dispatch      // map lookups for field comparisons, when they pay
	defPool  int
	defOwner int
	// defOwnerFull is the reason a decision gives when the default owner
	// is at capacity, made once.
	defOwnerFull string
	fairness     time.Duration // Config.Window, defaulted
	catchUp      time.Duration
	ranker       Ranker         // the store, if it ranks; else nil
	windowed     WindowReserver // the store, if it reserves windows; else nil
	// lookupFirst: Route looks the item up before deciding (the store is
	// no WindowReserver, whose reservations report an assignment).
	lookupFirst bool
	lined       LineReserver // the store, if it reserves from lines and the Router may use it; else nil
	fronts      fronter      // lined, if it tells who stands at a line's front without its lock
	walkStop    int          // line positions after which a walk gives up (see tryRanked)
	calls       sync.Pool    // *call
	built       bool         // made by New
	closed      atomic.Bool
}

type agent struct {
	*Agent
	cap      int // Capacity, or NoLimit
	cal      *timezone.Calendar
	langs    []string // base-script keys
	anywhere bool
	regions  map[string]bool
	products map[string]bool // nil: all
	weight   int
	hash     uint64   // agentHash(seed, ID), the tie-break's hash
	self     []string // []string{ID}, to ask the store about this agent alone
}

type pool struct {
	Pool
	idx      int
	isMember []bool // by agent index
	members  []int  // agent indexes, by agent ID
	ids      []string
	skills   []skillReq // Skills, by name
	overflow []step
	ranking  *Ranking // when the store ranks this pool's line; else nil
	away     []int    // members with leave periods (agent indexes)
	recent   bool     // the strategy reads AgentStats.Recent
}

type skillReq struct {
	name  string
	level int
}

type step struct {
	pool  int
	relax bool
	after time.Duration
}

type rule struct {
	Rule
	prog *rules.Program
	pool int
}

// errNotBuilt is what a zero or nil Router returns.
var errNotBuilt = errors.New("routing: Router not built with New")

func (r *Router) ok() bool { return r != nil && r.built }

// Close tells the store the Router's rankings are no longer needed (a store
// that keeps a line per ranking, as MemoryStore does, drops them now), so a
// host that swaps configurations does not leave the old lines to slow every
// reservation down. A closed Router still routes, reading whole pools
// instead of lines; close it once its replacement is in place. Closing
// twice does nothing.
func (r *Router) Close(ctx context.Context) error {
	if !r.ok() {
		return errNotBuilt
	}
	if ctx == nil {
		return errors.New("routing: nil context")
	}
	if r.closed.Swap(true) {
		return nil
	}
	rc, ok := r.ranker.(RankingCloser)
	if !ok {
		return nil
	}
	var errs []error
	for i := range r.pools {
		if k := r.pools[i].ranking; k != nil {
			errs = append(errs, StoreError("close ranking", rc.CloseRanking(ctx, k)))
		}
	}
	return errors.Join(errs...)
}

// Config returns a copy of the configuration the router was compiled from.
func (r *Router) Config() Config {
	if !r.ok() {
		return Config{}
	}
	return cloneConfig(r.cfg)
}

// Agent returns a copy of an agent's configuration.
func (r *Router) Agent(id string) (Agent, bool) {
	if !r.ok() {
		return Agent{}, false
	}
	i, ok := r.byID[id]
	if !ok {
		return Agent{}, false
	}
	one := cloneConfig(Config{Agents: []Agent{*r.agents[i].Agent}})
	return one.Agents[0], true
}

// Pools returns the pool names in configuration order.
func (r *Router) Pools() []string {
	if !r.ok() {
		return nil
	}
	out := make([]string, len(r.pools))
	for i, p := range r.pools {
		out[i] = p.Name
	}
	return out
}

// Members returns the IDs of a pool's members, sorted, or nil for an
// unknown pool. Members chosen by the pool's select rule are included.
func (r *Router) Members(pool string) []string {
	if !r.ok() {
		return nil
	}
	i, ok := r.byPool[pool]
	if !ok {
		return nil
	}
	return slices.Clone(r.pools[i].ids)
}

// langKey reduces a language tag to base language and script, with likely
// subtags added: zh-TW → zh-Hant, zh-SG → zh-Hans, pt-BR → pt-Latn, iw →
// he-Hebr. Results for short valid tags are cached, up to langCacheMax of
// them: invalid or long input never grows the cache.
func langKey(tag string) (string, bool) {
	if v, ok := langCache.Load(tag); ok {
		return v.(string), true
	}
	if len(tag) > maxTag {
		return "", false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	base, _ := t.Base()
	script, _ := t.Script()
	key := base.String() + "-" + script.String()
	if len(tag) <= langCacheKey && langCacheLen.Load() < langCacheMax {
		if _, loaded := langCache.LoadOrStore(tag, key); !loaded {
			langCacheLen.Add(1)
		}
	}
	return key, true
}

// Bounds on language tags: longer input is not a tag anyone speaks; the
// cache keeps short tags only, and at most langCacheMax (a few hundred KiB).
const (
	maxTag       = 255
	langCacheKey = 24
	langCacheMax = 4096
)

var (
	langCache    sync.Map // tag → key
	langCacheLen atomic.Int64
)
