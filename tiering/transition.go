package tiering

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// State is a customer's placement as the host keeps it between runs: its
// tier on every ladder and the segments it is in. The record
// (strata.Customer) carries only the primary tier and the segments, so a
// host that acts on changes of other ladders stores a State beside the
// record (Placement.State returns the one to store) and gives it back to
// Transitions on the next run. A host with one ladder can use StateOf,
// which reads the record. State is plain data; its JSON form round-trips.
type State struct {
	// Tiers maps a ladder's name to the customer's tier on it; a ladder
	// left out had no tier yet.
	Tiers map[string]string `json:"tiers,omitempty"`
	// Segments lists the segments the customer was in, in any order.
	Segments []string `json:"segments,omitempty"`
}

// State returns the placement as the State to keep for the next run's
// Transitions: the tier on every ladder and the segments.
func (p Placement) State() State {
	s := State{Tiers: make(map[string]string, len(p.Tiers))}
	for _, t := range p.Tiers {
		s.Tiers[t.Ladder] = t.Tier
	}
	if len(p.Segments) > 0 {
		s.Segments = slices.Clone(p.Segments)
	}
	return s
}

// StateOf returns the state a record carries: its tier on the primary ladder
// (when it has one) and its segments. Other ladders are unknown to it, so
// Transitions reports every tier on them as new: a host that acts on them
// keeps Placement.State instead. A nil c, or a nil or zero Engine, gives the
// zero State.
func (e *Engine) StateOf(c *strata.Customer) State {
	if e.ready() != nil || c == nil {
		return State{}
	}
	s := State{}
	if c.Tier != "" {
		s.Tiers = map[string]string{e.ladders[0].name: c.Tier}
	}
	if len(c.Segments) > 0 {
		s.Segments = slices.Clone(c.Segments)
	}
	return s
}

// Change says what kind of transition a customer made.
type Change string

// The changes. Up and down follow the ladder's order: its first tier is
// the highest.
const (
	ChangeNew     Change = "new"     // a first tier on a ladder
	ChangeUp      Change = "up"      // to a higher tier on a ladder
	ChangeDown    Change = "down"    // to a lower tier on a ladder
	ChangeMoved   Change = "moved"   // from a tier the ladder no longer has
	ChangeEntered Change = "entered" // into a segment
	ChangeLeft    Change = "left"    // out of a segment
)

// Changes lists every Change, tiers' first.
func Changes() []Change {
	return []Change{ChangeNew, ChangeUp, ChangeDown, ChangeMoved, ChangeEntered, ChangeLeft}
}

// ReasonUnmatched is the Reason of a transition out of a segment: its rule
// no longer matches.
const ReasonUnmatched Reason = "unmatched"

// Transition is one change of a customer's placement since its previous
// state: a move on a ladder (Ladder set, From and To tiers) or a segment
// entered or left (Segment set; From is the segment when leaving, To when
// entering). Automation rules see it as the variable transition, by its
// snake_case names: transition.segment == "domestic-high-value" &&
// transition.change == "entered".
type Transition struct {
	CustomerID string `json:"customer_id" cel:"customer_id"`
	// Ladder is the ladder moved on; empty for a segment.
	Ladder string `json:"ladder,omitempty" cel:"ladder"`
	// Segment is the segment entered or left; empty for a ladder.
	Segment string `json:"segment,omitempty" cel:"segment"`
	// From and To: the previous and the new tier on Ladder (From empty for
	// a first tier), or, for a segment, the segment and "".
	From   string `json:"from,omitempty" cel:"from"`
	To     string `json:"to,omitempty" cel:"to"`
	Change Change `json:"change" cel:"change"`
	// At is when the change was seen: the time given to Transitions.
	At time.Time `json:"at" cel:"at"`
	// Reason is why the customer is where it is now: the reason of its new
	// tier (matched, default …), matched for a segment entered, unmatched
	// for one left.
	Reason Reason `json:"reason" cel:"reason"`
	// Rule is the CEL text that decided: the new tier's or the segment's
	// rule; empty for a default tier.
	Rule string `json:"rule,omitempty" cel:"rule"`
}

// String describes the transition in one line, for people and logs:
// "value: key → vip (up, matched)", "segment east-china: entered".
func (t Transition) String() string {
	if t.Segment != "" {
		return fmt.Sprintf("segment %s: %s", t.Segment, t.Change)
	}
	from := t.From
	if from == "" {
		from = "(none)"
	}
	return fmt.Sprintf("%s: %s → %s (%s, %s)", t.Ladder, from, t.To, t.Change, t.Reason)
}

// Mode says whether Transitions reports changes.
type Mode uint8

// The modes.
const (
	// Track (the zero Mode) compares a placement with the previous state
	// and reports every change: a customer seen for the first time gets a
	// "new" transition on every ladder and "entered" for its segments.
	Track Mode = iota
	// Baseline reports nothing: for importing an existing book, whose
	// customers are not new, or taking up a ladder added to the
	// configuration. The host stores Placement.State as usual, and the next
	// run tracks changes from there.
	Baseline
)

// Transitions compares placement p with the customer's previous state and
// returns every change, at time at: one transition per ladder whose tier
// differs (in ladder order), then one per segment entered (in configuration
// order), then one per segment left (in configuration order). A ladder or
// segment prev names but the engine no longer has yields nothing: removing
// it from the configuration is not a change of the customer's. In Baseline
// mode it returns no transitions.
//
// p must come from this engine (or one with the same ladders), at must not
// be zero; a nil or zero Engine is an error. The result is never nil.
func (e *Engine) Transitions(p Placement, prev State, at time.Time, mode Mode) ([]Transition, error) {
	switch {
	case e.ready() != nil:
		return nil, e.ready()
	case at.IsZero():
		return nil, errors.New("tiering: Transitions needs the time of the run")
	case mode != Track && mode != Baseline:
		return nil, fmt.Errorf("tiering: unknown transition mode %d", mode)
	case len(p.Tiers) != len(e.ladders):
		return nil, fmt.Errorf("tiering: the placement has %d ladders, the engine %d", len(p.Tiers), len(e.ladders))
	}
	for i := range p.Tiers {
		if p.Tiers[i].Ladder != e.ladders[i].name {
			return nil, fmt.Errorf("tiering: the placement's ladder %d is %q, the engine's %q", i, p.Tiers[i].Ladder, e.ladders[i].name)
		}
	}
	if mode == Baseline {
		return make([]Transition, 0), nil
	}
	now, was, err := e.memberships(p.Segments, prev.Segments)
	if err != nil {
		return nil, err
	}
	n := now.count(was) + was.count(now)
	for i := range p.Tiers {
		if p.Tiers[i].Tier != prev.Tiers[p.Tiers[i].Ladder] {
			n++
		}
	}
	out := make([]Transition, 0, n) // one allocation, none when nothing changed
	for i := range p.Tiers {
		if t, ok := e.tierTransition(i, &p.Tiers[i], prev.Tiers[p.Tiers[i].Ladder], p.CustomerID, at); ok {
			out = append(out, t)
		}
	}
	for i := range e.segments {
		if now.has(i) && !was.has(i) {
			s := &e.segments[i]
			out = append(out, Transition{CustomerID: p.CustomerID, Segment: s.Name, To: s.Name,
				Change: ChangeEntered, At: at, Reason: ReasonMatched, Rule: s.When})
		}
	}
	for i := range e.segments {
		if was.has(i) && !now.has(i) {
			s := &e.segments[i]
			out = append(out, Transition{CustomerID: p.CustomerID, Segment: s.Name, From: s.Name,
				Change: ChangeLeft, At: at, Reason: ReasonUnmatched, Rule: s.When})
		}
	}
	return out, nil
}

// members is a set of segments by index: a bit mask for up to 64
// segments, a slice beyond.
type members struct {
	bits uint64
	big  []bool
}

func (m *members) add(i int) {
	if m.big != nil {
		m.big[i] = true
	} else {
		m.bits |= 1 << uint(i)
	}
}

func (m members) has(i int) bool {
	if m.big != nil {
		return m.big[i]
	}
	return m.bits&(1<<uint(i)) != 0
}

// count returns how many segments m has that o has not.
func (m members) count(o members) int {
	if m.big == nil {
		return bits.OnesCount64(m.bits &^ o.bits)
	}
	n := 0
	for i := range m.big {
		if m.big[i] && !o.big[i] {
			n++
		}
	}
	return n
}

// memberships returns the engine's segments the placement has and those
// the previous state had (segments the engine does not have are left out).
func (e *Engine) memberships(placed, before []string) (now, was members, err error) {
	if n := len(e.segments); n > 64 {
		now.big, was.big = make([]bool, n), make([]bool, n)
	}
	for _, name := range before {
		if i, ok := e.segIndex[name]; ok {
			was.add(i)
		}
	}
	for _, name := range placed {
		i, ok := e.segIndex[name]
		if !ok {
			return members{}, members{}, fmt.Errorf("tiering: the placement's segment %q is not the engine's", name)
		}
		now.add(i)
	}
	return now, was, nil
}

// tierTransition returns the transition on ladder li from tier from to r,
// if there is one.
func (e *Engine) tierTransition(li int, r *TierResult, from, id string, at time.Time) (Transition, bool) {
	if r.Tier == from {
		return Transition{}, false
	}
	t := Transition{CustomerID: id, Ladder: r.Ladder, From: from, To: r.Tier, At: at, Reason: r.Reason, Rule: r.Rule}
	l := &e.ladders[li]
	oldIdx, known := l.byName[from]
	newIdx := l.byName[r.Tier]
	switch {
	case from == "":
		t.Change = ChangeNew
	case !known:
		t.Change = ChangeMoved
	case newIdx < oldIdx:
		t.Change = ChangeUp
	default:
		t.Change = ChangeDown
	}
	return t, true
}
