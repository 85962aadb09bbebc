package routing

import (
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/timezone"
)

// Agent is a sales rep (or any owner of work) as routing sees it. Rules and
// pool selectors see it as agent, by its snake_case names.
type Agent struct {
	ID   string `json:"id" cel:"id"`
	Name string `json:"name,omitempty" cel:"-"`
	// Languages the agent works in, BCP 47. A customer's language matches
	// when base language and script agree after adding likely subtags, so
	// zh-TW and zh-HK match a zh-Hant speaker and pt-BR matches pt.
	Languages []string `json:"languages,omitempty" cel:"languages"`
	// Regions the agent covers: ISO 3166-1 countries, ISO 3166-2
	// subdivisions or region groups ("EU", "华东", a host group). Empty
	// means anywhere.
	Regions []string `json:"regions,omitempty" cel:"regions"`
	// Products are the product lines the agent sells; empty means all.
	Products []string `json:"products,omitempty" cel:"products"`
	// Skills maps a skill to a level, 1 (some) to 5 (expert); a skill not
	// listed is level 0.
	Skills map[string]int `json:"skills,omitempty" cel:"skills"`
	// Seniority is 1 (junior) to 5 (director); 0 (unknown) meets no
	// pool's minimum.
	Seniority int `json:"seniority" cel:"seniority"`
	// Roles, such as "sales-director"; tiering's owner roles match them.
	Roles []string `json:"roles,omitempty" cel:"roles"`
	// Capacity is the most work units the agent holds at once, from 1 to
	// MaxCapacity; work kinds weigh in units (see Config.Units). It is
	// required unless Uncapped is set: an agent whose capacity was left
	// out is refused, never silently unlimited.
	Capacity int `json:"capacity,omitempty" cel:"capacity"`
	// Uncapped marks an agent without a limit (Capacity then stays 0). It
	// counts as all free in most_free_capacity.
	Uncapped bool `json:"uncapped,omitempty" cel:"uncapped"`
	// Weight is the agent's share in weighted round robin and in the
	// fairness band, from 1 to MaxWeight; 0 means 1.
	Weight int `json:"weight,omitempty" cel:"weight"`
	// Shift is the agent's working calendar in its own zone; nil means
	// always on shift.
	Shift *timezone.CalendarConfig `json:"shift,omitempty" cel:"-"`
	// OutOfOffice lists leave periods.
	OutOfOffice []strata.Span `json:"out_of_office,omitempty" cel:"-"`
	// Inactive marks an agent who has left or is suspended: routing passes
	// it over. The zero value is an active agent, so leaving the field out
	// never silently disables anyone.
	Inactive bool `json:"inactive,omitempty" cel:"inactive"`
	// Country is where the agent works (ISO 3166-1), for compliance
	// filters. A file must state it; a configuration built in Go may leave
	// it empty (unknown), which a transfer filter should refuse.
	Country string `json:"country" cel:"country"`
}

// Urgency says how soon work needs a person.
type Urgency string

// The urgencies. Urgent work is never deferred to a later shift.
const (
	UrgencyLow    Urgency = "low"
	UrgencyNormal Urgency = "normal"
	UrgencyHigh   Urgency = "high"
	UrgencyUrgent Urgency = "urgent"
)

// Lead is the work being routed, as rules see it (lead.product,
// lead.value). For a returning customer with no new inquiry it may be empty
// but for its kind.
type Lead struct {
	ID      string        `json:"id,omitempty" cel:"id"`
	Source  strata.Source `json:"source,omitempty" cel:"source"`
	Product string        `json:"product,omitempty" cel:"product"`
	Urgency Urgency       `json:"urgency,omitempty" cel:"urgency"`
	// Value is the expected deal value ("orders over $100k → senior directors").
	Value strata.Money `json:"value,omitzero" cel:"value"`
	// Kind of work, for capacity units: "lead", "customer", "ticket" …
	Kind string `json:"kind,omitempty" cel:"kind"`
	// ReceivedAt starts overflow waits and orders the backlog.
	ReceivedAt time.Time `json:"received_at,omitzero" cel:"received_at"`
	// Priority orders the backlog among leads received together (higher first).
	Priority int            `json:"priority,omitempty" cel:"priority"`
	Attrs    map[string]any `json:"attrs,omitempty" cel:"attrs"`
}

// Strategy picks among eligible agents.
type Strategy string

// The strategies. Ties are broken by the documented fair rule (see Router).
const (
	RoundRobin         Strategy = "round_robin"          // members in turn, skipping the ineligible
	WeightedRoundRobin Strategy = "weighted_round_robin" // in turn, each as often as its weight
	LeastLoaded        Strategy = "least_loaded"         // fewest work units held
	MostFreeCapacity   Strategy = "most_free_capacity"   // highest share of capacity free
	BestSkillFit       Strategy = "best_skill_fit"       // highest levels in the pool's skills, then least loaded
)

// Rule chooses a pool: the first rule whose condition holds routes the work.
type Rule struct {
	Name string `json:"name"`
	// When is CEL over customer, lead, now and home:
	// `in_group(customer, "EU") && lead.product == "textiles"`.
	When string `json:"when"`
	Pool string `json:"pool"`
}

// Pool is a group of agents and how to pick among them.
type Pool struct {
	Name string `json:"name"`
	// Members lists agent IDs; Select adds every agent its CEL condition
	// over agent holds for (`agent.seniority >= 3 && "textiles" in agent.products`).
	// Membership is computed when the configuration is compiled.
	Members  []string `json:"members,omitempty"`
	Select   string   `json:"select,omitempty"`
	Strategy Strategy `json:"strategy"`
	// Sticky sends a returning customer to its owner (customer.owner)
	// while the owner is eligible, before the strategy picks.
	Sticky bool `json:"sticky,omitempty"`
	// Requirements every picked agent must meet.
	Skills         map[string]int `json:"skills,omitempty"` // minimum levels
	MinSeniority   int            `json:"min_seniority,omitempty"`
	MatchLanguage  bool           `json:"match_language,omitempty"`
	MatchRegion    bool           `json:"match_region,omitempty"`
	MatchProduct   bool           `json:"match_product,omitempty"`
	RequireOnShift bool           `json:"require_on_shift,omitempty"`
	// ShiftWindow lets non-urgent work go to an agent whose shift starts
	// within this long (it waits in the agent's queue), when RequireOnShift.
	ShiftWindow strata.Duration `json:"shift_window,omitempty"`
	// Overflow is tried in order when nobody here can take the work.
	Overflow []OverflowStep `json:"overflow,omitempty"`
}

// OverflowStep is one fallback: relax this pool's skill requirements, or
// try another pool, once the work has waited After since lead.received_at.
type OverflowStep struct {
	After       strata.Duration `json:"after,omitempty"`
	RelaxSkills bool            `json:"relax_skills,omitempty"`
	Pool        string          `json:"pool,omitempty"`
}

// CatchUp says what happens to an agent back from leave.
type CatchUp string

// The return-from-leave policies.
const (
	// CatchUpAllow treats a returning agent like everyone else: with the
	// least load, least-loaded routing floods it until it catches up.
	CatchUpAllow CatchUp = "allow"
	// CatchUpLevel (the default) keeps a returning agent, for
	// Config.CatchUpPeriod, from getting ahead of the pack: it is passed
	// over while it has taken more new work since its return than the
	// busiest of its pool peers, so it is never more than one assignment
	// ahead. It is never passed over when nobody else could take the work.
	CatchUpLevel CatchUp = "level"
	// CatchUpCapped allows up to CatchUpCap more than the busiest peer.
	CatchUpCapped CatchUp = "capped"
)

// Config is a routing configuration as plain data (JSON round-trips).
type Config struct {
	// Home is the company's home country, bound to the rules' home variable.
	Home   string  `json:"home"`
	Agents []Agent `json:"agents"`
	Pools  []Pool  `json:"pools"`
	// Rules choose the pool, first match wins; with none, DefaultPool
	// takes everything.
	Rules []Rule `json:"rules,omitempty"`
	// DefaultPool takes work no rule matches; empty leaves it unassigned.
	DefaultPool string `json:"default_pool,omitempty"`
	// DefaultOwner is the last resort once every pool and overflow step
	// failed: an agent ID, still subject to capacity and being active.
	DefaultOwner string `json:"default_owner,omitempty"`
	// Units weighs kinds of work in capacity units (a key account counts
	// 3), from 1 to MaxUnits; a kind not listed counts 1.
	Units map[string]int `json:"units,omitempty"`
	// Window is the rolling window over which assignments are counted for
	// fairness (default 7 days).
	Window strata.Duration `json:"window,omitempty"`
	// CatchUp and its period and cap: see CatchUp. Period defaults to 3 days.
	CatchUp       CatchUp         `json:"catch_up,omitempty"`
	CatchUpPeriod strata.Duration `json:"catch_up_period,omitempty"`
	CatchUpCap    int             `json:"catch_up_cap,omitempty"`
	// Seed salts the final tie-break, so two deployments can differ while
	// each stays deterministic.
	Seed uint64 `json:"seed,omitempty"`
	// Groups adds region groups for rules and agents' regions.
	Groups map[string][]string `json:"groups,omitempty"`
}
