package main

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
	"github.com/strata-go/strata/routing/sim"
	"github.com/strata-go/strata/timezone"
)

// The built-in sample quarter: a host's records of a quarter of routing
// decisions, made the way a host makes them. Leads (drawn as quarter.yaml
// says: markets by weight, arriving mostly in their market's working hours,
// tiers, grades, products, urgency) are routed through team.yaml over a
// routing.MemoryStore as they arrive; deferred leads are routed again when
// the router says, unassigned ones every hour; every final decision is
// recorded in the order it was made. What came of each assignment is drawn
// from the same seeded source:
//
//   - first contact, in the rep's business time, is slower the more the rep
//     holds (half an hour when idle, an hour at twenty leads); one lead in
//     twelve is never contacted;
//   - conversion is likelier for senior reps, for reps who speak the
//     customer's language, for better grades, and less likely after a slow
//     first contact; the deal is worth the lead's value give or take 40%,
//     in yuan for Chinese customers, and closes one to ten weeks later;
//   - three customers in five rate the service, lower the slower the first
//     contact;
//   - the rep releases the lead when the deal closes, or after the service
//     time (exponential, quarter.yaml's mean).
//
// The same files and seed give the same records on any machine.

type event struct {
	at      time.Time
	release bool
	lead    int
	seq     int
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if c := e[i].at.Compare(e[j].at); c != 0 {
		return c < 0
	}
	if e[i].release != e[j].release {
		return e[i].release // releases first, as Replay orders them
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

// generator makes one sample quarter.
type generator struct {
	cfg     sim.Config
	team    routing.Config
	rates   strata.Converter
	rng     *rand.Rand
	store   *routing.MemoryStore
	router  *routing.Router
	shifts  map[string]*timezone.Calendar
	agents  map[string]routing.Agent
	reqs    []routing.Request
	tries   []int
	q       events
	seq     int
	records []review.Record
}

// generate returns the sample quarter's records.
func generate(ctx context.Context, cfg sim.Config, team routing.Config, rates strata.Converter) ([]review.Record, error) {
	if cfg.Days <= 0 || cfg.LeadsPerDay <= 0 || len(cfg.Markets) == 0 || cfg.Start.IsZero() {
		return nil, errors.New("quarter: start, days, leads_per_day and markets are required")
	}
	g := &generator{cfg: cfg, team: team, rates: rates, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		store: routing.NewMemoryStore(), shifts: map[string]*timezone.Calendar{}, agents: map[string]routing.Agent{}}
	var err error
	if g.router, err = routing.New(team, g.store, routing.WithConverter(rates)); err != nil {
		return nil, err
	}
	for _, a := range team.Agents {
		g.agents[a.ID] = a
		if a.Shift != nil {
			if g.shifts[a.ID], err = timezone.NewCalendar(*a.Shift); err != nil {
				return nil, err
			}
		}
	}
	if err := g.leads(); err != nil {
		return nil, err
	}
	for g.q.Len() > 0 {
		if err := g.step(ctx, heap.Pop(&g.q).(event)); err != nil {
			return nil, err
		}
	}
	return g.records, nil
}

func (g *generator) push(at time.Time, release bool, lead int) {
	g.seq++
	heap.Push(&g.q, event{at: at, release: release, lead: lead, seq: g.seq})
}

var sources = []strata.Source{strata.SourceWebsite, strata.SourceTradeShow, strata.SourceB2BPlatform, strata.SourceReferral, strata.SourceSocial}

// leads draws every lead and schedules its arrival.
func (g *generator) leads() error {
	var total float64
	for _, m := range g.cfg.Markets {
		total += m.Weight
	}
	tiers, grades := mix(g.cfg.TierMix), mix(gradeWeights(g.cfg.GradeMix))
	for i := range g.cfg.Days * g.cfg.LeadsPerDay {
		m := g.market(total)
		loc, err := timezone.Location(m.Zone)
		if err != nil {
			return fmt.Errorf("quarter: market %s: %w", m.Country, err)
		}
		day := g.cfg.Start.AddDate(0, 0, i/g.cfg.LeadsPerDay).In(loc)
		hour := g.rng.IntN(24)
		if g.rng.Float64() < 0.7 {
			hour = 9 + g.rng.IntN(9)
		}
		at := time.Date(day.Year(), day.Month(), day.Day(), hour, g.rng.IntN(60), g.rng.IntN(60), 0, loc).UTC()
		at = maxTime(at, g.cfg.Start)
		id := fmt.Sprintf("q2-%05d", i)
		tier := tiers.pick(g.rng)
		c := strata.Customer{ID: "c-" + id, Country: m.Country, Subdivision: m.Subdivision, Languages: m.Languages,
			Tier: tier, Scores: strata.Scores{Grade: strata.Grade(grades.pick(g.rng))}}
		lead := routing.Lead{ID: id, Source: sources[g.rng.IntN(len(sources))], Kind: tier, ReceivedAt: at,
			Value: strata.MoneyOf(decimal.NewFromInt(int64(1000*(1+g.rng.IntN(300)))), "USD"), Urgency: routing.UrgencyNormal}
		if len(g.cfg.Products) > 0 {
			lead.Product = g.cfg.Products[g.rng.IntN(len(g.cfg.Products))]
		}
		if g.rng.Float64() < g.cfg.UrgentShare {
			lead.Urgency = routing.UrgencyUrgent
		}
		g.reqs = append(g.reqs, routing.Request{Item: id, Customer: c, Lead: lead, Quiet: true})
		g.tries = append(g.tries, 0)
		g.push(at, false, i)
	}
	return nil
}

func (g *generator) market(total float64) sim.Market {
	x := g.rng.Float64() * total
	for _, m := range g.cfg.Markets {
		if x -= m.Weight; x < 0 {
			return m
		}
	}
	return g.cfg.Markets[len(g.cfg.Markets)-1]
}

// step runs one event: a release, or a lead routed (again).
func (g *generator) step(ctx context.Context, ev event) error {
	req := g.reqs[ev.lead]
	if ev.release {
		_, err := g.router.Release(ctx, req.Item)
		return err
	}
	req.Now = ev.at
	d, err := g.router.Route(ctx, req)
	if err != nil {
		return err
	}
	switch d.Outcome {
	case routing.Assigned:
		rec, err := g.outcome(ctx, req, d)
		if err != nil {
			return err
		}
		g.records = append(g.records, rec)
		if !rec.Released.IsZero() {
			g.push(rec.Released, true, ev.lead)
		}
		return nil
	case routing.Deferred:
		g.push(maxTime(d.RetryAt, ev.at.Add(time.Minute)), false, ev.lead)
		return nil
	}
	if g.tries[ev.lead]++; g.tries[ev.lead] < max(g.cfg.MaxRetries, 1) {
		g.push(ev.at.Add(max(g.cfg.RetryEvery.Std(), time.Minute)), false, ev.lead)
		return nil
	}
	g.records = append(g.records, review.Record{Item: req.Item, Customer: req.Customer, Lead: req.Lead, At: d.At, Pool: d.Pool, Rule: d.Rule})
	return nil
}

// outcome draws what came of an assignment (see the top of this file).
func (g *generator) outcome(ctx context.Context, req routing.Request, d routing.Decision) (review.Record, error) {
	rec := review.Record{Item: req.Item, Customer: req.Customer, Lead: req.Lead, At: d.At, Agent: d.Agent,
		Pool: d.Pool, Rule: d.Rule, Step: d.Step}
	stats, err := g.store.Stats(ctx, []string{d.Agent}, time.Time{}, nil)
	if err != nil {
		return rec, err
	}
	delay := time.Duration(g.rng.ExpFloat64() * float64(30*time.Minute) * (1 + float64(stats[0].Load)/20))
	if g.rng.IntN(12) > 0 {
		rec.FirstContact = d.At.Add(delay)
		if cal := g.shifts[d.Agent]; cal != nil {
			if rec.FirstContact, err = cal.AddBusiness(d.At, delay); err != nil {
				return rec, err
			}
		}
	}
	a := g.agents[d.Agent]
	p := (0.06 + 0.035*float64(a.Seniority)) * gradeFactor[req.Customer.Scores.Grade]
	if speaks(a, req.Customer.Languages) {
		p *= 1.4
	}
	if rec.FirstContact.IsZero() || delay > 8*time.Hour {
		p *= 0.5
	}
	service := time.Duration(math.Max(1, g.rng.ExpFloat64()*float64(g.cfg.Service.Std())))
	rec.Released = maxTime(d.At.Add(service), rec.FirstContact)
	if g.rng.Float64() < p {
		if err := g.converted(&rec, req); err != nil {
			return rec, err
		}
	}
	if !rec.FirstContact.IsZero() && g.rng.IntN(5) < 3 {
		score := 4.6 - delay.Hours()*0.25 + g.rng.NormFloat64()*0.6
		rec.Satisfaction = math.Round(math.Max(1, math.Min(5, score)))
	}
	return rec, nil
}

// converted books a sale: its value, in yuan for Chinese customers, and
// its close date, when the rep lets go of the lead.
func (g *generator) converted(rec *review.Record, req routing.Request) error {
	factor := decimal.NewFromFloat(0.6 + 0.8*g.rng.Float64()).Round(2)
	won := req.Lead.Value.Mul(factor).Round()
	if req.Customer.Country == "CN" {
		var err error
		if won, err = won.In("CNY", g.rates); err != nil {
			return err
		}
	}
	rec.Converted, rec.Won = true, won
	rec.ClosedAt = rec.At.Add(time.Duration(7+g.rng.IntN(63)) * 24 * time.Hour)
	rec.Released = maxTime(rec.ClosedAt, rec.FirstContact)
	return nil
}

var gradeFactor = map[strata.Grade]float64{"A": 1.8, "B": 1.2, "C": 0.8, "D": 0.4, "": 1}

// speaks reports whether the rep speaks one of the customer's languages
// (same base language).
func speaks(a routing.Agent, langs []string) bool {
	base := func(tag string) string {
		for i, r := range tag {
			if r == '-' {
				return tag[:i]
			}
		}
		return tag
	}
	for _, l := range langs {
		if slices.ContainsFunc(a.Languages, func(s string) bool { return base(s) == base(l) }) {
			return true
		}
	}
	return false
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// weights draws keys by weight, in sorted key order so that map order never
// matters.
type weights struct {
	keys []string
	w    []float64
	sum  float64
}

func mix(m map[string]float64) weights {
	var out weights
	for k := range m {
		out.keys = append(out.keys, k)
	}
	slices.Sort(out.keys)
	for _, k := range out.keys {
		out.w = append(out.w, m[k])
		out.sum += m[k]
	}
	return out
}

func gradeWeights(m map[strata.Grade]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

func (w weights) pick(rng *rand.Rand) string {
	x := rng.Float64() * w.sum
	for i, k := range w.keys {
		if x -= w.w[i]; x < 0 {
			return k
		}
	}
	if len(w.keys) > 0 {
		return w.keys[len(w.keys)-1]
	}
	return ""
}
