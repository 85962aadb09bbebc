package routing

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/timezone"
)

// Limits New enforces on a configuration, so that no unit, load or weight
// arithmetic can overflow.
const (
	MaxCapacity = 1_000_000_000 // Agent.Capacity
	MaxUnits    = 1_000_000     // a kind of work in Config.Units
	MaxWeight   = 1_000         // Agent.Weight
)

// compiler builds a Router from a configuration, collecting every problem.
type compiler struct {
	r         *Router
	errs      []error
	badGroups bool
}

func (c *compiler) bad(path, format string, args ...any) {
	c.errs = append(c.errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// add records err's problems under path.
func (c *compiler) add(path string, err error) {
	if err != nil {
		c.errs = append(c.errs, strata.Problems(strata.Prefix(path, err))...)
	}
}

// New compiles a configuration over a store, validating everything and
// reporting every problem at once, each naming its path: rule errors with
// line and column, and configuration errors (unknown or duplicate agents and
// pools, bad codes, shifts, capacities, strategies and overflow chains,
// pools without members, rules an earlier rule always pre-empts). A nil
// store is an error.
func New(cfg Config, store Store, opts ...Option) (*Router, error) {
	c := &compiler{r: &Router{cfg: cloneConfig(cfg), store: store, opts: buildOptions(opts),
		byID: map[string]int{}, byPool: map[string]int{}, defPool: -1, defOwner: -1}}
	if store == nil {
		c.bad("store", "required")
	}
	c.top()
	if err := c.env(); err != nil {
		return nil, errors.Join(append(c.errs, err)...)
	}
	c.agents()
	c.pools()
	c.rules()
	c.defaults()
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c.r, nil
}

// top checks the configuration's own fields.
func (c *compiler) top() {
	cfg, r := &c.r.cfg, c.r
	if !strata.IsCountry(cfg.Home) {
		c.bad("home", "%q is not an ISO 3166-1 alpha-2 country code", cfg.Home)
	}
	if r.fairness = cfg.Window.Std(); r.fairness <= 0 {
		r.fairness = 7 * 24 * time.Hour
	}
	if r.catchUp = cfg.CatchUpPeriod.Std(); r.catchUp <= 0 {
		r.catchUp = 3 * 24 * time.Hour
	}
	switch cfg.CatchUp {
	case "", CatchUpAllow, CatchUpLevel, CatchUpCapped:
	default:
		c.bad("catch_up", "%q: want allow, level or capped", cfg.CatchUp)
	}
	if cfg.CatchUpCap < 0 {
		c.bad("catch_up_cap", "negative")
	}
	if cfg.Window < 0 {
		c.bad("window", "negative")
	}
	if cfg.CatchUpPeriod < 0 {
		c.bad("catch_up_period", "negative")
	}
	for _, kind := range slices.Sorted(maps.Keys(cfg.Units)) {
		if u := cfg.Units[kind]; u < 1 || u > MaxUnits {
			c.bad("units."+kind, "%d: a kind of work counts 1 to %d units", u, MaxUnits)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Groups)) {
		for i, code := range cfg.Groups[name] {
			if !strata.IsCountry(code) && !strata.IsSubdivision(code) {
				c.bad(fmt.Sprintf("groups.%s[%d]", name, i), "%q is not an ISO 3166 country or subdivision code", code)
				c.badGroups = true
			}
		}
	}
	if len(cfg.Agents) == 0 {
		c.bad("agents", "at least one agent")
	}
}

// agents compiles every agent.
func (c *compiler) agents() {
	r := c.r
	calendars := map[string]*timezone.Calendar{}
	r.agents = make([]agent, len(r.cfg.Agents))
	for i := range r.cfg.Agents {
		a := &r.cfg.Agents[i]
		path := fmt.Sprintf("agents[%d]", i)
		switch _, dup := r.byID[a.ID]; {
		case a.ID == "":
			c.bad(path+".id", "required")
		case dup:
			c.bad(path+".id", "duplicate agent %q", a.ID)
		default:
			r.byID[a.ID] = i
		}
		r.agents[i] = c.agent(a, path, calendars)
	}
}

// agent compiles one agent at path; agents with the same shift share one
// compiled calendar.
func (c *compiler) agent(a *Agent, path string, calendars map[string]*timezone.Calendar) agent {
	ca := agent{Agent: a, cap: a.Capacity, weight: max(a.Weight, 1), hash: agentHash(c.r.cfg.Seed, a.ID), self: []string{a.ID}}
	c.capacity(a, path)
	if a.Uncapped {
		ca.cap = NoLimit
	}
	for j, l := range a.Languages {
		key, ok := langKey(l)
		if !ok {
			c.bad(fmt.Sprintf("%s.languages[%d]", path, j), "%q is not a BCP 47 language tag", l)
		}
		ca.langs = append(ca.langs, key)
	}
	ca.anywhere = len(a.Regions) == 0
	ca.regions = map[string]bool{}
	for j, reg := range a.Regions {
		members, ok := c.r.region(reg)
		if !ok {
			c.bad(fmt.Sprintf("%s.regions[%d]", path, j), "%q is not a country, subdivision or region group", reg)
		}
		for _, m := range members {
			ca.regions[m] = true
		}
	}
	if len(a.Products) > 0 {
		ca.products = map[string]bool{}
		for _, p := range a.Products {
			ca.products[p] = true
		}
	}
	c.skills(path+".skills", a.Skills)
	if a.Seniority < 0 || a.Seniority > 5 {
		c.bad(path+".seniority", "%d: want 0 to 5", a.Seniority)
	}
	if a.Country != "" && !strata.IsCountry(a.Country) {
		c.bad(path+".country", "%q is not an ISO 3166-1 alpha-2 country code", a.Country)
	}
	if a.Shift != nil {
		key, _ := json.Marshal(a.Shift)
		cal, ok := calendars[string(key)]
		if !ok {
			var err error
			cal, err = timezone.NewCalendar(*a.Shift)
			c.add(path+".shift", err)
			calendars[string(key)] = cal
		}
		ca.cal = cal
	}
	for j, p := range a.OutOfOffice {
		if !p.Valid() {
			c.bad(fmt.Sprintf("%s.out_of_office[%d]", path, j), "end must be after start")
		}
	}
	return ca
}

// capacity checks an agent's capacity and weight.
func (c *compiler) capacity(a *Agent, path string) {
	switch {
	case a.Uncapped && a.Capacity != 0:
		c.bad(path+".capacity", "%d: an uncapped agent has no capacity", a.Capacity)
	case a.Uncapped:
	case a.Capacity == 0:
		c.bad(path+".capacity", "required: 1 to %d units, or uncapped: true", MaxCapacity)
	case a.Capacity < 1 || a.Capacity > MaxCapacity:
		c.bad(path+".capacity", "%d: want 1 to %d units", a.Capacity, MaxCapacity)
	}
	if a.Weight < 0 || a.Weight > MaxWeight {
		c.bad(path+".weight", "%d: want 0 to %d", a.Weight, MaxWeight)
	}
}

// skills checks skill levels, in skill order.
func (c *compiler) skills(path string, skills map[string]int) {
	for _, k := range slices.Sorted(maps.Keys(skills)) {
		if lvl := skills[k]; lvl < 1 || lvl > 5 {
			c.bad(path+"."+k, "level %d: want 1 to 5", lvl)
		}
	}
}

// region returns the countries and subdivisions a region of an agent's
// stands for.
func (r *Router) region(reg string) ([]string, bool) {
	if strata.IsCountry(reg) || strata.IsSubdivision(reg) {
		return []string{reg}, true
	}
	return r.env.GroupMembers(reg)
}

// pools compiles every pool: members, requirements, overflow chains.
func (c *compiler) pools() {
	r := c.r
	for i, p := range r.cfg.Pools {
		if _, dup := r.byPool[p.Name]; dup || p.Name == "" {
			c.bad(fmt.Sprintf("pools[%d].name", i), "missing or duplicate pool name %q", p.Name)
			continue
		}
		r.byPool[p.Name] = i
	}
	r.pools = make([]pool, len(r.cfg.Pools))
	for i := range r.cfg.Pools {
		path := fmt.Sprintf("pools[%d]", i)
		cp := pool{Pool: r.cfg.Pools[i], idx: i, recent: r.cfg.Pools[i].Strategy == WeightedRoundRobin}
		c.members(&cp, path)
		switch cp.Strategy {
		case RoundRobin, WeightedRoundRobin, LeastLoaded, MostFreeCapacity, BestSkillFit:
		default:
			c.bad(path+".strategy", "%q: want round_robin, weighted_round_robin, least_loaded, most_free_capacity or best_skill_fit", cp.Strategy)
		}
		c.skills(path+".skills", cp.Skills)
		for _, k := range slices.Sorted(maps.Keys(cp.Skills)) {
			cp.skills = append(cp.skills, skillReq{k, cp.Skills[k]})
		}
		if cp.MinSeniority < 0 || cp.MinSeniority > 5 {
			c.bad(path+".min_seniority", "%d: want 0 to 5", cp.MinSeniority)
		}
		if cp.ShiftWindow < 0 {
			c.bad(path+".shift_window", "negative")
		}
		c.overflow(&cp, path)
		r.pools[i] = cp
	}
}

// members computes a pool's members: those it lists and those its select
// rule chooses, sorted by ID.
func (c *compiler) members(cp *pool, path string) {
	r := c.r
	in := make([]bool, len(r.agents))
	for j, id := range cp.Members {
		ai, ok := r.byID[id]
		if !ok {
			c.bad(fmt.Sprintf("%s.members[%d]", path, j), "unknown agent %q", id)
			continue
		}
		in[ai] = true
	}
	if cp.Select != "" {
		c.add(path+".select", r.selectAgents(cp.Name, cp.Select, in))
	}
	for ai, ok := range in {
		if ok {
			cp.members = append(cp.members, ai)
		}
	}
	slices.SortFunc(cp.members, func(x, y int) int { return strings.Compare(r.agents[x].ID, r.agents[y].ID) })
	cp.isMember = in
	for _, ai := range cp.members {
		cp.ids = append(cp.ids, r.agents[ai].ID)
		if len(r.agents[ai].OutOfOffice) > 0 {
			cp.away = append(cp.away, ai)
		}
	}
	switch {
	case len(cp.Members) == 0 && cp.Select == "":
		c.bad(path, "pool %q needs members or a select rule", cp.Name)
	case len(cp.members) == 0:
		c.bad(path, "pool %q has no members", cp.Name)
	}
}

// overflow compiles a pool's overflow chain.
func (c *compiler) overflow(cp *pool, path string) {
	cp.overflow = []step{{pool: cp.idx}}
	for j, o := range cp.Overflow {
		spath := fmt.Sprintf("%s.overflow[%d]", path, j)
		st := step{pool: cp.idx, relax: o.RelaxSkills, after: o.After.Std()}
		if o.Pool != "" {
			pi, ok := c.r.byPool[o.Pool]
			if !ok {
				c.bad(spath+".pool", "unknown pool %q", o.Pool)
			}
			st.pool = pi
		} else if !o.RelaxSkills {
			c.bad(spath, "an overflow step relaxes skills or names a pool")
		}
		switch {
		case o.After < 0:
			c.bad(spath+".after", "negative")
		case j > 0 && o.After < cp.Overflow[j-1].After:
			c.bad(spath+".after", "waits must not shrink along the chain")
		}
		cp.overflow = append(cp.overflow, st)
	}
}

// defaults resolves the default pool and owner.
func (c *compiler) defaults() {
	r, cfg := c.r, &c.r.cfg
	if cfg.DefaultPool != "" {
		pi, ok := r.byPool[cfg.DefaultPool]
		if !ok {
			c.bad("default_pool", "unknown pool %q", cfg.DefaultPool)
		}
		r.defPool = pi
	}
	if cfg.DefaultOwner != "" {
		ai, ok := r.byID[cfg.DefaultOwner]
		if !ok {
			c.bad("default_owner", "unknown agent %q", cfg.DefaultOwner)
		}
		r.defOwner = ai
		r.defOwnerFull = "the default owner " + cfg.DefaultOwner + " is at capacity"
	}
	if len(cfg.Rules) == 0 && cfg.DefaultPool == "" {
		c.bad("rules", "no rules and no default pool: nothing could be routed")
	}
}

// finish gives the Router what it needs once the configuration is valid:
// the rules' first-match program, the pools' rankings, its scratch pool.
func (c *compiler) finish() error {
	r := c.r
	var err error
	if r.dispatch, err = r.newDispatch(); err != nil {
		return err
	}
	if r.dispatch == nil {
		if err := r.firstMatch(); err != nil {
			return err
		}
	}
	if rk, ok := r.store.(Ranker); ok {
		r.ranker = rk
		for i := range r.pools {
			if err := r.pools[i].rank(r.agents, r.cfg.Seed); err != nil {
				return err
			}
		}
	}
	r.windowed, _ = r.store.(WindowReserver)
	r.lookupFirst = r.windowed == nil
	if r.opts.window == 0 {
		r.opts.window = 1
		if r.windowed != nil {
			r.opts.window = min(max(r.windowed.Width(), 1), MaxWindow)
		}
	}
	if lr, ok := r.store.(LineReserver); ok && r.ranker != nil && r.opts.window == 1 && len(r.opts.filters) == 0 {
		r.lined = lr // host filters do not run under a store's lock
		r.fronts, _ = lr.(fronter)
	}
	for n := r.opts.window; r.walkStop < walkLimit; n *= 4 {
		r.walkStop += n // where tryRanked's batches of n reach walkLimit
	}
	r.calls.New = func() any { return r.newCall() }
	r.built = true
	return nil
}

// rank gives the pool a Ranking when its strategy orders agents by a key the
// store can keep: least_loaded, most_free_capacity, round_robin. Pools of
// every size get one: walking the front of a line of ten costs what it
// costs in a line of ten thousand, less than reading ten workloads and
// tracing ten agents.
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
	caps := make([]int, len(p.members))
	for k, ai := range p.members {
		caps[k] = agents[ai].cap
	}
	var err error
	p.ranking, err = NewRanking(order, seed, p.ids, caps)
	return err
}

// cloneConfig copies a configuration deeply, so that neither the caller nor
// a Router changes the other's.
func cloneConfig(c Config) Config {
	out := c
	out.Agents = slices.Clone(c.Agents)
	for i := range out.Agents {
		a := &out.Agents[i]
		a.Languages, a.Regions, a.Products, a.Roles = slices.Clone(a.Languages), slices.Clone(a.Regions), slices.Clone(a.Products), slices.Clone(a.Roles)
		a.Skills, a.OutOfOffice = maps.Clone(a.Skills), slices.Clone(a.OutOfOffice)
		if a.Shift != nil {
			a.Shift = cloneShift(a.Shift)
		}
	}
	out.Pools = slices.Clone(c.Pools)
	for i := range out.Pools {
		p := &out.Pools[i]
		p.Members, p.Skills, p.Overflow = slices.Clone(p.Members), maps.Clone(p.Skills), slices.Clone(p.Overflow)
	}
	out.Rules = slices.Clone(c.Rules)
	out.Units = maps.Clone(c.Units)
	if c.Groups != nil {
		out.Groups = make(map[string][]string, len(c.Groups))
		for k, v := range c.Groups {
			out.Groups[k] = slices.Clone(v)
		}
	}
	return out
}

// cloneShift copies a calendar configuration through its JSON, which
// round-trips.
func cloneShift(s *timezone.CalendarConfig) *timezone.CalendarConfig {
	b, err := json.Marshal(s)
	out := new(timezone.CalendarConfig)
	if err != nil || json.Unmarshal(b, out) != nil {
		*out = *s
	}
	return out
}
