package automation

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
	"github.com/strata-go/strata/tiering"
)

// Option configures New.
type Option func(*options)

type options struct {
	conv     strata.Converter
	observer strata.Observer
	logger   *slog.Logger
}

// WithConverter sets the exchange rates rules use to compare money in
// different currencies (customer.revenue in USD against money("5000000",
// "CNY")).
func WithConverter(conv strata.Converter) Option { return func(o *options) { o.conv = conv } }

// WithObserver sets the observer Run reports to, once per run
// (strata.Event with Package "automation", Op "run", Detail *RunStats).
func WithObserver(obs strata.Observer) Option { return func(o *options) { o.observer = obs } }

// WithLogger sets the logger Run logs to (with the *Context methods); the
// default discards.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Engine is a compiled automation configuration over a tiering engine. It is
// immutable and safe for concurrent use; a new configuration means a new
// Engine. The zero Engine (and a nil *Engine) evaluates nothing: its methods
// return an error.
type Engine struct {
	cfg   Config
	tiers *tiering.Engine
	opts  options
	env   *rules.Env
	home  string
	rules []rule
	// byLadder and bySegment list, per ladder and segment, the indexes of
	// the rules that can hold for its transitions, in configuration order;
	// anyLadder and anySegment for one the tiering engine does not know.
	byLadder, bySegment   map[string][]int
	anyLadder, anySegment []int
	acts                  sync.Pool // *work
}

type rule struct {
	Rule
	prog   *rules.Program
	pin    pin
	keys   [][]byte // per action: the rule's and the action's part of a task key
	sorted []Params // per action: its parameters, sorted
	params int      // the parameters of all its actions
}

// errZero is returned by the methods of a nil or zero Engine.
var errZero = errors.New("automation: nil or zero Engine (build one with New)")

func (e *Engine) ready() error {
	if e == nil || e.env == nil {
		return errZero
	}
	return nil
}

// New validates and compiles cfg for the customers tiers places. It reports
// every problem at once, joined: rule errors (*strata.RuleError with the
// rule's path, line and column) and configuration errors
// (*strata.ConfigError): no rules, a rule without a name, a condition or
// actions, duplicate names, unknown action kinds, missing or unknown
// parameters, a schedule's every that is not a cadence, and conditions that
// can never hold: comparing a transition's ladder, segment, tier, change or
// reason with a name the tiering configuration does not have
// (transition.to == "platinum" on a ladder without it), or asking a segment
// to move up a ladder. Rules see transition, customer, now, and home from
// the tiering configuration, with its region groups.
func New(cfg Config, tiers *tiering.Engine, opts ...Option) (*Engine, error) {
	o := options{}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if tiers == nil || len(tiers.Ladders()) == 0 {
		return nil, errors.New("automation: nil or zero tiering Engine")
	}
	tcfg := tiers.Config()
	env, err := rules.New(rules.WithConverter(o.conv), rules.WithGroups(tcfg.Groups),
		rules.WithVariable("transition", reflect.TypeFor[tiering.Transition]()))
	if err != nil {
		return nil, fmt.Errorf("automation: rule environment: %w", err)
	}
	e := &Engine{cfg: cloneConfig(cfg), tiers: tiers, opts: o, env: env, home: tcfg.Home}
	c := &compiler{e: e, v: vocabOf(tiers)}
	c.compile()
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	e.index(c.v)
	e.acts.New = func() any { return &work{act: env.NewActivation(e.home, time.Time{})} }
	return e, nil
}

// Config returns a copy of the configuration the engine was compiled from;
// the zero Config for a nil or zero Engine.
func (e *Engine) Config() Config {
	if e.ready() != nil {
		return Config{}
	}
	return cloneConfig(e.cfg)
}

// Rules returns the rule names in configuration order.
func (e *Engine) Rules() []string {
	if e.ready() != nil {
		return nil
	}
	out := make([]string, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Name
	}
	return out
}

// index lists, for every ladder and segment, the rules that can hold for
// its transitions, and prepares the rules' parts of task keys.
func (e *Engine) index(v vocab) {
	list := func(kind subject, name string) []int {
		out := []int{}
		for i, r := range e.rules {
			if (r.pin.kind == onAny || r.pin.kind == kind) && (r.pin.name == "" || r.pin.name == name) {
				out = append(out, i)
			}
		}
		return out
	}
	e.byLadder, e.bySegment = map[string][]int{}, map[string][]int{}
	for _, l := range v.ladders {
		e.byLadder[l] = list(onLadder, l)
	}
	for _, s := range v.segments {
		e.bySegment[s] = list(onSegment, s)
	}
	e.anyLadder, e.anySegment = list(onLadder, "\x00"), list(onSegment, "\x00")
	for i := range e.rules {
		r := &e.rules[i]
		for ai, a := range r.Actions {
			var b []byte
			b = appendField(b, r.Name)
			b = appendField(b, strconv.Itoa(ai))
			b = appendField(b, a.Kind)
			for _, k := range slices.Sorted(maps.Keys(a.Params)) {
				b = appendField(b, k)
				b = appendField(b, a.Params[k])
			}
			r.keys = append(r.keys, b)
			r.sorted = append(r.sorted, paramsOf(a.Params))
			r.params += len(a.Params)
		}
	}
}

// appendField appends s, length-prefixed, so that no two different lists
// of fields share an encoding.
func appendField(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// candidates returns the rules that can hold for t.
func (e *Engine) candidates(t *tiering.Transition) []int {
	if t.Segment != "" || t.Ladder == "" {
		if c, ok := e.bySegment[t.Segment]; ok {
			return c
		}
		return e.anySegment
	}
	if c, ok := e.byLadder[t.Ladder]; ok {
		return c
	}
	return e.anyLadder
}

func cloneConfig(c Config) Config {
	out := Config{Kinds: slices.Clone(c.Kinds), Rules: slices.Clone(c.Rules)}
	for i := range out.Kinds {
		out.Kinds[i].Params = slices.Clone(out.Kinds[i].Params)
		out.Kinds[i].Optional = slices.Clone(out.Kinds[i].Optional)
	}
	for i := range out.Rules {
		out.Rules[i].Actions = slices.Clone(out.Rules[i].Actions)
		for j := range out.Rules[i].Actions {
			out.Rules[i].Actions[j].Params = maps.Clone(out.Rules[i].Actions[j].Params)
		}
	}
	return out
}

// compiler collects the problems of one New.
type compiler struct {
	e     *Engine
	v     vocab
	kinds map[string]Kind
	errs  []error
}

func (c *compiler) bad(path, format string, args ...any) {
	c.errs = append(c.errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (c *compiler) compile() {
	c.declareKinds()
	cfg := c.e.cfg
	if len(cfg.Rules) == 0 {
		c.bad("rules", "at least one rule is required")
	}
	rs := make([]rules.Rule, len(cfg.Rules))
	for i, r := range cfg.Rules {
		rs[i] = rules.Rule{Name: "automation " + r.Name, Path: fmt.Sprintf("rules[%d].when", i), Source: r.When, Out: rules.Bool}
	}
	progs, errs := c.e.env.CompileAll(rs)
	names := map[string]bool{}
	for i, r := range cfg.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Name == "":
			c.bad(path+".name", "required")
		case names[r.Name]:
			c.bad(path+".name", "duplicate rule %q", r.Name)
		}
		names[r.Name] = true
		cr := rule{Rule: r}
		if r.When == "" {
			c.bad(path+".when", "required: a rule needs a condition (\"true\" fires on every transition)")
		} else if errs[i] != nil {
			c.errs = append(c.errs, errs[i])
		} else {
			cr.prog = progs[i]
			var probs []error
			cr.pin, probs = lint(&c.v, rs[i].Name, rs[i].Path, r.When)
			c.errs = append(c.errs, probs...)
		}
		c.actions(path, r.Actions)
		c.e.rules = append(c.e.rules, cr)
	}
}

// declareKinds checks the host's kinds and merges them over the built-in
// ones.
func (c *compiler) declareKinds() {
	c.kinds = map[string]Kind{}
	for _, k := range Builtin() {
		c.kinds[k.Name] = k
	}
	seen := map[string]bool{}
	for i, k := range c.e.cfg.Kinds {
		path := fmt.Sprintf("kinds[%d]", i)
		switch {
		case k.Name == "":
			c.bad(path+".name", "required")
			continue
		case seen[k.Name]:
			c.bad(path+".name", "duplicate kind %q", k.Name)
		}
		seen[k.Name] = true
		params := map[string]bool{}
		for j, p := range slices.Concat(k.Params, k.Optional) {
			if p == "" || params[p] {
				c.bad(fmt.Sprintf("%s.params[%d]", path, j), "empty or duplicate parameter %q", p)
			}
			params[p] = true
		}
		c.kinds[k.Name] = k
	}
}

// actions checks a rule's actions against the kinds.
func (c *compiler) actions(path string, acts []Action) {
	if len(acts) == 0 {
		c.bad(path+".actions", "required: a rule needs at least one action")
	}
	for j, a := range acts {
		apath := fmt.Sprintf("%s.actions[%d]", path, j)
		k, ok := c.kinds[a.Kind]
		if !ok {
			c.bad(apath+".kind", "unknown action kind %q (known: %s; declare the host's own under kinds)", a.Kind, c.known())
			continue
		}
		for _, p := range k.Params {
			if a.Params[p] == "" {
				c.bad(apath+".params."+p, "required by %s", a.Kind)
			}
		}
		for _, p := range slices.Sorted(maps.Keys(a.Params)) {
			if !slices.Contains(k.Params, p) && !slices.Contains(k.Optional, p) {
				c.bad(apath+".params."+p, "%s takes no parameter %q (it takes %s)", a.Kind, p, paramList(k))
			}
		}
		if every, ok := a.Params["every"]; ok && a.Kind == KindSchedule {
			if cd := tiering.Cadence(every); !cd.Valid() || cd == tiering.CadenceUnset || cd == tiering.CadenceNone {
				c.bad(apath+".params.every", "unknown cadence %q (want daily, weekly, biweekly, monthly, quarterly or yearly)", every)
			}
		}
	}
}

func (c *compiler) known() string {
	names := slices.Sorted(maps.Keys(c.kinds))
	return fmt.Sprint(names)
}

func paramList(k Kind) string {
	all := slices.Concat(k.Params, k.Optional)
	if len(all) == 0 {
		return "none"
	}
	return fmt.Sprint(all)
}
