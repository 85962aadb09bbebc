package scoring

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

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
	// contributions' points sum to Result.Score (to within a nano-point).
	Points float64 `json:"points"`
	// Max is the most this criterion could add to the score.
	Max float64 `json:"max"`
	// Capped says the criterion's group hit its cap, scaling its points down.
	Capped bool `json:"capped,omitempty"`
}

// Result is a score with its grade and breakdown.
type Result struct {
	Card   string `json:"card"`
	Target Target `json:"target"`
	// Score is 0–100 in whole nano-points (rounded half away from zero to
	// nine decimals), and Grade is decided on exactly that number: a score
	// that sums to 80 is 80, never 79.99999999999999, so it gets the grade
	// whose threshold is 80, as Why prints it.
	Score     float64        `json:"score"`
	Grade     strata.Grade   `json:"grade"`
	Breakdown []Contribution `json:"breakdown"`
	// At is when the customer was scored (Score's now); Apply stores it as
	// the record's ScoredAt.
	At time.Time `json:"at,omitzero"`
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

// Apply writes the result into the record c points to: its score into the
// field its card targets (Scores.Value or Scores.Potential), At into
// Scores.ScoredAt, and its grade into Scores.Grade when the card grades
// this record: a value card grades a customer with orders (it is graded on
// what it buys), a potential card one without (a lead is graded on its
// promise), and either card a record that has no grade yet. So applying a
// customer's value and potential results, in either order, leaves the
// grade of the card that fits it. A nil c is an error.
func (r Result) Apply(c *strata.Customer) error {
	if c == nil {
		return errNilRecord
	}
	grades := c.Scores.Grade == ""
	switch r.Target {
	case TargetValue:
		c.Scores.Value = r.Score
		grades = grades || c.Orders > 0
	case TargetPotential:
		c.Scores.Potential = r.Score
		grades = grades || c.Orders <= 0
	default:
		return fmt.Errorf("scoring: apply a result of target %q: want value or potential", r.Target)
	}
	if grades {
		c.Scores.Grade = r.Grade
	}
	c.Scores.ScoredAt = r.At
	return nil
}

// errNilRecord is returned for a nil *strata.Customer.
var errNilRecord = errors.New("scoring: nil record")

type work struct {
	act    *rules.Activation
	c      strata.Customer
	earned []float64 // points per criterion group
}

// nanos is x in whole nano-points, rounded half away from zero.
func nanos(x float64) int64 { return int64(math.Round(x * 1e9)) }

// Score scores one customer at now, with its engagement events (nil when
// the card measures none). It reads *c and neither keeps nor changes it.
// It fails when a rule or a currency conversion fails, when ctx is done (an
// error wrapping its cause), and for a nil c or a zero Engine.
func (e *Engine) Score(ctx context.Context, c *strata.Customer, events []Event, now time.Time) (Result, error) {
	switch {
	case e == nil || e.env == nil:
		return Result{}, errZero
	case ctx == nil:
		return Result{}, errors.New("scoring: nil context")
	case c == nil:
		return Result{}, errNilRecord
	}
	w := e.acts.Get().(*work)
	defer func() {
		w.c = strata.Customer{}
		w.act.SetCustomer(nil)
		w.act.SetContext(context.Background())
		e.acts.Put(w)
	}()
	w.c = *c
	w.act.SetCustomer(&w.c)
	w.act.SetNow(now)
	w.act.SetContext(ctx)
	r := Result{Card: e.card.Name, Target: e.card.Target, Breakdown: make([]Contribution, len(e.criteria)), At: now}
	for i := range e.criteria {
		if err := e.contribution(w, &e.criteria[i], events, now, &r.Breakdown[i]); err != nil {
			return Result{}, err
		}
	}
	score := e.total(r.Breakdown, w.earned)
	r.Score = float64(score) / 1e9
	r.Grade = e.grade(score)
	return r, nil
}

// contribution measures one criterion into con, in weight units (total
// rescales).
func (e *Engine) contribution(w *work, cr *criterion, events []Event, now time.Time, con *Contribution) error {
	con.Criterion, con.Group = cr.Name, cr.Group
	switch {
	case cr.When != "":
		ok, err := cr.prog.EvalBool(w.act)
		if err != nil {
			return err
		}
		if ok {
			con.Raw, con.Fraction = 1, 1
		}
	case cr.Value != "":
		v, err := cr.prog.EvalNumber(w.act)
		if err != nil {
			return err
		}
		con.Raw, con.Fraction = v, cr.Scale.fraction(v)
	default:
		v, ok, err := e.measure(cr.Measure, &w.c, events, now)
		if err != nil {
			return fmt.Errorf("scoring: criterion %s/%s: %w", e.card.Name, cr.Name, err)
		}
		con.Raw, con.Missing = v, !ok
		if ok {
			con.Fraction = cr.Scale.fraction(v)
		}
	}
	con.Points = con.Fraction * cr.Weight
	return nil
}

// total applies the caps (scaling a group's points down proportionally),
// expresses every contribution on the 0–100 score, and returns the score
// in whole nano-points. earned is scratch space, one per group.
func (e *Engine) total(breakdown []Contribution, earned []float64) int64 {
	clear(earned)
	for i := range breakdown {
		if g := e.criteria[i].group; g >= 0 {
			earned[g] += breakdown[i].Points
		}
	}
	total := 0.0
	for i := range breakdown {
		con, cr := &breakdown[i], &e.criteria[i]
		maxPts := cr.Weight
		if cr.capped {
			if earned[cr.group] > cr.cap {
				con.Points *= cr.cap / earned[cr.group]
				con.Capped = true
			}
			maxPts = min(maxPts, cr.cap)
		}
		con.Points *= 100 / e.maxTotal
		con.Max = maxPts * 100 / e.maxTotal
		total += con.Points
	}
	return nanos(min(max(total, 0), 100))
}

// grade returns the grade of the first band whose threshold the score (in
// nano-points) reaches.
func (e *Engine) grade(score int64) strata.Grade {
	for _, g := range e.grades {
		if score >= g.min {
			return g.grade
		}
	}
	return e.grades[len(e.grades)-1].grade
}
