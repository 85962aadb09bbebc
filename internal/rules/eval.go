package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unsafe"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"cel.dev/cel-go/parser"

	"github.com/strata-go/strata"
)

// errNotCompiled is the cause of an EvalError for a nil or zero Program or
// a nil Activation.
var errNotCompiled = errors.New("rules: not a compiled rule, or no activation")

// eval evaluates one compiled program. With a context bound to the
// activation it fails at once when the context is done, and a rule with a
// comprehension runs under it: cel-go looks at the context every
// interruptEvery iterations and stops the rule with an error wrapping the
// context's cause. A rule without one runs to its end, which its
// worst-case cost bounds.
func (p *Program) eval(a *Activation) (ref.Val, error) {
	if p == nil || p.compiled == nil || p.planFn == nil || a == nil {
		return nil, &strata.EvalError{Rule: p.ruleName(), Err: errNotCompiled}
	}
	if f := p.ready(a); f != nil {
		if err := ctxErr(a, p.name); err != nil {
			return nil, err
		}
		v, err := f.run(a, p.name)
		if err != nil {
			return nil, err
		}
		return types.Bool(v), nil
	}
	prg, err := p.program()
	if err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: err}
	}
	if ctx := a.ctx; ctx != nil {
		if ctx.Err() != nil {
			return nil, &strata.EvalError{Rule: p.name, Err: context.Cause(ctx)}
		}
		if p.loops && ctx.Done() != nil {
			out, _, err := prg.ContextEval(ctx, a)
			if err != nil {
				return nil, &strata.EvalError{Rule: p.name, Err: err}
			}
			return out, nil
		}
	}
	out, _, err := prg.Eval(a)
	if err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: err}
	}
	return out, nil
}

// ready returns the rule planned as closures when it can evaluate what a
// binds, else nil (cel-go evaluates the rule).
func (p *Program) ready(a *Activation) *fastProg {
	if p.parts != nil {
		return nil
	}
	if f := p.fastProgram(p.env); f != nil && f.ready(a) {
		return f
	}
	return nil
}

func (p *Program) ruleName() string {
	if p == nil {
		return ""
	}
	return p.name
}

// Eval evaluates the rule against the activation, under the activation's
// context if it has one.
func (p *Program) Eval(a *Activation) (ref.Val, error) { return p.eval(a) }

// EvalContext evaluates the rule under ctx, stopping with an error wrapping
// ctx's cause if ctx is done before the rule finishes.
func (p *Program) EvalContext(ctx context.Context, a *Activation) (ref.Val, error) {
	if a == nil {
		return p.eval(a)
	}
	prev := a.ctx
	a.ctx = ctx
	defer func() { a.ctx = prev }()
	return p.eval(a)
}

// EvalBool evaluates a condition.
func (p *Program) EvalBool(a *Activation) (bool, error) {
	if p != nil && p.compiled != nil && a != nil {
		if f := p.ready(a); f != nil {
			if err := ctxErr(a, p.name); err != nil {
				return false, err
			}
			return f.run(a, p.name)
		}
	}
	out, err := p.eval(a)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, &strata.EvalError{Rule: p.name, Err: fmt.Errorf("result %v is not a bool", out)}
	}
	return bool(b), nil
}

// EvalNumber evaluates a numeric rule as float64.
func (p *Program) EvalNumber(a *Activation) (float64, error) {
	out, err := p.eval(a)
	if err != nil {
		return 0, err
	}
	switch v := out.(type) {
	case types.Int:
		return float64(v), nil
	case types.Double:
		return float64(v), nil
	case types.Uint:
		return float64(v), nil
	}
	return 0, &strata.EvalError{Rule: p.name, Err: fmt.Errorf("result %v is not a number", out)}
}

// EvalInt evaluates a rule that returns an int, or a FirstMatch: the index
// of the first condition that holds, or -1. A failing condition of a
// FirstMatch is named in the error.
func (p *Program) EvalInt(a *Activation) (int64, error) {
	if p != nil && p.parts != nil && !p.each {
		return p.firstMatch(a)
	}
	out, err := p.eval(a)
	if err != nil {
		return 0, err
	}
	n, ok := out.(types.Int)
	if !ok {
		return 0, &strata.EvalError{Rule: p.name, Err: fmt.Errorf("result %v is not an int", out)}
	}
	return int64(n), nil
}

func (p *Program) firstMatch(a *Activation) (int64, error) {
	if err := p.start(a); err != nil {
		return 0, err
	}
	for i := range p.parts {
		pt := &p.parts[i]
		if f := pt.fast; f != nil && f.ready(a) {
			v, bad := f.root(a)
			if bad != nil || a.abort != nil {
				return 0, f.fail(a, bad, pt.conds[0].name)
			}
			if v {
				return int64(pt.lo), nil
			}
			continue
		}
		if len(pt.conds) == 1 {
			ok, err := pt.conds[0].EvalBool(a)
			if err != nil {
				return 0, err
			}
			if ok {
				return int64(pt.lo), nil
			}
			continue
		}
		i, err := pt.prog.EvalInt(a)
		if err != nil {
			return 0, pt.blame(a, err)
		}
		if i >= 0 {
			return int64(pt.lo) + i, nil
		}
	}
	return -1, nil
}

// start checks a FirstMatch or Each can run: an activation, and a context
// that is not done (the error then names the first condition, which is the
// one that would fail).
func (p *Program) start(a *Activation) error {
	if a == nil {
		return &strata.EvalError{Rule: p.name, Err: errNotCompiled}
	}
	if len(p.parts) > 0 {
		return ctxErr(a, p.parts[0].conds[0].name)
	}
	return nil
}

// blame returns the error of the first condition of the part that fails
// on its own, naming it, or err when none does.
func (pt part) blame(a *Activation, err error) error {
	for _, c := range pt.conds {
		if _, cerr := c.EvalBool(a); cerr != nil {
			return cerr
		}
	}
	return err
}

// EvalBools evaluates an Each program into dst, which must have one
// element per condition. A failing condition is named in the error.
func (p *Program) EvalBools(a *Activation, dst []bool) error {
	if p == nil || p.parts == nil || !p.each {
		return &strata.EvalError{Rule: p.ruleName(), Err: errors.New("rules: not an Each program")}
	}
	if n := p.conditions(); n != len(dst) {
		return &strata.EvalError{Rule: p.name, Err: fmt.Errorf("%d results for %d conditions", len(dst), n)}
	}
	if err := p.start(a); err != nil {
		return err
	}
	for i := range p.parts {
		pt := &p.parts[i]
		if f := pt.fast; f != nil && f.ready(a) {
			v, bad := f.root(a)
			if bad != nil || a.abort != nil {
				return f.fail(a, bad, pt.conds[0].name)
			}
			dst[pt.lo] = v
			continue
		}
		if len(pt.conds) == 1 {
			ok, err := pt.conds[0].EvalBool(a)
			if err != nil {
				return err
			}
			dst[pt.lo] = ok
			continue
		}
		if err := pt.evalEach(a, dst[pt.lo:pt.lo+len(pt.conds)]); err != nil {
			return pt.blame(a, err)
		}
	}
	return nil
}

func (pt part) evalEach(a *Activation, dst []bool) error {
	out, err := pt.prog.eval(a)
	if err != nil {
		return err
	}
	vals, ok := out.Value().([]ref.Val)
	if !ok || len(vals) != len(dst) {
		return &strata.EvalError{Rule: pt.prog.name, Err: fmt.Errorf("result %v is not a list of %d conditions", out, len(dst))}
	}
	for i, v := range vals {
		b, ok := v.(types.Bool)
		if !ok {
			return &strata.EvalError{Rule: pt.prog.name, Err: fmt.Errorf("condition %d gave %v, not a bool", pt.lo+i, v)}
		}
		dst[i] = bool(b)
	}
	return nil
}

// conditions returns how many conditions a FirstMatch or Each combines.
func (p *Program) conditions() int {
	if n := len(p.parts); n > 0 {
		last := &p.parts[n-1]
		return last.lo + len(last.conds)
	}
	return 0
}

// Explain evaluates the rule again with state tracking and returns the value
// of every call and field access in it, innermost first, ending with the
// whole rule. It is slower than Eval (state tracking costs several times
// the plain evaluation), so engines call it only when asked why. It runs
// under the activation's context like Eval.
func (p *Program) Explain(a *Activation) ([]strata.Step, error) {
	if p == nil || p.compiled == nil || p.traced == nil || a == nil {
		return nil, &strata.EvalError{Rule: p.ruleName(), Err: errNotCompiled}
	}
	traced, err := p.traced()
	if err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: err}
	}
	if a.ctx != nil && a.ctx.Err() != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: context.Cause(a.ctx)}
	}
	ctx := a.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	_, det, err := traced.ContextEval(ctx, a)
	if det == nil {
		if err != nil {
			return nil, &strata.EvalError{Rule: p.name, Err: err}
		}
		return nil, nil
	}
	return p.steps(det.State()), nil
}

// steps lists the recorded value of every call, selection and
// comprehension of the rule, innermost first, each expression once.
func (p *Program) steps(state interpreter.EvalState) []strata.Step {
	native := p.ast.NativeRep()
	var steps []strata.Step
	seen := map[string]bool{}
	ast.PostOrderVisit(native.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.CallKind && x.Kind() != ast.SelectKind && x.Kind() != ast.ComprehensionKind {
			return
		}
		v, ok := state.Value(x.ID())
		if !ok {
			return
		}
		text, uerr := parser.Unparse(x, native.SourceInfo())
		if uerr != nil || seen[text] {
			return
		}
		seen[text] = true
		steps = append(steps, strata.Step{Expr: text, Value: formatVal(v)})
	}))
	return steps
}

func formatVal(v ref.Val) string {
	if m, ok := asMoney(v); ok {
		return m.String()
	}
	if c, ok := asCustomer(v); ok {
		return "customer " + c.ID
	}
	switch x := v.(type) {
	case types.String:
		return fmt.Sprintf("%q", string(x))
	case types.Timestamp:
		return x.Time.Format(time.RFC3339)
	case *types.Err:
		return "error: " + x.Error()
	case traitsLister:
		if n, ok := x.Size().(types.Int); ok && n > 8 {
			return fmt.Sprintf("[%d items]", int64(n))
		}
	}
	return fmt.Sprint(v.Value())
}

type traitsLister interface{ Size() ref.Val }

// Activation binds the variables of one evaluation. It is reused across
// customers: the engines set the customer and evaluate. Variables are
// adapted to CEL values lazily, the first time a rule reads them after they
// are set, so rules that never read now (or read customer only through the
// planned closures) allocate nothing for it. An Activation is not safe for
// concurrent use; use one per goroutine.
type Activation struct {
	env      *Env
	adapter  types.Adapter
	ctx      context.Context
	customer *strata.Customer
	custVal  ref.Val // customer adapted, once per SetCustomer
	now      time.Time
	nowVal   ref.Val // now adapted, once per SetNow
	// now in Unix seconds and nanoseconds, for days_since's cutoffs:
	// nowCut when now is within a few billion years, nowMono when it has a
	// monotonic clock reading (Time.Sub then subtracts those).
	nowSec, nowNsec int64
	nowCut, nowMono bool
	home            ref.Val
	homeStr         string
	names           []string
	raw             []any     // as Set
	vals            []ref.Val // adapted, nil until read
	// ptr holds the records the planned closures read fields from: ptr[0]
	// the customer, ptr[k] the extra variable of slot k (see
	// Env.varSlot) when it is bound to a non-nil pointer to its declared
	// struct type; bound has bit k set when ptr[k] holds one.
	ptr   [maxVars]unsafe.Pointer
	bound uint64
	// amounts caches the Money fields planned rules compare (customer.revenue
	// …), decomposed once per binding instead of once per comparison:
	// amounts[i] is valid while stamp[i] == gen, and Set and SetCustomer
	// move gen on.
	gen     uint64
	stamp   [maxMoneyFields]uint64
	amounts [maxMoneyFields]amount
	region  region // the customer's, for in_group(customer, …)
	// abort is set by a planned rule's fallback when cel-go stopped the
	// evaluation (a done context): the whole evaluation then fails with it,
	// as a cel-go program fails as a whole when it is interrupted.
	abort error
}

// NewActivation returns an activation for programs of this environment,
// with home and now bound.
func (e *Env) NewActivation(home string, now time.Time) *Activation {
	a := &Activation{env: e, adapter: e.cel.CELTypeAdapter(), home: types.String(home), homeStr: home}
	a.SetNow(now)
	return a
}

// SetCustomer binds customer to c. The activation keeps the pointer and
// may keep what it has read from *c until the next SetCustomer: do not
// modify *c while it is bound (bind it again after changing it). A nil c
// unbinds it.
func (a *Activation) SetCustomer(c *strata.Customer) {
	a.customer, a.custVal = c, nil
	a.ptr[0] = unsafe.Pointer(c)
	a.gen++
	if c != nil {
		a.bound |= 1
	} else {
		a.bound &^= 1
	}
}

// regionOf returns the bound customer's region, decomposed once per
// binding.
func (a *Activation) regionOf(c *strata.Customer) *region {
	if a.region.stamp != a.gen {
		a.region.stamp = a.gen
		a.region.decompose(c)
	}
	return &a.region
}

// SetNow binds now.
func (a *Activation) SetNow(t time.Time) {
	a.now, a.nowVal = t, nil
	a.nowSec, a.nowNsec = t.Unix(), int64(t.Nanosecond())
	a.nowCut = a.nowSec > -1<<61 && a.nowSec < 1<<61
	a.nowMono = t != t.Round(0)
}

// Now returns the bound now.
func (a *Activation) Now() time.Time { return a.now }

// SetContext binds the context evaluations run under: when it is done,
// evaluations fail with an error wrapping its cause, and rules with
// comprehensions stop within a few iterations. Engines bind the caller's
// context for the length of one call and bind context.Background() after,
// so a pooled Activation keeps no caller's context alive.
func (a *Activation) SetContext(ctx context.Context) { a.ctx = ctx }

// Set binds an extra variable declared with WithVariable; v should be a
// pointer to the declared struct type (the planned closures read its
// fields in place; a value of the struct type works too, through cel-go).
func (a *Activation) Set(name string, v any) {
	if i := slices.Index(a.names, name); i >= 0 {
		a.raw[i], a.vals[i] = v, nil
	} else {
		a.names = append(a.names, name)
		a.raw = append(a.raw, v)
		a.vals = append(a.vals, nil)
	}
	if a.env == nil {
		return
	}
	if k, ok := a.env.varSlot(name); ok {
		p, ok := a.env.pointerTo(k, v)
		a.ptr[k] = p
		a.gen++
		if ok {
			a.bound |= 1 << k
		} else {
			a.bound &^= 1 << k
		}
	}
}

// native returns a variable as bound, before adaptation: the fast paths
// read fields straight from the Go value.
func (a *Activation) native(name string) (any, bool) {
	if name == "customer" {
		return a.customer, a.customer != nil
	}
	for i, n := range a.names {
		if n == name {
			return a.raw[i], true
		}
	}
	return nil, false
}

// ResolveName implements interpreter.Activation.
func (a *Activation) ResolveName(name string) (any, bool) {
	switch name {
	case "customer":
		if a.customer == nil {
			return nil, false
		}
		if a.custVal == nil {
			a.custVal = a.adapter.NativeToValue(a.customer)
		}
		return a.custVal, true
	case "now":
		if a.nowVal == nil {
			a.nowVal = types.Timestamp{Time: a.now}
		}
		return a.nowVal, true
	case "home":
		return a.home, true
	}
	for i, n := range a.names {
		if n == name {
			if a.vals[i] == nil {
				a.vals[i] = a.adapter.NativeToValue(a.raw[i])
			}
			return a.vals[i], true
		}
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *Activation) Parent() interpreter.Activation { return nil }

var _ interpreter.Activation = (*Activation)(nil)
