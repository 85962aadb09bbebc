package review

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

// Stats are the figures of one rule, pool or rep, or of all records.
type Stats struct {
	// Name is the rule, pool or rep; "" for a rule is the default pool.
	Name string `json:"name"`
	// Leads counts the decisions; Assigned those that gave the work to a
	// rep, Overflow those an overflow step or the default owner made.
	Leads    int `json:"leads"`
	Assigned int `json:"assigned"`
	Overflow int `json:"overflow"`
	// Contacted counts assigned leads with a first contact; the durations
	// to it are business time in the rep's shift (0 for a contact recorded
	// before the decision).
	Contacted          int           `json:"contacted"`
	FirstContactMedian time.Duration `json:"first_contact_median"`
	FirstContactP90    time.Duration `json:"first_contact_p90"`
	FirstContactMean   time.Duration `json:"first_contact_mean"`
	// SLAMisses counts assigned leads first contacted after the SLA, or
	// not contacted by its deadline.
	SLAMisses int `json:"sla_misses"`
	// Conversions counts converted leads; Rate is Conversions / Assigned.
	Conversions int     `json:"conversions"`
	Rate        float64 `json:"rate"`
	// Won is the converted value, in the report's currency: each
	// currency's exact sum converted once, rounded half away from zero to
	// the currency's minor unit.
	Won strata.Money `json:"won"`
	// SalesCycleMedian is the median time from decision to close of the
	// conversions with a close date.
	SalesCycleMedian time.Duration `json:"sales_cycle_median"`
	// Rated counts the leads with a satisfaction rating, and Satisfaction
	// is their mean.
	Rated        int     `json:"rated"`
	Satisfaction float64 `json:"satisfaction"`
}

// Loads are each rep's open leads (assigned, not yet released) at every
// step of the period.
type Loads struct {
	Start time.Time     `json:"start"`
	Step  time.Duration `json:"step"`
	// Agents lists the reps, and Open[i][k] is agent i's open leads at
	// Start + k×Step.
	Agents []string `json:"agents"`
	Open   [][]int  `json:"open"`
}

// Report is the review of a stretch of routing decisions.
type Report struct {
	Name     string          `json:"name"`
	Period   strata.Span     `json:"period"`
	Currency string          `json:"currency"`
	SLA      strata.Duration `json:"sla"`
	// Outcomes is false for a replay's decisions, which have none: their
	// contact, SLA, conversion, value, cycle and satisfaction figures are
	// zero.
	Outcomes bool  `json:"outcomes"`
	Total    Stats `json:"total"`
	// Rules lists every rule of the configuration in order, then the
	// default pool (Name ""), then rules the records name that the
	// configuration does not have, sorted. Pools and Agents likewise; the
	// pool named "" is the default owner's work, outside every pool.
	Rules  []Stats `json:"rules"`
	Pools  []Stats `json:"pools"`
	Agents []Stats `json:"agents"`
	// NeverFired lists the configuration's rules no decision came
	// through; IdlePools its pools that assigned nothing.
	NeverFired []string `json:"never_fired"`
	IdlePools  []string `json:"idle_pools"`
	// GiniAssignments and GiniWon measure how evenly assignments and won
	// value spread over the active reps (and any other rep the records
	// name): 0 is perfectly even, 1 one rep has everything. Rounded to
	// three decimals.
	GiniAssignments float64 `json:"gini_assignments"`
	GiniWon         float64 `json:"gini_won"`
	Loads           Loads   `json:"loads"`
	// Unknown names the agents, pools and rules the records name that the
	// configuration does not have ("agent a-9").
	Unknown []string `json:"unknown"`
}

// acc accumulates one group.
type acc struct {
	leads, assigned, overflow, contacted, misses, conversions, rated int
	satisfaction                                                     float64
	firsts, cycles                                                   []time.Duration
	won                                                              map[string]decimal.Decimal
}

func (a *acc) add(f *fact) {
	a.leads++
	if !f.assigned {
		return
	}
	a.assigned++
	if f.overflow {
		a.overflow++
	}
	if f.contacted {
		a.contacted++
		a.firsts = append(a.firsts, f.first)
	}
	if f.miss {
		a.misses++
	}
	if f.converted {
		a.conversions++
		if f.cycle > 0 {
			a.cycles = append(a.cycles, f.cycle)
		}
	}
	if !f.won.IsZero() {
		if a.won == nil {
			a.won = map[string]decimal.Decimal{}
		}
		a.won[f.won.Currency] = a.won[f.won.Currency].Add(f.won.Amount)
	}
	if f.satisfaction != 0 {
		a.rated++
		a.satisfaction += f.satisfaction
	}
}

// aggregate is one review in progress.
type aggregate struct {
	r                    *Reviewer
	outcomes             bool
	total                acc
	rules, pools, agents map[string]*acc
	diffs                map[string]map[int64]int // agent → bucket index → change of open leads
	origin               time.Time
	first, last          time.Time
}

func (r *Reviewer) newAggregate(outcomes bool) *aggregate {
	a := &aggregate{r: r, outcomes: outcomes, rules: map[string]*acc{}, pools: map[string]*acc{}, agents: map[string]*acc{},
		diffs: map[string]map[int64]int{}, origin: r.cfg.Period.Start}
	if a.origin.IsZero() {
		a.origin = time.Unix(0, 0).UTC()
	}
	return a
}

func group(m map[string]*acc, name string) *acc {
	g := m[name]
	if g == nil {
		g = &acc{}
		m[name] = g
	}
	return g
}

func (a *aggregate) add(f *fact) {
	if !f.in {
		return
	}
	if a.first.IsZero() || f.at.Before(a.first) {
		a.first = f.at
	}
	if f.at.After(a.last) {
		a.last = f.at
	}
	a.total.add(f)
	group(a.rules, f.rule).add(f)
	if f.pool != "" || f.assigned {
		group(a.pools, f.pool).add(f)
	}
	if !f.assigned {
		return
	}
	group(a.agents, f.agent).add(f)
	d := a.diffs[f.agent]
	if d == nil {
		d = map[int64]int{}
		a.diffs[f.agent] = d
	}
	d[a.boundary(f.at)]++
	if !f.released.IsZero() && f.released.After(f.at) {
		d[a.boundary(f.released)]--
	} else if !f.released.IsZero() {
		d[a.boundary(f.at)]--
	}
}

// boundary returns the index of the first bucket boundary at or after t.
func (a *aggregate) boundary(t time.Time) int64 {
	d := t.Sub(a.origin)
	step := a.r.bucket
	k := int64(d / step)
	if d%step > 0 {
		k++
	}
	return k
}

func (a *aggregate) report() (Report, error) {
	r := a.r
	rep := Report{Name: r.cfg.Name, Period: r.cfg.Period, Currency: r.cfg.Currency, SLA: r.cfg.SLA, Outcomes: a.outcomes,
		NeverFired: []string{}, IdlePools: []string{}, Unknown: []string{}}
	if rep.Period.Start.IsZero() {
		rep.Period = strata.Span{Start: a.first, End: a.last}
	}
	var err error
	if rep.Total, err = a.stats("", &a.total); err != nil {
		return Report{}, err
	}
	for _, set := range []struct {
		out  *[]Stats
		m    map[string]*acc
		conf []string
		kind string
	}{{&rep.Rules, a.rules, append(slices.Clone(r.rules), ""), "rule"}, {&rep.Pools, a.pools, a.poolNames(), "pool"}, {&rep.Agents, a.agents, r.agents, "agent"}} {
		for _, name := range ordered(set.conf, set.m) {
			g := set.m[name]
			if g == nil {
				g = &acc{}
			}
			s, err := a.stats(name, g)
			if err != nil {
				return Report{}, err
			}
			*set.out = append(*set.out, s)
			if !slices.Contains(set.conf, name) {
				rep.Unknown = append(rep.Unknown, set.kind+" "+name)
			}
		}
	}
	for i, name := range r.rules {
		if rep.Rules[i].Leads == 0 {
			rep.NeverFired = append(rep.NeverFired, name)
		}
	}
	for i, name := range r.pools {
		if rep.Pools[i].Assigned == 0 {
			rep.IdlePools = append(rep.IdlePools, name)
		}
	}
	rep.GiniAssignments, rep.GiniWon = a.fairness(rep.Agents)
	rep.Loads = a.loads(rep.Period, rep.Agents)
	return rep, nil
}

// poolNames are the configured pools, then "" (the default owner, who
// works outside every pool) when it assigned anything.
func (a *aggregate) poolNames() []string {
	names := slices.Clone(a.r.pools)
	if _, ok := a.pools[""]; ok {
		names = append(names, "")
	}
	return names
}

// stats turns an accumulator into figures.
func (a *aggregate) stats(name string, g *acc) (Stats, error) {
	s := Stats{Name: name, Leads: g.leads, Assigned: g.assigned, Overflow: g.overflow, Contacted: g.contacted,
		SLAMisses: g.misses, Conversions: g.conversions, Rated: g.rated, Won: strata.Money{Currency: a.r.cfg.Currency}}
	if g.assigned > 0 {
		s.Rate = float64(g.conversions) / float64(g.assigned)
	}
	if g.rated > 0 {
		s.Satisfaction = g.satisfaction / float64(g.rated)
	}
	s.FirstContactMedian, s.FirstContactP90, s.FirstContactMean = quantiles(g.firsts)
	s.SalesCycleMedian, _, _ = quantiles(g.cycles)
	for _, cur := range slices.Sorted(maps.Keys(g.won)) {
		m, err := strata.MoneyOf(g.won[cur], cur).In(a.r.cfg.Currency, a.r.opts.conv)
		if err != nil {
			return Stats{}, fmt.Errorf("review: won value in %s: %w", cur, err)
		}
		s.Won.Amount = s.Won.Amount.Add(m.Amount)
	}
	s.Won = s.Won.Round()
	return s, nil
}

// quantiles returns the median (the lower middle), the 90th percentile
// (nearest rank) and the mean, rounded to the second; zeros for none.
func quantiles(ds []time.Duration) (median, p90, mean time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	n := len(ds)
	rank := (n*90 + 99) / 100 // nearest rank: ceil(0.9 n)
	return ds[(n-1)/2].Round(time.Second), ds[max(rank-1, 0)].Round(time.Second), (sum / time.Duration(n)).Round(time.Second)
}

// fairness returns the Gini coefficients of assignments and won value over
// the active configured reps and any other rep the records name.
func (a *aggregate) fairness(agents []Stats) (float64, float64) {
	var counts, won []float64
	for i, s := range agents {
		if i < len(a.r.active) && !a.r.active[i] && s.Assigned == 0 {
			continue
		}
		counts = append(counts, float64(s.Assigned))
		won = append(won, s.Won.Amount.InexactFloat64())
	}
	return round3(gini(counts)), round3(gini(won))
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// gini is the Gini coefficient of non-negative values.
func gini(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var cum, total float64
	for i, x := range s {
		cum += float64(i+1) * x
		total += x
	}
	if total <= 0 {
		return 0
	}
	return (2*cum)/(float64(n)*total) - float64(n+1)/float64(n)
}

// maxBuckets bounds the loads series: a period of more buckets is charted
// in wider ones.
const maxBuckets = 4000

// loads builds the open-leads series of every rep over the period.
func (a *aggregate) loads(period strata.Span, agents []Stats) Loads {
	bucket := a.r.bucket
	lo, hi := a.boundary(period.Start), a.boundary(period.End)
	if a.r.cfg.Period.Start.IsZero() {
		hi = int64(period.End.Sub(a.origin) / bucket) // the last boundary at or before the last decision
	}
	every := max(1, (hi-lo)/maxBuckets+1) // buckets per step
	l := Loads{Start: a.origin.Add(time.Duration(lo) * bucket), Step: time.Duration(every) * bucket, Agents: []string{}, Open: [][]int{}}
	if hi < lo {
		return l
	}
	for _, s := range agents {
		d := a.diffs[s.Name]
		keys := slices.Sorted(maps.Keys(d))
		series := make([]int, 0, (hi-lo)/every+1)
		open, ki := 0, 0
		for k := lo; k <= hi; k += every {
			for ki < len(keys) && keys[ki] <= k {
				open += d[keys[ki]]
				ki++
			}
			series = append(series, open)
		}
		l.Agents = append(l.Agents, s.Name)
		l.Open = append(l.Open, series)
	}
	return l
}

// String formats the report as tables, the same for the same report.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s to %s, %d leads, %d assigned, %d converted (%.1f%%), won %s\n", r.Name,
		r.Period.Start.Format(time.DateOnly), r.Period.End.Format(time.DateOnly), r.Total.Leads, r.Total.Assigned,
		r.Total.Conversions, 100*r.Total.Rate, r.Total.Won)
	fmt.Fprintf(&b, "fairness: Gini %.3f of assignments, %.3f of won value; never fired: %s; idle pools: %s\n",
		r.GiniAssignments, r.GiniWon, list(r.NeverFired), list(r.IdlePools))
	table := func(title, unnamed string, rows []Stats) {
		fmt.Fprintf(&b, "%-22s %6s %6s %5s %6s %8s %8s %6s %14s %5s\n", title, "leads", "assgn", "ovfl", "conv", "rate", "1st med", "SLA", "won", "csat")
		for _, s := range rows {
			name := s.Name
			if name == "" {
				name = unnamed
			}
			fmt.Fprintf(&b, "  %-20s %6d %6d %5d %6d %7.1f%% %8s %6d %14s %5.2f\n", name, s.Leads, s.Assigned, s.Overflow,
				s.Conversions, 100*s.Rate, s.FirstContactMedian, s.SLAMisses, s.Won.Amount.StringFixed(2), s.Satisfaction)
		}
	}
	table("rule", "(default pool)", r.Rules)
	table("pool", "(default owner)", r.Pools)
	table("rep", "(nobody)", r.Agents)
	return b.String()
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
