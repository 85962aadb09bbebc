package scoring

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

// Option configures New and RFM. Each applies where it says; the others
// are ignored.
type Option func(*options)

type options struct {
	conv       strata.Converter
	costLimit  uint64
	limits     strata.Limits
	observer   strata.Observer
	logger     *slog.Logger
	currency   string
	newWithin  time.Duration
	churnAfter time.Duration
}

// WithConverter sets the exchange rates used to read revenue in the card's
// currency (New), to compare money in rules (New), and to read every
// customer's revenue in one currency (RFM, with WithCurrency).
// A panic in conv is recovered into an error wrapping
// strata.ErrConverterPanicked; its value is not repeated.
func WithConverter(conv strata.Converter) Option {
	return func(o *options) { o.conv = rules.Guard(conv) }
}

// WithCostLimit sets the worst-case cost above which New refuses a rule;
// zero keeps the default (20,000).
func WithCostLimit(limit uint64) Option { return func(o *options) { o.costLimit = limit } }

// WithLimits sets the record limits New estimates rules' worst-case costs
// for; zero fields keep their defaults. Records scored should pass
// Customer.ValidateWithin(limits).
func WithLimits(limits strata.Limits) Option { return func(o *options) { o.limits = limits } }

// WithObserver sets the observer RFM reports each run to (strata.Event with
// Package "scoring", Op "rfm").
func WithObserver(obs strata.Observer) Option { return func(o *options) { o.observer = obs } }

// WithLogger sets the logger RFM logs to, with the *Context methods. The
// default discards.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCurrency makes RFM read monetary value in currency, converting
// through WithConverter's rates. Without it every customer's revenue must
// be in one currency.
func WithCurrency(currency string) Option { return func(o *options) { o.currency = currency } }

// WithNewWithin sets how recent a first order makes a customer new in RFM
// (default 90 days; zero or less keeps the default).
func WithNewWithin(d time.Duration) Option { return func(o *options) { o.newWithin = d } }

// WithChurnAfter sets how long without an order makes a customer churned in
// RFM's stages (default 365 days; zero or less keeps the default); see
// PurchaseStage.
func WithChurnAfter(d time.Duration) Option { return func(o *options) { o.churnAfter = d } }

func newOptions(opts []Option) options {
	o := options{}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.costLimit == 0 {
		o.costLimit = rules.DefaultCostLimit
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if o.newWithin <= 0 {
		o.newWithin = 90 * 24 * time.Hour
	}
	if o.churnAfter <= 0 {
		o.churnAfter = 365 * 24 * time.Hour
	}
	return o
}

// Engine is a compiled scorecard. It is immutable and safe for concurrent
// use. The zero Engine (and a nil *Engine) scores nothing: Score returns an
// error.
type Engine struct {
	card     Config
	criteria []criterion
	groups   int // criterion groups, numbered in order of first use
	grades   []grade
	maxTotal float64 // points possible after caps
	conv     strata.Converter
	env      *rules.Env
	acts     sync.Pool
}

type criterion struct {
	Criterion
	prog   *rules.Program
	group  int     // index of Group, -1 for none
	cap    float64 // the group's cap, if capped
	capped bool
}

// grade is a band with its threshold in whole nano-points.
type grade struct {
	grade strata.Grade
	min   int64
}

// errZero is returned by the methods of a nil or zero Engine.
var errZero = errors.New("scoring: nil or zero Engine (build one with New)")

// New validates and compiles a scorecard, reporting every problem at
// once: rule errors (with the rule's Path, line and column) and
// configuration errors (no criteria, duplicate names, not exactly one of
// when / value / measure, an unknown measure, a missing or malformed scale,
// a weight or cap that is not a positive number of at most a million
// points, a cap on an unknown group, grades out of order, an unknown
// currency, the engagement measure without a half-life).
func New(card Config, opts ...Option) (*Engine, error) {
	o := newOptions(opts)
	c := &checker{card: card}
	c.header()
	env, err := rules.New(rules.WithConverter(o.conv), rules.WithCostLimit(o.costLimit), rules.WithLimits(o.limits))
	if err != nil {
		return nil, err
	}
	e := &Engine{card: cloneCard(card), conv: o.conv, env: env}
	groups := c.criteria(env, e)
	c.caps(groups)
	e.grades = c.grades()
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	e.maxTotal = maxPoints(card, groups)
	e.indexGroups()
	home, ngroups := card.Home, e.groups
	e.acts.New = func() any { return &work{act: env.NewActivation(home, time.Time{}), earned: make([]float64, ngroups)} }
	return e, nil
}

// indexGroups numbers the criteria's groups and notes their caps, so
// scoring adds points up in a slice, not a map.
func (e *Engine) indexGroups() {
	index := map[string]int{}
	for i := range e.criteria {
		cr := &e.criteria[i]
		cr.group = -1
		if cr.Group == "" {
			continue
		}
		gi, ok := index[cr.Group]
		if !ok {
			gi = len(index)
			index[cr.Group] = gi
		}
		cr.group = gi
		cr.cap, cr.capped = e.card.Caps[cr.Group]
	}
	e.groups = len(index)
}

// maxPoints is the points possible: each group's weights, capped, and the
// ungrouped weights, added in a fixed order (groups by name), so the same
// card always gives the same float.
func maxPoints(card Config, groups map[string]float64) float64 {
	total := 0.0
	for _, g := range sortedKeys(groups) {
		w := groups[g]
		if cap, ok := card.Caps[g]; ok && cap < w {
			w = cap
		}
		total += w
	}
	for _, c := range card.Criteria {
		if c.Group == "" {
			total += c.Weight
		}
	}
	return total
}

// checker collects the problems of one New.
type checker struct {
	card Config
	errs []error
}

func (c *checker) bad(path, format string, args ...any) {
	c.errs = append(c.errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) header() {
	card := c.card
	if card.Name == "" {
		c.bad("name", "required")
	}
	if card.Target != TargetValue && card.Target != TargetPotential {
		c.bad("target", "%q: want value or potential", card.Target)
	}
	if !strata.IsCountry(card.Home) {
		c.bad("home", "%q is not an ISO 3166-1 alpha-2 country code", card.Home)
	}
	if !strata.IsCurrency(card.Currency) {
		c.bad("currency", "%q is not an ISO 4217 currency", card.Currency)
	}
	if card.HalfLife < 0 {
		c.bad("half_life", "negative")
	}
	if card.HalfLife == 0 && slices.ContainsFunc(card.Criteria, func(cr Criterion) bool { return cr.Measure == MeasureEngagement }) {
		c.bad("half_life", "required by the engagement measure: how fast events fade (an event half_life old counts half)")
	}
}

// criteria checks and compiles the criteria (rules on all cores) and
// returns each group's total weight.
func (c *checker) criteria(env *rules.Env, e *Engine) map[string]float64 {
	card := c.card
	if len(card.Criteria) == 0 {
		c.bad("criteria", "at least one criterion is required")
	}
	var rs []rules.Rule
	var at []int
	for i, cr := range card.Criteria {
		rule := rules.Rule{Name: "criterion " + card.Name + "/" + cr.Name}
		switch {
		case cr.When != "":
			rule.Path, rule.Source, rule.Out = fmt.Sprintf("criteria[%d].when", i), cr.When, rules.Bool
		case cr.Value != "":
			rule.Path, rule.Source, rule.Out = fmt.Sprintf("criteria[%d].value", i), cr.Value, rules.Number
		default:
			continue
		}
		rs, at = append(rs, rule), append(at, i)
	}
	progs, errs := env.CompileAll(rs)
	prog := make([]*rules.Program, len(card.Criteria))
	for k, i := range at {
		prog[i] = progs[k]
	}
	names := map[string]bool{}
	groups := map[string]float64{}
	for i, cr := range card.Criteria {
		for k, j := range at {
			if j == i && errs[k] != nil {
				c.errs = append(c.errs, errs[k])
			}
		}
		c.criterion(i, names)
		if cr.Group != "" {
			groups[cr.Group] += max(cr.Weight, 0)
		}
		e.criteria = append(e.criteria, criterion{Criterion: cr, prog: prog[i]})
	}
	return groups
}

// criterion checks one criterion's name, weight, kind and scale.
func (c *checker) criterion(i int, names map[string]bool) {
	cr := c.card.Criteria[i]
	path := fmt.Sprintf("criteria[%d]", i)
	switch {
	case cr.Name == "":
		c.bad(path+".name", "required")
	case names[cr.Name]:
		c.bad(path+".name", "duplicate criterion %q", cr.Name)
	}
	names[cr.Name] = true
	if !(cr.Weight > 0) || cr.Weight > maxWeight {
		c.bad(path+".weight", "%v: want a positive number of points, at most %g", cr.Weight, float64(maxWeight))
	}
	set := 0
	for _, s := range []bool{cr.When != "", cr.Value != "", cr.Measure != ""} {
		if s {
			set++
		}
	}
	if set != 1 {
		c.bad(path, "set exactly one of when, value and measure")
	}
	switch {
	case cr.When != "":
		if cr.Scale != nil {
			c.bad(path+".scale", "a when condition is all or nothing; it takes no scale")
		}
	case cr.Value != "":
		checkScale(cr.Scale, path+".scale", c.bad)
	case cr.Measure != "":
		if !slices.Contains(measures, cr.Measure) {
			c.bad(path+".measure", "unknown measure %q", cr.Measure)
		}
		checkScale(cr.Scale, path+".scale", c.bad)
	}
}

// maxWeight bounds a criterion's weight (and a cap), so that sums of
// points stay far from float64's limits.
const maxWeight = 1e6

func (c *checker) caps(groups map[string]float64) {
	for _, g := range sortedKeys(c.card.Caps) {
		switch cap := c.card.Caps[g]; {
		case groups[g] == 0:
			c.bad("caps."+g, "no criterion is in group %q", g)
		case !(cap > 0) || cap > maxWeight:
			c.bad("caps."+g, "%v: want a positive number of points", cap)
		}
	}
}

// grades checks the bands and returns them with whole nano-point
// thresholds.
func (c *checker) grades() []grade {
	bands := c.card.Grades
	if len(bands) == 0 {
		c.bad("grades", "at least one grade band is required")
	}
	out := make([]grade, 0, len(bands))
	for i, g := range bands {
		path := fmt.Sprintf("grades[%d]", i)
		if g.Grade == "" || !g.Grade.Valid() {
			c.bad(path+".grade", "%q: want A, B, C or D", g.Grade)
		}
		if !(g.Min >= 0 && g.Min <= 100) {
			c.bad(path+".min", "%v is outside 0–100", g.Min)
		}
		if i > 0 && !(g.Min < bands[i-1].Min) {
			c.bad(path+".min", "thresholds must fall from best grade to worst")
		}
		out = append(out, grade{grade: g.Grade, min: nanos(g.Min)})
	}
	if n := len(bands); n > 0 && bands[n-1].Min != 0 {
		c.bad(fmt.Sprintf("grades[%d].min", n-1), "the last band must start at 0 so every score has a grade")
	}
	return out
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

// Config returns a copy of the scorecard the engine was compiled from; the
// zero Config for a nil or zero Engine.
func (e *Engine) Config() Config {
	if e == nil || e.env == nil {
		return Config{}
	}
	return cloneCard(e.card)
}

// cloneCard copies a card's slices, maps and scales.
func cloneCard(c Config) Config {
	c.Criteria = slices.Clone(c.Criteria)
	for i := range c.Criteria {
		if s := c.Criteria[i].Scale; s != nil {
			cp := *s
			cp.Steps = slices.Clone(s.Steps)
			c.Criteria[i].Scale = &cp
		}
	}
	if c.Caps != nil {
		caps := make(map[string]float64, len(c.Caps))
		for k, v := range c.Caps {
			caps[k] = v
		}
		c.Caps = caps
	}
	c.Grades = slices.Clone(c.Grades)
	return c
}

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
