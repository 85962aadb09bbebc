package scoring

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

// Option configures Compile.
type Option func(*options)

type options struct{ conv strata.Converter }

// WithConverter sets the exchange rates used to read revenue in the card's
// currency and to compare money in rules.
func WithConverter(conv strata.Converter) Option { return func(o *options) { o.conv = conv } }

// Engine is a compiled scorecard. It is immutable and safe for concurrent use.
type Engine struct {
	card     Config
	criteria []criterion
	maxTotal float64 // points possible after caps
	conv     strata.Converter
	env      *rules.Env
	acts     sync.Pool
}

type criterion struct {
	Criterion
	prog *rules.Program
}

// New validates and compiles a scorecard, reporting every problem at
// once: rule errors with line and column, and configuration errors (no
// criteria, duplicate names, not exactly one of when / value / measure, an
// unknown measure, a missing or malformed scale, a negative weight or cap, a
// cap on an unknown group, grades out of order, an unknown currency).
func New(card Config, opts ...Option) (*Engine, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if card.Name == "" {
		bad("name", "required")
	}
	if card.Target != TargetValue && card.Target != TargetPotential {
		bad("target", "%q: want value or potential", card.Target)
	}
	if !strata.IsCountry(card.Home) {
		bad("home", "%q is not an ISO 3166-1 alpha-2 country code", card.Home)
	}
	if !strata.IsCurrency(card.Currency) {
		bad("currency", "%q is not an ISO 4217 currency", card.Currency)
	}
	env, err := rules.New(rules.WithConverter(o.conv))
	if err != nil {
		return nil, err
	}
	e := &Engine{card: card, conv: o.conv, env: env}
	if len(card.Criteria) == 0 {
		bad("criteria", "at least one criterion is required")
	}
	names := map[string]bool{}
	groups := map[string]float64{}
	for i, c := range card.Criteria {
		path := fmt.Sprintf("criteria[%d]", i)
		switch {
		case c.Name == "":
			bad(path+".name", "required")
		case names[c.Name]:
			bad(path+".name", "duplicate criterion %q", c.Name)
		}
		names[c.Name] = true
		if !(c.Weight > 0) || math.IsInf(c.Weight, 0) {
			bad(path+".weight", "%v: want a positive number of points", c.Weight)
		}
		set := 0
		for _, s := range []bool{c.When != "", c.Value != "", c.Measure != ""} {
			if s {
				set++
			}
		}
		if set != 1 {
			bad(path, "set exactly one of when, value and measure")
		}
		cc := criterion{Criterion: c}
		rule := "criterion " + card.Name + "/" + c.Name
		switch {
		case c.When != "":
			if c.Scale != nil {
				bad(path+".scale", "a when condition is all or nothing; it takes no scale")
			}
			if cc.prog, err = env.Compile(rule, c.When, rules.Bool); err != nil {
				errs = append(errs, err)
			}
		case c.Value != "":
			if cc.prog, err = env.Compile(rule, c.Value, rules.Number); err != nil {
				errs = append(errs, err)
			}
			checkScale(c.Scale, path+".scale", bad)
		case c.Measure != "":
			if !slices.Contains(measures, c.Measure) {
				bad(path+".measure", "unknown measure %q", c.Measure)
			}
			checkScale(c.Scale, path+".scale", bad)
		}
		if c.Group != "" {
			groups[c.Group] += max(c.Weight, 0)
		}
		e.criteria = append(e.criteria, cc)
	}
	for _, g := range sortedKeys(card.Caps) {
		switch cap := card.Caps[g]; {
		case groups[g] == 0:
			bad("caps."+g, "no criterion is in group %q", g)
		case !(cap > 0):
			bad("caps."+g, "%v: want a positive number of points", cap)
		}
	}
	if len(card.Grades) == 0 {
		bad("grades", "at least one grade band is required")
	}
	for i, g := range card.Grades {
		path := fmt.Sprintf("grades[%d]", i)
		if g.Grade == "" || !g.Grade.Valid() {
			bad(path+".grade", "%q: want A, B, C or D", g.Grade)
		}
		if !(g.Min >= 0 && g.Min <= 100) {
			bad(path+".min", "%v is outside 0–100", g.Min)
		}
		if i > 0 && !(g.Min < card.Grades[i-1].Min) {
			bad(path+".min", "thresholds must fall from best grade to worst")
		}
	}
	if n := len(card.Grades); n > 0 && card.Grades[n-1].Min != 0 {
		bad(fmt.Sprintf("grades[%d].min", n-1), "the last band must start at 0 so every score has a grade")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Points possible: each group's weights, capped.
	for g, w := range groups {
		if cap, ok := card.Caps[g]; ok && cap < w {
			w = cap
		}
		e.maxTotal += w
	}
	for _, c := range card.Criteria {
		if c.Group == "" {
			e.maxTotal += c.Weight
		}
	}
	e.acts.New = func() any { return &work{act: env.NewActivation(card.Home, time.Time{})} }
	return e, nil
}

func checkScale(s *Scale, path string, bad func(string, string, ...any)) {
	if s == nil {
		bad(path, "required: how the number becomes points (linear, log or step)")
		return
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch s.Kind {
	case ScaleLinear, ScaleLog:
		if !finite(s.From) || !finite(s.To) || s.From == s.To {
			bad(path, "from and to must be different finite numbers")
		}
		if s.Kind == ScaleLog && (s.From < 0 || s.To < 0) {
			bad(path, "a log scale needs from and to of 0 or more")
		}
		if len(s.Steps) > 0 {
			bad(path+".steps", "only a step scale has steps")
		}
	case ScaleStep:
		if len(s.Steps) == 0 {
			bad(path+".steps", "a step scale needs steps")
		}
		for i, st := range s.Steps {
			if !finite(st.At) || !(st.Fraction >= 0 && st.Fraction <= 1) {
				bad(fmt.Sprintf("%s.steps[%d]", path, i), "at must be finite and fraction within 0–1")
			}
			if i > 0 && !(st.At > s.Steps[i-1].At) {
				bad(fmt.Sprintf("%s.steps[%d].at", path, i), "steps must ascend by at")
			}
		}
	default:
		bad(path+".kind", "%q: want linear, log or step", s.Kind)
	}
}

// Config returns the scorecard the engine was compiled from.
func (e *Engine) Config() Config { return e.card }

// fraction scales v into 0–1.
func (s *Scale) fraction(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	switch s.Kind {
	case ScaleLinear:
		return clamp01((v - s.From) / (s.To - s.From))
	case ScaleLog:
		lv := math.Log1p(max(v, 0))
		lf, lt := math.Log1p(s.From), math.Log1p(s.To)
		return clamp01((lv - lf) / (lt - lf))
	case ScaleStep:
		i := sort.Search(len(s.Steps), func(i int) bool { return s.Steps[i].At > v })
		if i == 0 {
			return 0
		}
		return s.Steps[i-1].Fraction
	}
	return 0
}

func clamp01(f float64) float64 {
	switch {
	case math.IsNaN(f) || f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Contribution is what one criterion added to the score.
type Contribution struct {
	Criterion string `json:"criterion"`
	Group     string `json:"group,omitempty"`
	// Raw is what was measured: the number, or 1/0 for a condition.
	Raw float64 `json:"raw"`
	// Missing says the measure had no data (no orders, no revenue, no
	// events); it then earns nothing.
	Missing bool `json:"missing,omitempty"`
	// Fraction is the share of the weight earned, 0–1, before caps.
	Fraction float64 `json:"fraction"`
	// Points is the contribution on the 0–100 score after caps; the
	// contributions' points sum to Result.Score.
	Points float64 `json:"points"`
	// Max is the most this criterion could add to the score.
	Max float64 `json:"max"`
	// Capped says the criterion's group hit its cap, scaling its points down.
	Capped bool `json:"capped,omitempty"`
}

// Result is a score with its grade and breakdown.
type Result struct {
	Card      string         `json:"card"`
	Target    Target         `json:"target"`
	Score     float64        `json:"score"` // 0–100
	Grade     strata.Grade   `json:"grade"`
	Breakdown []Contribution `json:"breakdown"`
}

// Why explains the score for people: each criterion's points out of its
// maximum, best contributions first.
func (r Result) Why() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s score %.1f → grade %s", r.Card, r.Score, r.Grade)
	order := slices.Clone(r.Breakdown)
	slices.SortStableFunc(order, func(x, y Contribution) int {
		switch {
		case x.Points > y.Points:
			return -1
		case x.Points < y.Points:
			return 1
		}
		return 0
	})
	for _, c := range order {
		fmt.Fprintf(&b, "\n  %-16s %5.1f / %4.1f", c.Criterion, c.Points, c.Max)
		switch {
		case c.Missing:
			b.WriteString("  (no data)")
		case c.Capped:
			fmt.Fprintf(&b, "  (raw %s, group %s capped)", fmtRaw(c.Raw), c.Group)
		default:
			fmt.Fprintf(&b, "  (raw %s)", fmtRaw(c.Raw))
		}
	}
	return b.String()
}

func fmtRaw(v float64) string {
	if (v == math.Trunc(v) || math.Abs(v) >= 1000) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

type work struct {
	act  *rules.Activation
	c    strata.Customer
	raws []float64
}

// Score scores one customer at now, with its engagement events (nil when
// the card measures none). It fails only when a rule or a currency
// conversion fails.
func (e *Engine) Score(c strata.Customer, events []Event, now time.Time) (Result, error) {
	w := e.acts.Get().(*work)
	defer func() { w.c = strata.Customer{}; e.acts.Put(w) }()
	w.c = c
	w.act.SetCustomer(&w.c)
	w.act.SetNow(now)

	r := Result{Card: e.card.Name, Target: e.card.Target, Breakdown: make([]Contribution, len(e.criteria))}
	groupEarned := map[string]float64{}
	for i := range e.criteria {
		cr := &e.criteria[i]
		con := Contribution{Criterion: cr.Name, Group: cr.Group}
		switch {
		case cr.When != "":
			ok, err := cr.prog.EvalBool(w.act)
			if err != nil {
				return Result{}, err
			}
			if ok {
				con.Raw, con.Fraction = 1, 1
			}
		case cr.Value != "":
			v, err := cr.prog.EvalNumber(w.act)
			if err != nil {
				return Result{}, err
			}
			con.Raw, con.Fraction = v, cr.Scale.fraction(v)
		default:
			v, ok, err := e.measure(cr.Measure, &w.c, events, now)
			if err != nil {
				return Result{}, fmt.Errorf("scoring: criterion %s/%s: %w", e.card.Name, cr.Name, err)
			}
			con.Raw, con.Missing = v, !ok
			if ok {
				con.Fraction = cr.Scale.fraction(v)
			}
		}
		con.Points = con.Fraction * cr.Weight // in weight units for now
		if cr.Group != "" {
			groupEarned[cr.Group] += con.Points
		}
		r.Breakdown[i] = con
	}
	// Caps scale a group's points down proportionally, then everything is
	// expressed on the 0–100 score.
	total := 0.0
	for i := range r.Breakdown {
		con := &r.Breakdown[i]
		maxPts := e.criteria[i].Weight
		if cap, ok := e.card.Caps[con.Group]; ok && groupEarned[con.Group] > cap {
			con.Points *= cap / groupEarned[con.Group]
			con.Capped = true
		}
		if cap, ok := e.card.Caps[con.Group]; ok {
			maxPts = min(maxPts, cap)
		}
		con.Points *= 100 / e.maxTotal
		con.Max = maxPts * 100 / e.maxTotal
		total += con.Points
	}
	r.Score = min(max(total, 0), 100)
	r.Grade = e.grade(r.Score)
	return r, nil
}

func (e *Engine) grade(score float64) strata.Grade {
	for _, g := range e.card.Grades {
		if score >= g.Min {
			return g.Grade
		}
	}
	return e.card.Grades[len(e.card.Grades)-1].Grade
}

// Apply writes scores onto a record: each result's score into the field its
// card targets, and the grade, which is the value card's for a customer with
// orders and the potential card's for a lead without (a customer is graded
// on what it buys, a lead on its promise). ScoredAt is set to now.
func Apply(c *strata.Customer, now time.Time, results ...Result) {
	var value, potential *Result
	for i := range results {
		switch results[i].Target {
		case TargetValue:
			value = &results[i]
			c.Scores.Value = results[i].Score
		case TargetPotential:
			potential = &results[i]
			c.Scores.Potential = results[i].Score
		}
	}
	switch {
	case value != nil && (c.Orders > 0 || potential == nil):
		c.Scores.Grade = value.Grade
	case potential != nil:
		c.Scores.Grade = potential.Grade
	}
	c.Scores.ScoredAt = now
}
