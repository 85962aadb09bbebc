package routingtest

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/timezone"
)

// Market is where simulated leads come from.
type Market struct {
	Country     string   `json:"country"`
	Subdivision string   `json:"subdivision,omitempty"`
	Languages   []string `json:"languages"`
	// Zone is the market's time zone: leads arrive mostly in its working hours.
	Zone   string  `json:"zone"`
	Weight float64 `json:"weight"`
}

// SimConfig describes a simulated stretch of time. The same config and seed
// always give the same report, byte for byte.
type SimConfig struct {
	Name        string    `json:"name"`
	Seed        uint64    `json:"seed"`
	Start       time.Time `json:"start"`
	Days        int       `json:"days"`
	LeadsPerDay int       `json:"leads_per_day"`
	Markets     []Market  `json:"markets"`
	Products    []string  `json:"products"`
	// TierMix and GradeMix give the share of leads per customer tier and
	// grade (the rules read customer.tier and customer.scores.grade).
	TierMix  map[string]float64       `json:"tier_mix"`
	GradeMix map[strata.Grade]float64 `json:"grade_mix"`
	// UrgentShare of leads are urgent.
	UrgentShare float64 `json:"urgent_share"`
	// Service is the mean time a rep works a lead before releasing it
	// (exponentially distributed), counted from the first response.
	Service time.Duration `json:"service"`
	// SLA is the first-response deadline in the assigned rep's business
	// hours (wall time for a rep without a shift).
	SLA time.Duration `json:"sla"`
	// RetryEvery is how soon an unassigned lead is routed again (default
	// an hour), at most MaxRetries times (default 24).
	RetryEvery time.Duration `json:"retry_every"`
	MaxRetries int           `json:"max_retries"`
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

type event struct {
	at   time.Time
	kind int // 0 complete, 1 arrive or retry, 2 sample: completions first at the same instant
	lead int
	seq  int
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if c := e[i].at.Compare(e[j].at); c != 0 {
		return c < 0
	}
	if e[i].kind != e[j].kind {
		return e[i].kind < e[j].kind
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

type simLead struct {
	req        routing.Request
	tries      int
	deferred   bool
	calendar   *timezone.Calendar
	assignedAt time.Time
}

// Simulate replays cfg's leads through a Router built from routing config rc
// over a fresh MemoryStore, on a virtual clock, and reports what happened.
func Simulate(ctx context.Context, rc routing.Config, cfg SimConfig, opts ...routing.Option) (Report, error) {
	if cfg.Days <= 0 || cfg.LeadsPerDay <= 0 || len(cfg.Markets) == 0 {
		return Report{}, fmt.Errorf("routingtest: simulate needs days, leads per day and markets")
	}
	if cfg.RetryEvery <= 0 {
		cfg.RetryEvery = time.Hour
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 24
	}
	store := routing.NewMemoryStore()
	router, err := routing.New(rc, store, opts...)
	if err != nil {
		return Report{}, err
	}
	shifts := map[string]*timezone.Calendar{}
	var agentIDs []string
	for _, a := range rc.Agents {
		agentIDs = append(agentIDs, a.ID)
		if a.Shift != nil {
			c, err := timezone.NewCalendar(*a.Shift)
			if err != nil {
				return Report{}, err
			}
			shifts[a.ID] = c
		}
	}
	slices.Sort(agentIDs)

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	leads, err := generate(rng, cfg)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Name: cfg.Name, Leads: len(leads)}
	var q events
	seq := 0
	push := func(at time.Time, kind, lead int) {
		seq++
		heap.Push(&q, event{at: at, kind: kind, lead: lead, seq: seq})
	}
	for i := range leads {
		push(leads[i].req.Lead.ReceivedAt, 1, i)
	}
	end := cfg.Start.AddDate(0, 0, cfg.Days)
	for h := cfg.Start; h.Before(end); h = h.Add(time.Hour) {
		push(h, 2, -1)
	}
	assignments := map[string]int{}
	hourly := map[string][]int{}
	var waits []time.Duration
	var statsBuf []routing.AgentStats
	for q.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		ev := heap.Pop(&q).(event)
		switch ev.kind {
		case 2: // hourly sample
			statsBuf, err = store.Stats(ctx, agentIDs, ev.at, statsBuf[:0])
			if err != nil {
				return Report{}, err
			}
			for _, s := range statsBuf {
				hourly[s.Agent] = append(hourly[s.Agent], s.Load)
			}
		case 0: // the rep finished the lead
			if _, err := router.Release(ctx, leads[ev.lead].req.Item); err != nil {
				return Report{}, err
			}
		case 1:
			l := &leads[ev.lead]
			l.req.Now = ev.at
			d, err := router.Route(ctx, l.req)
			if err != nil {
				return Report{}, err
			}
			switch d.Outcome {
			case routing.Assigned:
				rep.Assigned++
				assignments[d.Agent]++
				if d.Step != 0 {
					rep.OverflowUsed++
				}
				wait := ev.at.Sub(l.req.Lead.ReceivedAt)
				waits = append(waits, wait)
				first, deadline := ev.at, l.req.Lead.ReceivedAt.Add(cfg.SLA)
				if cal := shifts[d.Agent]; cal != nil {
					if open, err := cal.NextOpen(ev.at); err == nil {
						first = open
					}
					if due, err := cal.AddBusiness(l.req.Lead.ReceivedAt, cfg.SLA); err == nil {
						deadline = due
					}
				}
				if cfg.SLA > 0 && first.After(deadline) {
					rep.SLAMisses++
				}
				service := time.Duration(rng.ExpFloat64() * float64(cfg.Service))
				push(first.Add(max(service, time.Minute)), 0, ev.lead)
			case routing.Deferred:
				rep.Deferrals++
				if !l.deferred {
					l.deferred = true
					rep.Deferred++
				}
				next := d.RetryAt
				if !next.After(ev.at) {
					next = ev.at.Add(cfg.RetryEvery)
				}
				push(next, 1, ev.lead)
			default:
				l.tries++
				if l.tries >= cfg.MaxRetries {
					rep.Unassigned++
					continue
				}
				push(ev.at.Add(cfg.RetryEvery), 1, ev.lead)
			}
		}
	}
	slices.Sort(waits)
	if n := len(waits); n > 0 {
		var sum time.Duration
		for _, w := range waits {
			sum += w
		}
		rep.WaitMean = (sum / time.Duration(n)).Round(time.Second)
		rep.WaitP95 = waits[(n*95)/100].Round(time.Second)
	}
	var counts []int
	for _, id := range agentIDs {
		h := hourly[id]
		ar := AgentReport{Agent: id, Assignments: assignments[id], Hourly: h}
		total := 0
		for _, v := range h {
			total += v
			ar.MaxLoad = max(ar.MaxLoad, v)
		}
		if len(h) > 0 {
			ar.MeanLoad = math.Round(float64(total)/float64(len(h))*100) / 100
		}
		rep.Agents = append(rep.Agents, ar)
		counts = append(counts, ar.Assignments)
	}
	rep.Gini = math.Round(gini(counts)*1000) / 1000
	return rep, nil
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

// generate makes the leads: markets by weight, arrivals mostly in each
// market's working hours, products, sources, tiers, grades and urgency by
// the config's mixes. Everything comes from rng, so a seed fixes it all.
func generate(rng *rand.Rand, cfg SimConfig) ([]simLead, error) {
	var weightSum float64
	for _, m := range cfg.Markets {
		weightSum += m.Weight
	}
	locs := make([]*time.Location, len(cfg.Markets))
	for i, m := range cfg.Markets {
		loc, err := timezone.Location(m.Zone)
		if err != nil {
			return nil, err
		}
		locs[i] = loc
	}
	pick := func(weights map[string]float64) string {
		keys := make([]string, 0, len(weights))
		var sum float64
		for k, w := range weights {
			keys = append(keys, k)
			sum += w
		}
		slices.Sort(keys)
		x := rng.Float64() * sum
		for _, k := range keys {
			if x -= weights[k]; x < 0 {
				return k
			}
		}
		if len(keys) > 0 {
			return keys[len(keys)-1]
		}
		return ""
	}
	grades := map[string]float64{}
	for g, w := range cfg.GradeMix {
		grades[string(g)] = w
	}
	sources := []strata.Source{strata.SourceWebsite, strata.SourceTradeShow, strata.SourceB2BPlatform, strata.SourceReferral, strata.SourceSocial}
	n := cfg.Days * cfg.LeadsPerDay
	leads := make([]simLead, 0, n)
	for i := range n {
		x := rng.Float64() * weightSum
		mi := 0
		for mi < len(cfg.Markets)-1 {
			if x -= cfg.Markets[mi].Weight; x < 0 {
				break
			}
			mi++
		}
		m := cfg.Markets[mi]
		day := cfg.Start.AddDate(0, 0, i/cfg.LeadsPerDay).In(locs[mi])
		hour := rng.IntN(24)
		if rng.Float64() < 0.7 {
			hour = 9 + rng.IntN(9)
		}
		at := time.Date(day.Year(), day.Month(), day.Day(), hour, rng.IntN(60), rng.IntN(60), 0, locs[mi]).UTC()
		if at.Before(cfg.Start) {
			at = cfg.Start.Add(time.Duration(rng.IntN(3600)) * time.Second)
		}
		id := fmt.Sprintf("sim-%06d", i)
		tier := pick(cfg.TierMix)
		c := strata.Customer{ID: "c-" + id, Country: m.Country, Subdivision: m.Subdivision, Languages: m.Languages, Tier: tier,
			Scores: strata.Scores{Grade: strata.Grade(pick(grades))}}
		urgency := routing.UrgencyNormal
		if rng.Float64() < cfg.UrgentShare {
			urgency = routing.UrgencyUrgent
		}
		product := ""
		if len(cfg.Products) > 0 {
			product = cfg.Products[rng.IntN(len(cfg.Products))]
		}
		lead := routing.Lead{ID: id, Source: sources[rng.IntN(len(sources))], Product: product, Urgency: urgency, Kind: tier,
			Value: strata.MoneyOf(decimal.NewFromInt(int64(1000*(1+rng.IntN(300)))), "USD"), ReceivedAt: at}
		leads = append(leads, simLead{req: routing.Request{Item: id, Customer: c, Lead: lead, Quiet: true}})
	}
	slices.SortStableFunc(leads, func(a, b simLead) int { return a.req.Lead.ReceivedAt.Compare(b.req.Lead.ReceivedAt) })
	return leads, nil
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
