package automation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
	"github.com/strata-go/strata/tiering"
)

// Task is one action for the host to carry out: the rule that fired, on
// which transition, and what to do. Key identifies it for the host's job
// queue: the same customer, transition, rule and action give the same key,
// so a retried run enqueues nothing twice.
type Task struct {
	// Key is a 32-character hex idempotency key (see Eval).
	Key        string             `json:"key"`
	CustomerID string             `json:"customer_id"`
	Rule       string             `json:"rule"`
	Kind       string             `json:"kind"`
	Params     Params             `json:"params,omitempty"`
	Transition tiering.Transition `json:"transition"`
}

// String describes the task in one line: "assign_role role=senior-sales-manager
// (rule domestic-high-value on segment domestic-high-value: entered)".
func (t Task) String() string {
	var b strings.Builder
	b.WriteString(t.Kind)
	for _, p := range t.Params {
		fmt.Fprintf(&b, " %s=%s", p.Name, p.Value)
	}
	fmt.Fprintf(&b, " (rule %s on %s)", t.Rule, t.Transition)
	return b.String()
}

// Result is what the rules ask for one customer: the tasks, in a stable
// order (by transition, then rule, then action, as configured).
type Result struct {
	CustomerID string `json:"customer_id"`
	Tasks      []Task `json:"tasks"`
}

// Why lists the tasks one per line, each with the rule and transition that
// caused it; "no rule fired" when there are none.
func (r Result) Why() string {
	if len(r.Tasks) == 0 {
		return "no rule fired"
	}
	lines := make([]string, len(r.Tasks))
	for i, t := range r.Tasks {
		lines[i] = t.String()
	}
	return strings.Join(lines, "\n")
}

// work is a pooled per-goroutine scratch.
type work struct {
	act  *rules.Activation
	t    tiering.Transition
	now  time.Time
	key  []byte
	hits []hit
}

func (e *Engine) getWork(ctx context.Context, c *strata.Customer, now time.Time) *work {
	w := e.acts.Get().(*work)
	if !w.now.Equal(now) || w.now.Location() != now.Location() {
		w.act.SetNow(now)
		w.now = now
	}
	w.act.SetCustomer(c)
	w.act.SetContext(ctx)
	return w
}

func (e *Engine) putWork(w *work) {
	w.act.SetCustomer(nil)
	w.t = tiering.Transition{} // the activation keeps &w.t: no caller's data stays behind
	w.act.SetContext(context.Background())
	e.acts.Put(w)
}

func (e *Engine) check(ctx context.Context, c *strata.Customer) error {
	switch {
	case e.ready() != nil:
		return e.ready()
	case ctx == nil:
		return errors.New("automation: nil context")
	case c == nil:
		return errors.New("automation: nil record")
	}
	return nil
}

// Eval evaluates the rules for each of a customer's transitions (from
// tiering.Engine.Transitions) at now, and returns the tasks of every rule
// that holds, in a stable order: by transition, then rule, then action, as
// configured. Each task's Key is derived from the customer's ID, the
// transition (its ladder or segment, from, to, change and At), the rule's
// name and the action (its index, kind and parameters): give a retried run
// the same now (the run's scheduled time, not the clock) and its keys are
// the same. Eval reads *c and neither keeps nor changes it; it fails when a
// rule fails to evaluate (an *strata.EvalError naming the rule) or ctx is
// done.
func (e *Engine) Eval(ctx context.Context, c *strata.Customer, ts []tiering.Transition, now time.Time) (Result, error) {
	if err := e.check(ctx, c); err != nil {
		return Result{}, err
	}
	w := e.getWork(ctx, c, now)
	defer e.putWork(w)
	return e.eval(w, c, ts)
}

func (e *Engine) eval(w *work, c *strata.Customer, ts []tiering.Transition) (Result, error) {
	res := Result{CustomerID: c.ID}
	// First the rules that fire, then the tasks, allocated at once: most
	// customers get none, and the rest exactly what they need.
	w.hits = w.hits[:0]
	tasks, params := 0, 0
	for ti := range ts {
		w.t = ts[ti]
		w.act.Set("transition", &w.t)
		for _, ri := range e.candidates(&ts[ti]) {
			r := &e.rules[ri]
			ok, err := r.prog.EvalBool(w.act)
			if err != nil {
				return Result{}, evalError(r.Name, err)
			}
			if ok {
				w.hits = append(w.hits, hit{ti, ri})
				tasks += len(r.Actions)
				params += r.params
			}
		}
	}
	res.Tasks = make([]Task, 0, tasks)
	all := make(Params, 0, params) // every task's parameters, in one array
	for _, h := range w.hits {
		r := &e.rules[h.rule]
		t := &ts[h.transition]
		prefix := w.keyPrefix(c.ID, t)
		for ai, a := range r.Actions {
			var ps Params // nil for none, as JSON reads an absent "params"
			if len(r.sorted[ai]) > 0 {
				n := len(all)
				all = append(all, r.sorted[ai]...)
				ps = all[n:len(all):len(all)]
			}
			res.Tasks = append(res.Tasks, Task{Key: w.taskKey(prefix, r.keys[ai]), CustomerID: c.ID, Rule: r.Name,
				Kind: a.Kind, Params: ps, Transition: *t})
		}
	}
	return res, nil
}

// hit is a rule that fired for a transition.
type hit struct{ transition, rule int }

func evalError(rule string, err error) error {
	if _, ok := errors.AsType[*strata.EvalError](err); ok {
		return err
	}
	return &strata.EvalError{Rule: "automation " + rule, Err: err}
}

// keyPrefix encodes the customer's and the transition's part of a task key
// into the work's buffer and returns its length.
func (w *work) keyPrefix(id string, t *tiering.Transition) int {
	b := appendField(w.key[:0], "strata-automation-v1")
	b = appendField(b, id)
	b = appendField(b, t.Ladder)
	b = appendField(b, t.Segment)
	b = appendField(b, t.From)
	b = appendField(b, t.To)
	b = appendField(b, string(t.Change))
	b = strconv.AppendInt(b, t.At.Unix(), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(t.At.Nanosecond()), 10)
	b = append(b, ';')
	w.key = b
	return len(b)
}

// taskKey hashes the prefix and an action's part (SHA-256, the first 16
// bytes in hex). Every field is length-prefixed, so no two different tasks
// share an encoding; the instant is the same in every zone.
func (w *work) taskKey(prefix int, action []byte) string {
	w.key = append(w.key[:prefix], action...)
	sum := sha256.Sum256(w.key)
	var buf [32]byte
	hex.Encode(buf[:], sum[:16])
	return string(buf[:])
}

// RuleTrace is one rule evaluated for one transition.
type RuleTrace struct {
	Rule string `json:"rule"`
	// Transition is the index of the transition in the list given.
	Transition int    `json:"transition"`
	Source     string `json:"source"`
	Matched    bool   `json:"matched"`
	// Skipped says why the rule was not evaluated: its condition pins
	// another ladder or segment.
	Skipped string        `json:"skipped,omitempty"`
	Steps   []strata.Step `json:"steps,omitempty"`
}

// Explanation is a Result with the trace of every rule for every transition.
type Explanation struct {
	Result Result      `json:"result"`
	Rules  []RuleTrace `json:"rules"`
}

// Explain evaluates like Eval and also traces every rule for every
// transition: the rules evaluated, with the value of each sub-expression,
// and the rules skipped because they are about another ladder or segment.
// It is several times slower than Eval; call it when someone asks why.
func (e *Engine) Explain(ctx context.Context, c *strata.Customer, ts []tiering.Transition, now time.Time) (Explanation, error) {
	if err := e.check(ctx, c); err != nil {
		return Explanation{}, err
	}
	w := e.getWork(ctx, c, now)
	defer e.putWork(w)
	res, err := e.eval(w, c, ts)
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{Result: res, Rules: []RuleTrace{}}
	for ti := range ts {
		w.t = ts[ti]
		w.act.Set("transition", &w.t)
		cands := e.candidates(&ts[ti])
		for ri := range e.rules {
			r := &e.rules[ri]
			tr := RuleTrace{Rule: r.Name, Transition: ti, Source: r.When}
			if !slices.Contains(cands, ri) {
				tr.Skipped = fmt.Sprintf("the rule is about %s", r.pin)
				ex.Rules = append(ex.Rules, tr)
				continue
			}
			if tr.Matched, err = r.prog.EvalBool(w.act); err != nil {
				return Explanation{}, evalError(r.Name, err)
			}
			if tr.Steps, err = r.prog.Explain(w.act); err != nil {
				return Explanation{}, evalError(r.Name, err)
			}
			ex.Rules = append(ex.Rules, tr)
		}
	}
	return ex, nil
}

// String names what a pin restricts a rule to.
func (p pin) String() string {
	switch {
	case p.kind == onAny:
		return "any transition"
	case p.name == "":
		return "transitions on a " + p.kind.noun()
	}
	return fmt.Sprintf("%s %q", p.kind.noun(), p.name)
}
