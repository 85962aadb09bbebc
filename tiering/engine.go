package tiering

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

// Option configures New.
type Option func(*options)

type options struct {
	conv      strata.Converter
	costLimit uint64
	limits    strata.Limits
	observer  strata.Observer
	logger    *slog.Logger
}

// WithConverter sets the exchange rates rules use to compare money in
// different currencies (customer.revenue in USD against money("5000000",
// "CNY")), and Summarize uses to add revenue up.
// A panic in conv is recovered into an error wrapping
// strata.ErrConverterPanicked; its value is not repeated.
func WithConverter(conv strata.Converter) Option {
	return func(o *options) { o.conv = rules.Guard(conv) }
}

// WithCostLimit sets the worst-case cost above which a rule is refused;
// zero keeps the default (rules.DefaultCostLimit, 20,000).
func WithCostLimit(limit uint64) Option { return func(o *options) { o.costLimit = limit } }

// WithLimits sets the record limits rules' worst-case costs are estimated
// for; zero fields keep their defaults. Records the engine classifies
// should pass Customer.ValidateWithin(limits): for them every rule's cost
// is within the cost limit.
func WithLimits(limits strata.Limits) Option { return func(o *options) { o.limits = limits } }

// WithObserver sets the observer ClassifyAll, Summarize and Impact report
// to, once per batch (strata.Event with Package "tiering").
func WithObserver(obs strata.Observer) Option { return func(o *options) { o.observer = obs } }

// WithLogger sets the logger batches log to (with the *Context methods, so
// a handler can read the caller's context). The default discards.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Engine is a compiled tiering configuration. It is immutable and safe for
// concurrent use; a new configuration means a new Engine. The zero Engine
// (and a nil *Engine) classifies nothing: its methods return an error.
type Engine struct {
	cfg      Config
	opts     options
	env      *rules.Env
	ladders  []ladder
	segments []segment
	each     *rules.Program // all segment rules, combined; nil if none
	segIndex map[string]int // segment name → index in segments
	acts     sync.Pool      // *work
	batches  sync.Pool      // *batch, ClassifyAll's, reused across calls
}

// errZero is returned by the methods of a nil or zero Engine.
var errZero = errors.New("tiering: nil or zero Engine (build one with New)")

func (e *Engine) ready() error {
	if e == nil || e.env == nil {
		return errZero
	}
	return nil
}

type ladder struct {
	name   string
	tiers  []tier
	byName map[string]int
	first  *rules.Program // all when rules, combined; nil if none
	holds  bool           // a tier has a stay rule or a minimum dwell (hysteresis)
}

type tier struct {
	Tier
	when *rules.Program // nil for the default tier
	stay *rules.Program
}

type segment struct {
	Segment
	when *rules.Program
}

// New validates and compiles cfg. It reports every problem at once,
// joined: rule errors (*strata.RuleError, with the rule's Path in the
// configuration, line and column) and configuration errors
// (*strata.ConfigError): no ladders, empty or duplicate names, a ladder
// whose last tier is not a default (a tier with no rule), a default that is
// not last, a tier that can never be reached because an earlier tier's rule
// always matches first, hysteresis outside the primary ladder or on the
// default tier, a primary tier without a follow-up cadence, unknown
// cadences, and unknown home country or group codes. Rules are compiled on
// all cores.
func New(cfg Config, opts ...Option) (*Engine, error) {
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
	c := &compiler{cfg: cfg}
	if !strata.IsCountry(cfg.Home) {
		c.bad("home", "%q is not an ISO 3166-1 alpha-2 country code", cfg.Home)
	}
	env, err := rules.New(rules.WithConverter(o.conv), rules.WithGroups(cfg.Groups),
		rules.WithCostLimit(o.costLimit), rules.WithLimits(o.limits))
	if err != nil {
		return nil, errors.Join(append(c.errs, strata.Prefix("groups", err))...)
	}
	c.env = env
	e := &Engine{cfg: cloneConfig(cfg), opts: o, env: env}
	if e.ladders, e.segments, err = c.compile(); err != nil {
		return nil, err
	}
	if err := e.combine(); err != nil {
		return nil, err
	}
	e.segIndex = make(map[string]int, len(e.segments))
	for i, s := range e.segments {
		e.segIndex[s.Name] = i
	}
	home, nsegs := cfg.Home, len(e.segments)
	e.acts.New = func() any {
		return &work{act: env.NewActivation(home, zeroTime), flags: make([]bool, nsegs)}
	}
	return e, nil
}

// combine builds one program per ladder and one for all segments, from the
// rules compiled one by one.
func (e *Engine) combine() error {
	for li := range e.ladders {
		l := &e.ladders[li]
		var conds []*rules.Program
		for _, t := range l.tiers {
			if t.when != nil {
				conds = append(conds, t.when)
			}
		}
		if len(conds) > 0 {
			first, err := e.env.FirstMatch("ladder "+l.name, conds)
			if err != nil {
				return err
			}
			l.first = first
		}
	}
	if len(e.segments) > 0 {
		conds := make([]*rules.Program, len(e.segments))
		for i, s := range e.segments {
			conds[i] = s.when
		}
		each, err := e.env.Each("segments", conds)
		if err != nil {
			return err
		}
		e.each = each
	}
	return nil
}

// Config returns a copy of the configuration the engine was compiled from;
// the zero Config for a nil or zero Engine.
func (e *Engine) Config() Config {
	if e.ready() != nil {
		return Config{}
	}
	return cloneConfig(e.cfg)
}

// Ladders returns the ladder names in order; the first is the primary one.
func (e *Engine) Ladders() []string {
	if e.ready() != nil {
		return nil
	}
	out := make([]string, len(e.ladders))
	for i, l := range e.ladders {
		out[i] = l.name
	}
	return out
}

// Tiers returns the tier names of a ladder, best first, or nil for an
// unknown ladder.
func (e *Engine) Tiers(ladder string) []string {
	if e.ready() != nil {
		return nil
	}
	for _, l := range e.ladders {
		if l.name == ladder {
			out := make([]string, len(l.tiers))
			for i, t := range l.tiers {
				out[i] = t.Name
			}
			return out
		}
	}
	return nil
}

// Segments returns the segment names in configuration order.
func (e *Engine) Segments() []string {
	if e.ready() != nil {
		return nil
	}
	out := make([]string, len(e.segments))
	for i, s := range e.segments {
		out[i] = s.Name
	}
	return out
}

// Tier returns a tier's configuration.
func (e *Engine) Tier(ladder, name string) (Tier, bool) {
	if e.ready() != nil {
		return Tier{}, false
	}
	for _, l := range e.ladders {
		if l.name == ladder {
			if i, ok := l.byName[name]; ok {
				return cloneTier(l.tiers[i].Tier), true
			}
		}
	}
	return Tier{}, false
}

func cloneConfig(c Config) Config {
	b, err := json.Marshal(c)
	if err != nil {
		return c
	}
	var out Config
	if json.Unmarshal(b, &out) != nil {
		return c
	}
	return out
}

func cloneTier(t Tier) Tier {
	if t.Meta != nil {
		m := make(map[string]string, len(t.Meta))
		for k, v := range t.Meta {
			m[k] = v
		}
		t.Meta = m
	}
	return t
}

// compiler collects the problems of one New.
type compiler struct {
	cfg  Config
	env  *rules.Env
	errs []error
}

func (c *compiler) bad(path, format string, args ...any) {
	c.errs = append(c.errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}
