package tiering

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

var zeroTime time.Time

// Reason says why a customer got its tier on a ladder.
type Reason string

// The reasons for a tier.
const (
	ReasonMatched  Reason = "matched"   // the tier's when rule matched
	ReasonDefault  Reason = "default"   // no rule matched: the ladder's last tier
	ReasonStayRule Reason = "stay_rule" // the customer would move down, but the tier's stay rule holds it
	ReasonMinDwell Reason = "min_dwell" // the customer would move down, but has not been in the tier for min_dwell
)

// TierResult is a customer's place on one ladder.
type TierResult struct {
	Ladder string `json:"ladder"`
	Tier   string `json:"tier"`
	// Previous is the tier the record had (primary ladder only), and
	// Changed says whether Tier differs from it.
	Previous string `json:"previous,omitempty"`
	Changed  bool   `json:"changed"`
	// Since is when the customer entered Tier: the record's TierSince when
	// unchanged, now when it changed.
	Since  time.Time `json:"since,omitzero"`
	Reason Reason    `json:"reason"`
	// Rule is the CEL text that decided: the when rule, the stay rule, or
	// empty for a default.
	Rule string `json:"rule,omitempty"`
	// Would is the tier the rules alone would give, when hysteresis kept
	// the customer in a higher one.
	Would     string  `json:"would,omitempty"`
	OwnerRole string  `json:"owner_role,omitempty"`
	FollowUp  Cadence `json:"follow_up,omitempty"`
}

// Placement is where a customer belongs: a tier on every ladder, every
// segment it matches, and when to follow up.
type Placement struct {
	CustomerID string       `json:"customer_id"`
	Tiers      []TierResult `json:"tiers"`
	Segments   []string     `json:"segments"`
	// NextFollowUp is now plus the primary tier's cadence, in now's zone;
	// zero if the tier has none. It is a date, not an appointment: it may
	// fall on the customer's weekend, public holiday or night. Scheduler
	// finds the slot in the customer's working hours and the owner's shift.
	NextFollowUp time.Time `json:"next_follow_up,omitzero"`
	// Revenue is the customer's revenue as read, for dashboards.
	Revenue strata.Money `json:"revenue,omitzero"`
}

// Tier returns the tier on the primary ladder.
func (p Placement) Tier() string {
	if len(p.Tiers) == 0 {
		return ""
	}
	return p.Tiers[0].Tier
}

// TierOn returns the tier on the named ladder, or "".
func (p Placement) TierOn(ladder string) string {
	for _, t := range p.Tiers {
		if t.Ladder == ladder {
			return t.Tier
		}
	}
	return ""
}

// Apply writes the placement into the record c points to: Tier and
// TierSince from the primary ladder, and Segments. Other fields are left
// alone. A nil c is an error.
func (p Placement) Apply(c *strata.Customer) error {
	if c == nil {
		return errNilRecord
	}
	if len(p.Tiers) > 0 {
		c.Tier = p.Tiers[0].Tier
		c.TierSince = p.Tiers[0].Since
	}
	c.Segments = append(c.Segments[:0:0], p.Segments...)
	return nil
}

// errNilRecord is returned for a nil *strata.Customer.
var errNilRecord = errors.New("tiering: nil record")

// Why explains the placement in one line per ladder, for people.
func (p Placement) Why() string {
	var b strings.Builder
	for i, t := range p.Tiers {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s — ", t.Ladder, t.Tier)
		switch t.Reason {
		case ReasonMatched:
			fmt.Fprintf(&b, "matched %s", oneLine(t.Rule))
		case ReasonDefault:
			b.WriteString("no rule matched; the default tier")
		case ReasonStayRule:
			fmt.Fprintf(&b, "the rules alone give %s, but the stay rule %s holds", t.Would, oneLine(t.Rule))
		case ReasonMinDwell:
			fmt.Fprintf(&b, "the rules alone give %s, but it entered %s on %s and min_dwell has not passed",
				t.Would, t.Tier, t.Since.Format(time.DateOnly))
		}
		if t.Changed {
			if t.Previous == "" {
				b.WriteString(" (new)")
			} else {
				fmt.Fprintf(&b, " (was %s)", t.Previous)
			}
		}
	}
	if len(p.Segments) > 0 {
		fmt.Fprintf(&b, "\nsegments: %s", strings.Join(p.Segments, ", "))
	}
	return b.String()
}

// oneLine folds a rule's line breaks and indentation into single spaces.
func oneLine(rule string) string { return strings.Join(strings.Fields(rule), " ") }

// work is a pooled per-goroutine scratch: an activation, bound to the
// record being classified for the length of one call only (putWork unbinds
// it, so no caller's record is kept), the segment flags, and slabs the
// placements' tier results and segment names are cut from.
type work struct {
	act   *rules.Activation
	now   time.Time
	flags []bool // segment results
	tiers []TierResult
	names []string      // segment names
	nexts []cadenceNext // follow-up dates from now, as computed
}

// cadenceNext is a cadence's next follow-up from the work's now.
type cadenceNext struct {
	c Cadence
	t time.Time
}

// next returns c.Next(w.now), computing it once per now and cadence.
func (w *work) next(c Cadence) time.Time {
	for _, n := range w.nexts {
		if n.c == c {
			return n.t
		}
	}
	t := c.Next(w.now)
	w.nexts = append(w.nexts, cadenceNext{c, t})
	return t
}

// slabPlacements is how many placements' tier results one allocation
// holds: Classify allocates once per slabPlacements calls, not once per
// call. A placement kept alone keeps its slab alive, a few KiB.
const slabPlacements = 32

// tierResults returns room for n tier results of one placement, cut from
// the slab. Each placement's slice is capped at its length, so appending
// to it copies instead of writing into another's.
func (w *work) tierResults(n int) []TierResult {
	if len(w.tiers) < n {
		w.tiers = make([]TierResult, n*slabPlacements)
	}
	out := w.tiers[:n:n]
	w.tiers = w.tiers[n:]
	return out
}

// segmentNames returns room for the n segment names of one placement (of
// an engine with the given number of segments), empty, cut from a slab as
// tier results are: Classify with segments allocates once per dozens of
// calls.
func (w *work) segmentNames(n, segments int) []string {
	if n == 0 {
		return []string{}
	}
	if len(w.names) < n {
		w.names = make([]string, max(n, segments*slabPlacements/4))
	}
	out := w.names[:0:n]
	w.names = w.names[n:]
	return out
}

// bind points w at *c, now and ctx.
func (w *work) bind(ctx context.Context, c *strata.Customer, now time.Time) {
	if !w.now.Equal(now) || w.now.Location() != now.Location() {
		w.act.SetNow(now)
		w.now = now
		w.nexts = w.nexts[:0]
	}
	w.act.SetCustomer(c)
	w.act.SetContext(ctx)
}

func (e *Engine) getWork(ctx context.Context, c *strata.Customer, now time.Time) *work {
	w := e.acts.Get().(*work)
	w.bind(ctx, c, now)
	return w
}

func (e *Engine) putWork(w *work) {
	w.act.SetCustomer(nil)
	w.act.SetContext(context.Background())
	e.acts.Put(w)
}

// check returns the error for a call Classify or Explain cannot make.
func (e *Engine) check(ctx context.Context, c *strata.Customer) error {
	switch {
	case e.ready() != nil:
		return e.ready()
	case ctx == nil:
		return errors.New("tiering: nil context")
	case c == nil:
		return errNilRecord
	}
	return nil
}

// Classify places one customer at now: a tier on every ladder (first match,
// with the primary ladder's hysteresis read from c.Tier and c.TierSince),
// every matching segment, and the next follow-up date. It reads *c and
// neither keeps nor changes it. It fails when a rule fails to evaluate (an
// *strata.EvalError naming the rule) or ctx is done, with an error wrapping
// ctx's cause; a nil c or a zero Engine is an error.
func (e *Engine) Classify(ctx context.Context, c *strata.Customer, now time.Time) (Placement, error) {
	if err := e.check(ctx, c); err != nil {
		return Placement{}, err
	}
	w := e.getWork(ctx, c, now)
	defer e.putWork(w)
	return e.classify(w, c, now)
}

func (e *Engine) classify(w *work, c *strata.Customer, now time.Time) (Placement, error) {
	p := Placement{CustomerID: c.ID, Tiers: w.tierResults(len(e.ladders)), Revenue: c.Revenue}
	for li := range e.ladders {
		if err := e.placeOn(w.act, li, c, now, &p.Tiers[li]); err != nil {
			return Placement{}, err
		}
	}
	if e.each != nil {
		if err := e.each.EvalBools(w.act, w.flags); err != nil {
			return Placement{}, err
		}
		n := 0
		for _, f := range w.flags {
			if f {
				n++
			}
		}
		p.Segments = w.segmentNames(n, len(e.segments))
		for i, f := range w.flags {
			if f {
				p.Segments = append(p.Segments, e.segments[i].Name)
			}
		}
	}
	if p.Segments == nil {
		p.Segments = []string{}
	}
	if len(p.Tiers) > 0 {
		p.NextFollowUp = w.next(p.Tiers[0].FollowUp)
	}
	return p, nil
}

// placeOn places c on ladder li into res, which is zero (fresh from the
// slab).
func (e *Engine) placeOn(act *rules.Activation, li int, c *strata.Customer, now time.Time, res *TierResult) error {
	l := &e.ladders[li]
	pick := len(l.tiers) - 1 // the default
	if l.first != nil {
		i, err := l.first.EvalInt(act)
		if err != nil {
			return err
		}
		if i >= 0 {
			pick = int(i) // only the default has no rule, and it is last
		}
	}
	res.Ladder, res.Reason = l.name, ReasonMatched
	if l.tiers[pick].when == nil {
		res.Reason = ReasonDefault
	} else {
		res.Rule = l.tiers[pick].When
	}
	if li == 0 {
		res.Previous = c.Tier
		if l.holds && c.Tier != "" {
			var err error
			if pick, err = l.hold(act, c, now, pick, res); err != nil {
				return err
			}
		}
	}
	t := &l.tiers[pick]
	res.Tier, res.OwnerRole, res.FollowUp = t.Name, t.OwnerRole, t.FollowUp
	if li == 0 {
		res.Changed = res.Tier != res.Previous
		res.Since = c.TierSince
		if res.Changed || res.Since.IsZero() {
			res.Since = now
		}
	}
	return nil
}

// hold applies the primary ladder's hysteresis: moving down from the
// current tier needs the current tier's stay rule to fail and its minimum
// dwell to have passed. It returns the tier kept, and notes why in res.
func (l *ladder) hold(act *rules.Activation, c *strata.Customer, now time.Time, pick int, res *TierResult) (int, error) {
	cur, ok := l.byName[c.Tier]
	if !ok || cur >= pick {
		return pick, nil
	}
	t := &l.tiers[cur]
	if t.MinDwell > 0 && !c.TierSince.IsZero() && now.Sub(c.TierSince) < time.Duration(t.MinDwell) {
		res.Would, res.Reason, res.Rule = l.tiers[pick].Name, ReasonMinDwell, ""
		return cur, nil
	}
	if t.stay != nil {
		ok, err := t.stay.EvalBool(act)
		if err != nil {
			return pick, err
		}
		if ok {
			res.Would, res.Reason, res.Rule = l.tiers[pick].Name, ReasonStayRule, t.Stay
			return cur, nil
		}
	}
	return pick, nil
}

// RuleTrace is one rule evaluated for a customer: whether it matched and the
// value of each sub-expression.
type RuleTrace struct {
	Rule    string        `json:"rule"` // "tier value/vip", "stay value/vip", "segment east-china"
	Source  string        `json:"source"`
	Matched bool          `json:"matched"`
	Steps   []strata.Step `json:"steps"`
}

// Explanation is a placement with the trace of every rule that decided it.
type Explanation struct {
	Placement Placement   `json:"placement"`
	Rules     []RuleTrace `json:"rules"`
}

// Explain classifies c like Classify and also re-evaluates, with state
// tracking, every rule on the path to each tier and every segment rule,
// recording the value of each sub-expression. It is several times slower
// than Classify; call it when someone asks why.
func (e *Engine) Explain(ctx context.Context, c *strata.Customer, now time.Time) (Explanation, error) {
	if err := e.check(ctx, c); err != nil {
		return Explanation{}, err
	}
	w := e.getWork(ctx, c, now)
	defer e.putWork(w)
	p, err := e.classify(w, c, now)
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{Placement: p, Rules: []RuleTrace{}}
	trace := func(prog *rules.Program) (bool, error) {
		ok, err := prog.EvalBool(w.act)
		if err != nil {
			return false, err
		}
		steps, err := prog.Explain(w.act)
		if err != nil {
			return false, err
		}
		ex.Rules = append(ex.Rules, RuleTrace{Rule: prog.Name(), Source: prog.Source(), Matched: ok, Steps: steps})
		return ok, nil
	}
	for li, l := range e.ladders {
		for _, t := range l.tiers {
			if t.when == nil {
				break
			}
			ok, err := trace(t.when)
			if err != nil {
				return Explanation{}, err
			}
			if ok {
				break
			}
		}
		if li == 0 && p.Tiers[0].Reason == ReasonStayRule {
			if _, err := trace(l.tiers[l.byName[p.Tiers[0].Tier]].stay); err != nil {
				return Explanation{}, err
			}
		}
	}
	for _, s := range e.segments {
		if _, err := trace(s.when); err != nil {
			return Explanation{}, err
		}
	}
	return ex, nil
}
