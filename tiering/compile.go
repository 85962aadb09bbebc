package tiering

import (
	"errors"
	"fmt"

	"github.com/strata-go/strata/internal/rules"
)

// maxLintPairs bounds the pairs of tiers the unreachable-tier check
// compares in one configuration (a ladder of 1,400 tiers has a million
// pairs); beyond it the check stops, since it is a help, not a guarantee.
const maxLintPairs = 1_000_000

// ruleRef says where a compiled rule goes.
type ruleRef struct {
	ladder, tier, segment int
	stay                  bool
}

// compile checks the ladders and segments, compiles every rule (on all
// cores), and reports every problem in configuration order.
func (c *compiler) compile() ([]ladder, []segment, error) {
	var rs []rules.Rule
	var refs []ruleRef
	add := func(ref ruleRef, name, path, src string) {
		rs = append(rs, rules.Rule{Name: name, Path: path, Source: src, Out: rules.Bool})
		refs = append(refs, ref)
	}
	for li, l := range c.cfg.Ladders {
		for ti, t := range l.Tiers {
			path := fmt.Sprintf("ladders[%d].tiers[%d]", li, ti)
			if t.When != "" {
				add(ruleRef{ladder: li, tier: ti, segment: -1}, "tier "+l.Name+"/"+t.Name, path+".when", t.When)
			}
			if t.Stay != "" {
				add(ruleRef{ladder: li, tier: ti, segment: -1, stay: true}, "stay "+l.Name+"/"+t.Name, path+".stay", t.Stay)
			}
		}
	}
	for si, s := range c.cfg.Segments {
		if s.When != "" {
			add(ruleRef{ladder: -1, segment: si}, "segment "+s.Name, fmt.Sprintf("segments[%d].when", si), s.When)
		}
	}
	progs, errs := c.env.CompileAll(rs)
	byRef := make(map[ruleRef]int, len(refs))
	for i, r := range refs {
		byRef[r] = i
	}
	rule := func(ref ruleRef) *rules.Program {
		i, ok := byRef[ref]
		if !ok {
			return nil
		}
		if errs[i] != nil {
			c.errs = append(c.errs, errs[i])
		}
		return progs[i]
	}
	ladders := c.ladders(rule)
	segments := c.segments(rule)
	if len(c.errs) > 0 {
		return nil, nil, errors.Join(c.errs...)
	}
	return ladders, segments, nil
}

func (c *compiler) ladders(rule func(ruleRef) *rules.Program) []ladder {
	if len(c.cfg.Ladders) == 0 {
		c.bad("ladders", "at least one ladder is required")
	}
	var out []ladder
	names := map[string]bool{}
	pairs := 0
	for li, l := range c.cfg.Ladders {
		lpath := fmt.Sprintf("ladders[%d]", li)
		switch {
		case l.Name == "":
			c.bad(lpath+".name", "required")
		case names[l.Name]:
			c.bad(lpath+".name", "duplicate ladder %q", l.Name)
		}
		names[l.Name] = true
		if len(l.Tiers) == 0 {
			c.bad(lpath+".tiers", "a ladder needs at least a default tier")
			continue
		}
		lad := ladder{name: l.Name, byName: map[string]int{}}
		seen := map[string]bool{}
		for ti, t := range l.Tiers {
			lad.tiers = append(lad.tiers, c.tier(li, ti, seen, rule))
			lad.byName[t.Name] = ti
			lad.holds = lad.holds || t.Stay != "" || t.MinDwell > 0
		}
		pairs = c.lint(lpath, lad, pairs)
		out = append(out, lad)
	}
	return out
}

// tier checks and compiles one tier.
func (c *compiler) tier(li, ti int, seen map[string]bool, rule func(ruleRef) *rules.Program) tier {
	l, t := c.cfg.Ladders[li], c.cfg.Ladders[li].Tiers[ti]
	tpath := fmt.Sprintf("ladders[%d].tiers[%d]", li, ti)
	last := ti == len(l.Tiers)-1
	switch {
	case t.Name == "":
		c.bad(tpath+".name", "required")
	case seen[t.Name]:
		c.bad(tpath+".name", "duplicate tier %q in ladder %q", t.Name, l.Name)
	}
	seen[t.Name] = true
	ct := tier{Tier: t}
	if t.When == "" && !last {
		c.bad(tpath+".when", "only the last tier may have no rule (it is the default); tier %q would hide every tier below it", t.Name)
	}
	if t.When != "" {
		ct.when = rule(ruleRef{ladder: li, tier: ti, segment: -1})
		if last {
			c.bad(tpath+".when", "ladder %q has no default: its last tier %q has a rule, so some customers would get no tier", l.Name, t.Name)
		}
	}
	if t.Stay != "" || t.MinDwell != 0 {
		switch {
		case li > 0:
			c.bad(tpath, "stay and min_dwell apply only to the primary (first) ladder, whose tier the record keeps")
		case t.When == "":
			c.bad(tpath, "stay and min_dwell on the default tier have no effect")
		}
		if t.Stay != "" {
			ct.stay = rule(ruleRef{ladder: li, tier: ti, segment: -1, stay: true})
		}
	}
	switch {
	case !t.FollowUp.Valid():
		c.bad(tpath+".follow_up", "unknown cadence %q (want daily, weekly, biweekly, monthly, quarterly, yearly or none)", t.FollowUp)
	case li == 0 && t.FollowUp == CadenceUnset:
		c.bad(tpath+".follow_up", "required on the primary ladder: daily, weekly, biweekly, monthly, quarterly, yearly or none")
	}
	return ct
}

// lint reports tiers an earlier tier's rule always takes first, comparing
// at most maxLintPairs pairs in all (pairs so far given, returned).
func (c *compiler) lint(lpath string, lad ladder, pairs int) int {
	for j := range lad.tiers {
		for i := range j {
			if pairs >= maxLintPairs {
				return pairs
			}
			pairs++
			if lad.tiers[i].when != nil && lad.tiers[j].when != nil && rules.Implies(lad.tiers[j].when, lad.tiers[i].when) {
				c.bad(fmt.Sprintf("%s.tiers[%d]", lpath, j), "tier %q can never be reached: every customer it matches is taken first by tier %q",
					lad.tiers[j].Name, lad.tiers[i].Name)
				break
			}
		}
	}
	return pairs
}

func (c *compiler) segments(rule func(ruleRef) *rules.Program) []segment {
	var out []segment
	names := map[string]bool{}
	for si, s := range c.cfg.Segments {
		spath := fmt.Sprintf("segments[%d]", si)
		switch {
		case s.Name == "":
			c.bad(spath+".name", "required")
		case names[s.Name]:
			c.bad(spath+".name", "duplicate segment %q", s.Name)
		}
		names[s.Name] = true
		if s.When == "" {
			c.bad(spath+".when", "required: a segment needs a rule")
			continue
		}
		out = append(out, segment{Segment: s, when: rule(ruleRef{ladder: -1, segment: si})})
	}
	return out
}
