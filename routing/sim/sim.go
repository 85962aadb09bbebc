package sim

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/eventq"
	"github.com/strata-go/strata/internal/load"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/timezone"
)

// Market is where simulated leads come from.
type Market struct {
	Country     string   `json:"country"`
	Subdivision string   `json:"subdivision,omitempty"`
	Languages   []string `json:"languages,omitempty"`
	// Zone is the market's IANA time zone: leads arrive mostly in its
	// working hours (70% between 09:00 and 18:00).
	Zone string `json:"zone"`
	// Weight is the market's share of the leads, relative to the others.
	Weight float64 `json:"weight"`
}

// Config describes a simulated stretch of time. The same Config and seed
// always give the same Report, byte for byte.
type Config struct {
	// Name labels the report, as Compare shows it.
	Name string `json:"name,omitempty"`
	// Seed fixes every random draw: arrivals, markets, mixes, service times.
	Seed        uint64    `json:"seed,omitempty"`
	Start       time.Time `json:"start"`
	Days        int       `json:"days"`
	LeadsPerDay int       `json:"leads_per_day"`
	Markets     []Market  `json:"markets"`
	// Products are drawn uniformly for lead.product; none leaves it empty.
	Products []string `json:"products,omitempty"`
	// TierMix and GradeMix give the share of leads per customer tier and
	// grade (the rules read customer.tier and customer.scores.grade); the
	// tier is also the lead's kind, for capacity units.
	TierMix  map[string]float64       `json:"tier_mix,omitempty"`
	GradeMix map[strata.Grade]float64 `json:"grade_mix,omitempty"`
	// UrgentShare of leads are urgent, from 0 to 1.
	UrgentShare float64 `json:"urgent_share,omitempty"`
	// Service is the mean time a rep works a lead before releasing it
	// (exponentially distributed, at least a minute), counted from the
	// first response.
	Service strata.Duration `json:"service"`
	// SLA is the first-response deadline in the assigned rep's business
	// hours (wall time for a rep without a shift); zero counts no misses.
	SLA strata.Duration `json:"sla,omitempty"`
	// RetryEvery is how soon an unassigned lead is routed again (default
	// an hour), at most MaxRetries times (default 24).
	RetryEvery strata.Duration `json:"retry_every,omitempty"`
	MaxRetries int             `json:"max_retries,omitempty"`
}

// ParseConfig reads a simulation configuration from JSON or YAML (JSON when
// data starts with '{'), strictly: unknown keys, values of the wrong type and
// missing required fields are errors, each a *strata.ConfigError naming its
// path and its line and column, all returned at once. Run checks the values.
// The JSON Schema of the format is config.schema.json beside this package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Largest simulations Run accepts.
const (
	MaxDays  = 3660
	MaxLeads = 10_000_000
)

// check reports every problem with c at once.
func (c *Config) check() error {
	var errs []error
	bad := func(path, msg string) { errs = append(errs, &strata.ConfigError{Path: path, Msg: msg}) }
	if c.Start.IsZero() {
		bad("start", "required")
	}
	if c.Days <= 0 || c.Days > MaxDays {
		bad("days", fmt.Sprintf("%d: want 1 to %d", c.Days, MaxDays))
	}
	if c.LeadsPerDay <= 0 || c.LeadsPerDay > MaxLeads {
		bad("leads_per_day", fmt.Sprintf("%d: want 1 to %d", c.LeadsPerDay, MaxLeads))
	} else if c.Days > 0 && c.Days <= MaxDays && c.Days*c.LeadsPerDay > MaxLeads {
		bad("leads_per_day", fmt.Sprintf("%d days × %d leads: more than %d leads", c.Days, c.LeadsPerDay, MaxLeads))
	}
	if len(c.Markets) == 0 {
		bad("markets", "at least one market")
	}
	for i, m := range c.Markets {
		if !(m.Weight > 0) || math.IsInf(m.Weight, 0) {
			bad(fmt.Sprintf("markets[%d].weight", i), "want a positive number")
		}
		if _, err := timezone.Location(m.Zone); err != nil {
			bad(fmt.Sprintf("markets[%d].zone", i), fmt.Sprintf("%q is not an IANA time zone", m.Zone))
		}
	}
	if !(c.UrgentShare >= 0 && c.UrgentShare <= 1) {
		bad("urgent_share", "want 0 to 1")
	}
	for _, d := range []struct {
		path string
		d    strata.Duration
	}{{"service", c.Service}, {"sla", c.SLA}, {"retry_every", c.RetryEvery}} {
		if d.d < 0 {
			bad(d.path, "negative")
		}
	}
	if c.MaxRetries < 0 {
		bad("max_retries", "negative")
	}
	for _, k := range slices.Sorted(maps.Keys(c.TierMix)) {
		if w := c.TierMix[k]; !(w >= 0) || math.IsInf(w, 0) {
			bad("tier_mix."+k, "want 0 or more")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.GradeMix)) {
		if w := c.GradeMix[k]; !(w >= 0) || math.IsInf(w, 0) {
			bad("grade_mix."+string(k), "want 0 or more")
		}
	}
	return errors.Join(errs...)
}

// AgentReport is one agent's share of a simulation.
type AgentReport struct {
	Agent       string  `json:"agent"`
	Assignments int     `json:"assignments"`
	MeanLoad    float64 `json:"mean_load"`
	MaxLoad     int     `json:"max_load"`
	// Hourly is the agent's load (units held) at the top of every hour.
	Hourly []int `json:"hourly"`
}

// Report is what a simulation measured.
type Report struct {
	Name       string `json:"name"`
	Leads      int    `json:"leads"`
	Assigned   int    `json:"assigned"`
	Unassigned int    `json:"unassigned"` // gave up after MaxRetries
	// Deferrals counts Deferred outcomes (a lead may be deferred more than
	// once); Deferred counts leads deferred at least once.
	Deferrals int `json:"deferrals"`
	Deferred  int `json:"deferred"`
	// WaitMean and WaitP95: from arrival to assignment.
	WaitMean time.Duration `json:"wait_mean"`
	WaitP95  time.Duration `json:"wait_p95"`
	// SLAMisses: first response after the deadline in business time.
	SLAMisses int `json:"sla_misses"`
	// OverflowUsed: leads assigned by an overflow step or the default owner.
	OverflowUsed int `json:"overflow_used"`
	// Reassignments: moves made (the simulator itself makes none; hosts
	// that rebalance inside a run add theirs).
	Reassignments int `json:"reassignments"`
	// Gini of assignments per agent: 0 is perfectly even, 1 one agent has all.
	Gini   float64       `json:"gini"`
	Agents []AgentReport `json:"agents"`
}

// The kinds of event, in the order they run at the same instant.
const (
	evComplete = iota // a rep finished a lead
	evArrive          // a lead arrives or is retried
	evSample          // the hourly load sample
)

type simLead struct {
	req      routing.Request
	tries    int
	deferred bool
}

// run is one simulation in progress.
type run struct {
	cfg         Config
	router      *routing.Router
	store       *routing.MemoryStore
	rng         *rand.Rand
	leads       []simLead
	shifts      map[string]*timezone.Calendar
	agentIDs    []string
	q           eventq.Queue
	rep         Report
	assignments map[string]int
	hourly      map[string][]int
	waits       []time.Duration
	stats       []routing.AgentStats
}

// Run replays cfg's leads through a Router built from the routing
// configuration team (and opts) over a fresh MemoryStore, on a virtual
// clock, and reports what happened. It stops when ctx is done.
func Run(ctx context.Context, team routing.Config, cfg Config, opts ...routing.Option) (Report, error) {
	if ctx == nil {
		return Report{}, errors.New("sim: nil context")
	}
	if err := cfg.check(); err != nil {
		return Report{}, err
	}
	if cfg.RetryEvery == 0 {
		cfg.RetryEvery = strata.Duration(time.Hour)
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 24
	}
	s := &run{cfg: cfg, store: routing.NewMemoryStore(), shifts: map[string]*timezone.Calendar{},
		assignments: map[string]int{}, hourly: map[string][]int{},
		rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	var err error
	if s.router, err = routing.New(team, s.store, opts...); err != nil {
		return Report{}, err
	}
	for _, a := range team.Agents {
		s.agentIDs = append(s.agentIDs, a.ID)
		if a.Shift != nil {
			if s.shifts[a.ID], err = timezone.NewCalendar(*a.Shift); err != nil {
				return Report{}, err
			}
		}
	}
	slices.Sort(s.agentIDs)
	if s.leads, err = generate(s.rng, &cfg); err != nil {
		return Report{}, err
	}
	s.rep = Report{Name: cfg.Name, Leads: len(s.leads)}
	for i := range s.leads {
		s.q.Push(s.leads[i].req.Lead.ReceivedAt, evArrive, i)
	}
	end := cfg.Start.AddDate(0, 0, cfg.Days)
	for h := cfg.Start; h.Before(end); h = h.Add(time.Hour) {
		s.q.Push(h, evSample, -1)
	}
	for ev, ok := s.q.Pop(); ok; ev, ok = s.q.Pop() {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		if err := s.step(ctx, ev); err != nil {
			return Report{}, err
		}
	}
	s.summarize()
	return s.rep, nil
}

// step runs one event.
func (s *run) step(ctx context.Context, ev eventq.Event) error {
	switch ev.Kind {
	case evSample:
		var err error
		s.stats, err = s.store.Stats(ctx, s.agentIDs, time.Time{}, s.stats[:0])
		if err != nil {
			return err
		}
		for _, st := range s.stats {
			s.hourly[st.Agent] = append(s.hourly[st.Agent], st.Load)
		}
		return nil
	case evComplete:
		_, err := s.router.Release(ctx, s.leads[ev.Index].req.Item)
		return err
	}
	l := &s.leads[ev.Index]
	l.req.Now = ev.At
	d, err := s.router.Route(ctx, l.req)
	if err != nil {
		return err
	}
	switch d.Outcome {
	case routing.Assigned:
		s.assigned(ev, l, &d)
	case routing.Deferred:
		s.rep.Deferrals++
		if !l.deferred {
			l.deferred = true
			s.rep.Deferred++
		}
		next := d.RetryAt
		if !next.After(ev.At) {
			next = ev.At.Add(s.cfg.RetryEvery.Std())
		}
		s.q.Push(next, evArrive, ev.Index)
	default:
		l.tries++
		if l.tries >= s.cfg.MaxRetries {
			s.rep.Unassigned++
			return nil
		}
		s.q.Push(ev.At.Add(s.cfg.RetryEvery.Std()), evArrive, ev.Index)
	}
	return nil
}

// assigned books an assignment: the wait, the SLA, and the release to come.
func (s *run) assigned(ev eventq.Event, l *simLead, d *routing.Decision) {
	s.rep.Assigned++
	s.assignments[d.Agent]++
	if d.Step != 0 {
		s.rep.OverflowUsed++
	}
	received := l.req.Lead.ReceivedAt
	s.waits = append(s.waits, ev.At.Sub(received))
	sla := s.cfg.SLA.Std()
	first, deadline := ev.At, received.Add(sla)
	if cal := s.shifts[d.Agent]; cal != nil {
		if open, err := cal.NextOpen(ev.At); err == nil {
			first = open
		}
		if due, err := cal.AddBusiness(received, sla); err == nil {
			deadline = due
		}
	}
	if sla > 0 && first.After(deadline) {
		s.rep.SLAMisses++
	}
	service := time.Duration(s.rng.ExpFloat64() * float64(s.cfg.Service))
	s.q.Push(first.Add(max(service, time.Minute)), evComplete, ev.Index)
}

// summarize fills in the report's figures once every event has run.
func (s *run) summarize() {
	slices.Sort(s.waits)
	if n := len(s.waits); n > 0 {
		var sum time.Duration
		for _, w := range s.waits {
			sum += w
		}
		s.rep.WaitMean = (sum / time.Duration(n)).Round(time.Second)
		s.rep.WaitP95 = s.waits[(n*95)/100].Round(time.Second)
	}
	var counts []int
	for _, id := range s.agentIDs {
		h := s.hourly[id]
		ar := AgentReport{Agent: id, Assignments: s.assignments[id], Hourly: h}
		total := 0
		for _, v := range h {
			total += v
			ar.MaxLoad = max(ar.MaxLoad, v)
		}
		if len(h) > 0 {
			ar.MeanLoad = math.Round(float64(total)/float64(len(h))*100) / 100
		}
		s.rep.Agents = append(s.rep.Agents, ar)
		counts = append(counts, ar.Assignments)
	}
	s.rep.Gini = math.Round(gini(counts)*1000) / 1000
}

// gini is the Gini coefficient of non-negative counts.
func gini(xs []int) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var cum, total float64
	for i, x := range s {
		cum += float64(i+1) * float64(x)
		total += float64(x)
	}
	if total == 0 {
		return 0
	}
	return (2*cum)/(float64(n)*total) - float64(n+1)/float64(n)
}

// String formats the report as a table, the same for the same report.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d leads, %d assigned, %d unassigned, %d deferred (%d deferrals)\n", r.Name, r.Leads, r.Assigned, r.Unassigned, r.Deferred, r.Deferrals)
	fmt.Fprintf(&b, "wait mean %s, p95 %s; SLA misses %d; overflow %d; reassignments %d; Gini %.3f\n",
		r.WaitMean, r.WaitP95, r.SLAMisses, r.OverflowUsed, r.Reassignments, r.Gini)
	for _, a := range r.Agents {
		fmt.Fprintf(&b, "  %-12s %6d assigned  load mean %6.2f max %4d\n", a.Agent, a.Assignments, a.MeanLoad, a.MaxLoad)
	}
	return b.String()
}

// Compare lays reports side by side: the way to review a rule change
// against the current rules on the same seed before it ships.
func Compare(reports ...Report) string {
	var b strings.Builder
	row := func(label string, f func(Report) string) {
		fmt.Fprintf(&b, "%-22s", label)
		for _, r := range reports {
			fmt.Fprintf(&b, " %16s", f(r))
		}
		b.WriteString("\n")
	}
	row("", func(r Report) string { return r.Name })
	row("leads", func(r Report) string { return fmt.Sprint(r.Leads) })
	row("assigned", func(r Report) string { return fmt.Sprint(r.Assigned) })
	row("unassigned", func(r Report) string { return fmt.Sprint(r.Unassigned) })
	row("deferred leads", func(r Report) string { return fmt.Sprint(r.Deferred) })
	row("wait mean", func(r Report) string { return r.WaitMean.String() })
	row("wait p95", func(r Report) string { return r.WaitP95.String() })
	row("SLA misses", func(r Report) string { return fmt.Sprint(r.SLAMisses) })
	row("overflow used", func(r Report) string { return fmt.Sprint(r.OverflowUsed) })
	row("Gini (assignments)", func(r Report) string { return fmt.Sprintf("%.3f", r.Gini) })
	row("busiest rep (max load)", func(r Report) string {
		best := AgentReport{}
		for _, a := range r.Agents {
			if a.MaxLoad > best.MaxLoad {
				best = a
			}
		}
		return fmt.Sprintf("%s %d", best.Agent, best.MaxLoad)
	})
	return b.String()
}
