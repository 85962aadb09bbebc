package tiering

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

// Option configures Compile.
type Option func(*options)

type options struct {
	conv      strata.Converter
	costLimit uint64
}

// WithConverter sets the exchange rates rules use to compare money in
// different currencies (customer.revenue in USD against money("5000000", "CNY")).
func WithConverter(conv strata.Converter) Option { return func(o *options) { o.conv = conv } }

// WithCostLimit sets the worst-case cost above which a rule is refused.
func WithCostLimit(limit uint64) Option { return func(o *options) { o.costLimit = limit } }

// Engine is a compiled tiering configuration. It is immutable and safe for
// concurrent use; a new configuration means a new Engine.
type Engine struct {
	cfg      Config
	ladders  []ladder
	segments []segment
	each     *rules.Program // all segment rules as one program; nil if none
	acts     sync.Pool      // *work
}

type ladder struct {
	name   string
	tiers  []tier
	byName map[string]int
	first  *rules.Program // all when rules as one first-match program; nil if none
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
// joined: rule errors (*strata.RuleError, with line and column) and configuration
// errors (*strata.ConfigError): no ladders, empty or duplicate names, a ladder
// whose last tier is not a default (a tier with no rule), a default that is
// not last, a tier that can never be reached because an earlier tier's rule
// always matches first, hysteresis outside the primary ladder or on the
// default tier, unknown cadences, and unknown home country or group codes.
func New(cfg Config, opts ...Option) (*Engine, error) {
	o := options{costLimit: rules.DefaultCostLimit}
	for _, opt := range opts {
		opt(&o)
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if !strata.IsCountry(cfg.Home) {
		bad("home", "%q is not an ISO 3166-1 alpha-2 country code", cfg.Home)
	}
	env, err := rules.New(rules.WithConverter(o.conv), rules.WithGroups(cfg.Groups), rules.WithCostLimit(o.costLimit))
	if err != nil {
		return nil, errors.Join(append(errs, &strata.ConfigError{Path: "groups", Msg: err.Error()})...)
	}
	compile := func(name, src string) *rules.Program {
		p, err := env.Compile(name, src, rules.Bool)
		if err != nil {
			errs = append(errs, err)
		}
		return p
	}

	e := &Engine{cfg: cloneConfig(cfg)}
	if len(cfg.Ladders) == 0 {
		bad("ladders", "at least one ladder is required")
	}
	ladderNames := map[string]bool{}
	for li, l := range cfg.Ladders {
		lpath := fmt.Sprintf("ladders[%d]", li)
		switch {
		case l.Name == "":
			bad(lpath+".name", "required")
		case ladderNames[l.Name]:
			bad(lpath+".name", "duplicate ladder %q", l.Name)
		}
		ladderNames[l.Name] = true
		if len(l.Tiers) == 0 {
			bad(lpath+".tiers", "a ladder needs at least a default tier")
			continue
		}
		lad := ladder{name: l.Name, byName: map[string]int{}}
		seen := map[string]bool{}
		for ti, t := range l.Tiers {
			tpath := fmt.Sprintf("%s.tiers[%d]", lpath, ti)
			last := ti == len(l.Tiers)-1
			switch {
			case t.Name == "":
				bad(tpath+".name", "required")
			case seen[t.Name]:
				bad(tpath+".name", "duplicate tier %q in ladder %q", t.Name, l.Name)
			}
			seen[t.Name] = true
			lad.byName[t.Name] = ti
			ct := tier{Tier: t}
			if t.When == "" && !last {
				bad(tpath+".when", "only the last tier may have no rule (it is the default); tier %q would hide every tier below it", t.Name)
			}
			if t.When != "" {
				ct.when = compile("tier "+l.Name+"/"+t.Name, t.When)
				if last {
					bad(tpath+".when", "ladder %q has no default: its last tier %q has a rule, so some customers would get no tier", l.Name, t.Name)
				}
			}
			if t.Stay != "" || t.MinDwell != 0 {
				switch {
				case li > 0:
					bad(tpath, "stay and min_dwell apply only to the primary (first) ladder, whose tier the record keeps")
				case t.When == "":
					bad(tpath, "stay and min_dwell on the default tier have no effect")
				}
				if t.Stay != "" {
					ct.stay = compile("stay "+l.Name+"/"+t.Name, t.Stay)
				}
			}
			if !t.FollowUp.Valid() {
				bad(tpath+".follow_up", "unknown cadence %q (want daily, weekly, biweekly, monthly, quarterly or yearly)", t.FollowUp)
			}
			lad.tiers = append(lad.tiers, ct)
		}
		// Unreachable tiers: an earlier rule that always matches when a
		// later one does.
		for j := range lad.tiers {
			for i := range j {
				if lad.tiers[i].when != nil && lad.tiers[j].when != nil && rules.Implies(lad.tiers[j].when, lad.tiers[i].when) {
					bad(fmt.Sprintf("%s.tiers[%d]", lpath, j), "tier %q can never be reached: every customer it matches is taken first by tier %q",
						lad.tiers[j].Name, lad.tiers[i].Name)
					break
				}
			}
		}
		e.ladders = append(e.ladders, lad)
	}
	segNames := map[string]bool{}
	for si, s := range cfg.Segments {
		spath := fmt.Sprintf("segments[%d]", si)
		switch {
		case s.Name == "":
			bad(spath+".name", "required")
		case segNames[s.Name]:
			bad(spath+".name", "duplicate segment %q", s.Name)
		}
		segNames[s.Name] = true
		if s.When == "" {
			bad(spath+".when", "required: a segment needs a rule")
			continue
		}
		e.segments = append(e.segments, segment{Segment: s, when: compile("segment "+s.Name, s.When)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// One evaluation per ladder and one for all segments, instead of one
	// per rule: the rules were checked one by one above.
	for li := range e.ladders {
		var conds []*rules.Program
		for _, t := range e.ladders[li].tiers {
			if t.when != nil {
				conds = append(conds, t.when)
			}
		}
		if len(conds) > 0 {
			if e.ladders[li].first, err = env.FirstMatch("ladder "+e.ladders[li].name, conds); err != nil {
				return nil, err
			}
		}
	}
	if len(e.segments) > 0 {
		conds := make([]*rules.Program, len(e.segments))
		for i, s := range e.segments {
			conds[i] = s.when
		}
		if e.each, err = env.Each("segments", conds); err != nil {
			return nil, err
		}
	}
	e.acts.New = func() any {
		return &work{act: env.NewActivation(cfg.Home, zeroTime), flags: make([]bool, len(e.segments))}
	}
	return e, nil
}

// Config returns a copy of the configuration the engine was compiled from.
func (e *Engine) Config() Config { return cloneConfig(e.cfg) }

// Ladders returns the ladder names in order; the first is the primary one.
func (e *Engine) Ladders() []string {
	out := make([]string, len(e.ladders))
	for i, l := range e.ladders {
		out[i] = l.name
	}
	return out
}

// Tiers returns the tier names of a ladder, best first, or nil for an
// unknown ladder.
func (e *Engine) Tiers(ladder string) []string {
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
	out := make([]string, len(e.segments))
	for i, s := range e.segments {
		out[i] = s.Name
	}
	return out
}

// Tier returns a tier's configuration.
func (e *Engine) Tier(ladder, name string) (Tier, bool) {
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
