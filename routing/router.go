package routing

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
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
	logger  *slog.Logger
	filters []namedFilter
	conv    strata.Converter
}

type namedFilter struct {
	name string
	f    Filter
}

// WithLogger logs decisions at debug level and store failures at warn
// level; the default discards. Customers log through their LogValue, which
// leaves out contact details.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithFilter adds a host eligibility filter, named in traces.
func WithFilter(name string, f Filter) Option {
	return func(o *options) { o.filters = append(o.filters, namedFilter{name, f}) }
}

// WithConverter sets exchange rates for money in rules (lead.value in USD
// against money("100000", "USD") needs none; against CNY it does).
func WithConverter(conv strata.Converter) Option { return func(o *options) { o.conv = conv } }

// Router routes work to agents. It is immutable and safe for concurrent
// use; all mutable state is in its Store. A new configuration means a new
// Router over the same store.
//
// How a Router picks among eligible agents of a pool, by strategy:
//
//   - round_robin: the agent assigned least recently;
//   - weighted_round_robin: the fewest assignments in the fairness window per
//     unit of weight;
//   - least_loaded: the fewest work units held;
//   - most_free_capacity: the highest share of capacity free (no limit
//     counts as all free);
//   - best_skill_fit: the highest sum of levels in the pool's skills (and in
//     a skill named like the lead's product), then least loaded.
//
// Ties, in every strategy, go to the agent assigned longer ago (the store's
// AgentStats.Last, then its Seq for assignments recorded at the same
// instant, as in a day's backlog drained at one now), then to the lower
// FNV-1a hash of (seed, agent ID), then to the lower ID: fair, so equally
// loaded agents take turns, and deterministic, never by list position or map
// order. Ranking.Compare is this order for the strategies a store can rank.
//
// With a store that is also a Ranker (MemoryStore is), pools of more than 32
// agents using least_loaded, most_free_capacity or round_robin are not read
// in full: the Router walks the front of the pool's line, examining agents
// in rank order until one is eligible, so a pick costs the same with 10,000
// agents as with 50. The decision is the same either way; the trace then
// lists the agents examined and Decision.Unexamined counts the rest. While a
// member is back from leave within the catch-up period, or after 84 agents
// examined without a pick, the Router reads the whole pool instead.
//
// With several Routers sharing a store, two
// concurrent requests may read the same workloads and pick the same agent;
// the store's atomic Reserve still keeps it within capacity.
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
	first    *rules.Program
	defPool  int
	defOwner int
	window   time.Duration
	catchUp  time.Duration
	ranker   Ranker // the store, if it ranks; else nil
	work     sync.Pool
}

type agent struct {
	*Agent
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
	overflow []step
	ranking  *Ranking // when the store ranks this pool's line; else nil
	away     []int    // members with leave periods (agent indexes)
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

// New compiles a configuration over a store, validating everything and
// reporting every problem at once: rule errors with line and column, and
// configuration errors (unknown or duplicate agents and pools, bad codes,
// shifts, capacities, strategies and overflow chains, pools without members,
// rules an earlier rule always pre-empts).
func New(cfg Config, store Store, opts ...Option) (*Router, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if store == nil {
		bad("store", "required")
	}
	if !strata.IsCountry(cfg.Home) {
		bad("home", "%q is not an ISO 3166-1 alpha-2 country code", cfg.Home)
	}
	env, err := rules.New(rules.WithConverter(o.conv), rules.WithGroups(cfg.Groups),
		rules.WithVariable("lead", reflect.TypeFor[Lead]()), rules.WithVariable("agent", reflect.TypeFor[Agent]()))
	if err != nil {
		return nil, errors.Join(append(errs, &strata.ConfigError{Path: "groups", Msg: err.Error()})...)
	}
	r := &Router{cfg: cloneConfig(cfg), env: env, store: store, opts: o, byID: map[string]int{}, byPool: map[string]int{},
		defPool: -1, defOwner: -1}
	r.window = cfg.Window.Std()
	if r.window <= 0 {
		r.window = 7 * 24 * time.Hour
	}
	r.catchUp = cfg.CatchUpPeriod.Std()
	if r.catchUp <= 0 {
		r.catchUp = 3 * 24 * time.Hour
	}
	switch cfg.CatchUp {
	case "", CatchUpAllow, CatchUpLevel, CatchUpCapped:
	default:
		bad("catch_up", "%q: want allow, level or capped", cfg.CatchUp)
	}
	if cfg.CatchUpCap < 0 {
		bad("catch_up_cap", "negative")
	}
	for kind, u := range cfg.Units {
		if u < 1 {
			bad("units."+kind, "%d: a kind of work counts at least 1", u)
		}
	}

	// Agents.
	calendars := map[string]*timezone.Calendar{}
	r.agents = make([]agent, len(r.cfg.Agents))
	for i := range r.cfg.Agents {
		a := &r.cfg.Agents[i]
		path := fmt.Sprintf("agents[%d]", i)
		ca := agent{Agent: a, weight: max(a.Weight, 1), hash: agentHash(cfg.Seed, a.ID), self: []string{a.ID}}
		switch _, dup := r.byID[a.ID]; {
		case a.ID == "":
			bad(path+".id", "required")
		case dup:
			bad(path+".id", "duplicate agent %q", a.ID)
		}
		r.byID[a.ID] = i
		for j, l := range a.Languages {
			key, ok := langKey(l)
			if !ok {
				bad(fmt.Sprintf("%s.languages[%d]", path, j), "%q is not a BCP 47 language tag", l)
			}
			ca.langs = append(ca.langs, key)
		}
		ca.anywhere = len(a.Regions) == 0
		ca.regions = map[string]bool{}
		for j, reg := range a.Regions {
			switch {
			case strata.IsCountry(reg) || strata.IsSubdivision(reg):
				ca.regions[reg] = true
			default:
				members, ok := env.GroupMembers(reg)
				if !ok {
					bad(fmt.Sprintf("%s.regions[%d]", path, j), "%q is not a country, subdivision or region group", reg)
				}
				for _, m := range members {
					ca.regions[m] = true
				}
			}
		}
		if len(a.Products) > 0 {
			ca.products = map[string]bool{}
			for _, p := range a.Products {
				ca.products[p] = true
			}
		}
		for k, lvl := range a.Skills {
			if lvl < 1 || lvl > 5 {
				bad(path+".skills."+k, "level %d: want 1 to 5", lvl)
			}
		}
		if a.Seniority < 0 || a.Seniority > 5 {
			bad(path+".seniority", "%d: want 0 to 5", a.Seniority)
		}
		if a.Capacity < 0 {
			bad(path+".capacity", "negative")
		}
		if a.Weight < 0 {
			bad(path+".weight", "negative")
		}
		if a.Country != "" && !strata.IsCountry(a.Country) {
			bad(path+".country", "%q is not an ISO 3166-1 alpha-2 country code", a.Country)
		}
		if a.Shift != nil {
			// Agents with the same shift share one compiled calendar.
			key, _ := json.Marshal(a.Shift)
			cal, ok := calendars[string(key)]
			if !ok {
				var err error
				if cal, err = timezone.NewCalendar(*a.Shift); err != nil {
					bad(path+".shift", "%v", err)
				}
				calendars[string(key)] = cal
			}
			ca.cal = cal
		}
		for j, p := range a.OutOfOffice {
			if !p.Valid() {
				bad(fmt.Sprintf("%s.out_of_office[%d]", path, j), "end must be after start")
			}
		}
		r.agents[i] = ca
	}

	// Pools.
	for i, p := range r.cfg.Pools {
		if _, dup := r.byPool[p.Name]; dup || p.Name == "" {
			bad(fmt.Sprintf("pools[%d].name", i), "missing or duplicate pool name %q", p.Name)
		}
		r.byPool[p.Name] = i
	}
	selectAct := env.NewActivation(cfg.Home, time.Time{})
	for i, p := range r.cfg.Pools {
		path := fmt.Sprintf("pools[%d]", i)
		cp := pool{Pool: p, idx: i}
		in := map[int]bool{}
		for j, id := range p.Members {
			ai, ok := r.byID[id]
			if !ok {
				bad(fmt.Sprintf("%s.members[%d]", path, j), "unknown agent %q", id)
				continue
			}
			in[ai] = true
		}
		if p.Select != "" {
			prog, err := env.Compile("pool "+p.Name+" select", p.Select, rules.Bool)
			if err != nil {
				errs = append(errs, err)
			} else {
				for ai := range r.agents {
					selectAct.Set("agent", r.agents[ai].Agent)
					ok, err := prog.EvalBool(selectAct)
					if err != nil {
						bad(path+".select", "agent %q: %v", r.agents[ai].ID, err)
						break
					}
					if ok {
						in[ai] = true
					}
				}
			}
		}
		for ai := range in {
			cp.members = append(cp.members, ai)
		}
		slices.SortFunc(cp.members, func(x, y int) int { return strings.Compare(r.agents[x].ID, r.agents[y].ID) })
		cp.isMember = make([]bool, len(r.agents))
		for _, ai := range cp.members {
			cp.ids = append(cp.ids, r.agents[ai].ID)
			cp.isMember[ai] = true
			if len(r.agents[ai].OutOfOffice) > 0 {
				cp.away = append(cp.away, ai)
			}
		}
		if len(cp.members) == 0 && len(p.Members)+len(p.Select) > 0 {
			bad(path, "pool %q has no members", p.Name)
		} else if len(p.Members) == 0 && p.Select == "" {
			bad(path, "pool %q needs members or a select rule", p.Name)
		}
		switch p.Strategy {
		case RoundRobin, WeightedRoundRobin, LeastLoaded, MostFreeCapacity, BestSkillFit:
		default:
			bad(path+".strategy", "%q: want round_robin, weighted_round_robin, least_loaded, most_free_capacity or best_skill_fit", p.Strategy)
		}
		for k, lvl := range p.Skills {
			if lvl < 1 || lvl > 5 {
				bad(path+".skills."+k, "level %d: want 1 to 5", lvl)
			}
		}
		cp.overflow = []step{{pool: i}}
		for j, o := range p.Overflow {
			spath := fmt.Sprintf("%s.overflow[%d]", path, j)
			st := step{pool: i, relax: o.RelaxSkills, after: o.After.Std()}
			if o.Pool != "" {
				pi, ok := r.byPool[o.Pool]
				if !ok {
					bad(spath+".pool", "unknown pool %q", o.Pool)
				}
				st.pool = pi
			} else if !o.RelaxSkills {
				bad(spath, "an overflow step relaxes skills or names a pool")
			}
			if j > 0 && o.After < p.Overflow[j-1].After {
				bad(spath+".after", "waits must not shrink along the chain")
			}
			cp.overflow = append(cp.overflow, st)
		}
		r.pools = append(r.pools, cp)
	}

	// Rules.
	ruleNames := map[string]bool{}
	var conds []*rules.Program
	for i, ru := range r.cfg.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		if ru.Name == "" || ruleNames[ru.Name] {
			bad(path+".name", "missing or duplicate rule name %q", ru.Name)
		}
		ruleNames[ru.Name] = true
		pi, ok := r.byPool[ru.Pool]
		if !ok {
			bad(path+".pool", "unknown pool %q", ru.Pool)
		}
		prog, err := env.Compile("rule "+ru.Name, ru.When, rules.Bool)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, earlier := range r.rules {
			if rules.Implies(prog, earlier.prog) {
				bad(path, "rule %q can never match: every request it matches is taken first by rule %q", ru.Name, earlier.Name)
				break
			}
		}
		r.rules = append(r.rules, rule{Rule: ru, prog: prog, pool: pi})
		conds = append(conds, prog)
	}
	if cfg.DefaultPool != "" {
		pi, ok := r.byPool[cfg.DefaultPool]
		if !ok {
			bad("default_pool", "unknown pool %q", cfg.DefaultPool)
		}
		r.defPool = pi
	}
	if cfg.DefaultOwner != "" {
		ai, ok := r.byID[cfg.DefaultOwner]
		if !ok {
			bad("default_owner", "unknown agent %q", cfg.DefaultOwner)
		}
		r.defOwner = ai
	}
	if len(r.cfg.Rules) == 0 && cfg.DefaultPool == "" {
		bad("rules", "no rules and no default pool: nothing could be routed")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(conds) > 0 {
		if r.first, err = env.FirstMatch("rules", conds); err != nil {
			return nil, err
		}
	}
	if rk, ok := store.(Ranker); ok {
		r.ranker = rk
		for i := range r.pools {
			if err := r.pools[i].rank(r.agents, cfg.Seed); err != nil {
				return nil, err
			}
		}
	}
	r.work.New = func() any { return &work{act: env.NewActivation(cfg.Home, time.Time{})} }
	return r, nil
}

// rankedFrom is the pool size from which a Router whose store is a Ranker
// walks the pool's line rather than reading every member's workload. Below
// it reading everyone is as fast, and the trace lists every member.
const rankedFrom = 33

// rank gives the pool a Ranking when its strategy orders agents by a key the
// store can keep: least_loaded, most_free_capacity, round_robin.
func (p *pool) rank(agents []agent, seed uint64) error {
	var order Order
	switch p.Strategy {
	case LeastLoaded:
		order = ByLoad
	case MostFreeCapacity:
		order = ByFreeShare
	case RoundRobin:
		order = ByIdle
	default:
		return nil
	}
	if len(p.members) < rankedFrom {
		return nil
	}
	caps := make([]int, len(p.members))
	for k, ai := range p.members {
		caps[k] = agents[ai].Capacity
	}
	var err error
	p.ranking, err = NewRanking(order, seed, p.ids, caps)
	return err
}

// langKey reduces a language tag to base language and script, with likely
// subtags added: zh-TW → zh-Hant, zh-SG → zh-Hans, pt-BR → pt-Latn, iw → he-Hebr.
func langKey(tag string) (string, bool) {
	if v, ok := langCache.Load(tag); ok {
		return v.(string), true
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	base, _ := t.Base()
	script, _ := t.Script()
	key := base.String() + "-" + script.String()
	langCache.Store(tag, key)
	return key, true
}

var langCache sync.Map

func cloneConfig(c Config) Config {
	out := c
	out.Agents = slices.Clone(c.Agents)
	out.Pools = slices.Clone(c.Pools)
	out.Rules = slices.Clone(c.Rules)
	return out
}

// Config returns the configuration the router was compiled from.
func (r *Router) Config() Config { return cloneConfig(r.cfg) }

// Agent returns an agent's configuration.
func (r *Router) Agent(id string) (Agent, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Agent{}, false
	}
	return *r.agents[i].Agent, true
}

// Pools returns the pool names in configuration order.
func (r *Router) Pools() []string {
	out := make([]string, len(r.pools))
	for i, p := range r.pools {
		out[i] = p.Name
	}
	return out
}

// Members returns the IDs of a pool's members, sorted, or nil for an
// unknown pool. Members chosen by the pool's select rule are included.
func (r *Router) Members(pool string) []string {
	i, ok := r.byPool[pool]
	if !ok {
		return nil
	}
	return slices.Clone(r.pools[i].ids)
}
