package rules

import (
	"context"
	"fmt"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/strata-go/strata"
)

// Rules planned as Go closures.
//
// A condition (a rule whose result is a bool) is planned, besides its
// cel-go program, as a tree of Go closures that read the records in place:
// the common subset of CEL that tiering, scoring and routing rules are
// written in becomes straight Go code, with no boxing, no reflection and no
// dispatch at evaluation. The subset: comparisons of fields of every scalar
// type (strings, integers, doubles, bools, timestamps, Money) with
// literals, with home and now and with each other; days_since(x) and
// days_between(x, y) compared with an integer literal (one duration
// comparison, no floating point); in_group, has_tag, has_segment,
// has_channel, has_product and speaks with a literal argument (a group is
// resolved to its members when the rule is planned); x in a list of
// literals or in a string list field; &&, ||, ! and ?: over conditions;
// true and false. Anything else (arithmetic, macros, string functions,
// custom fields) is evaluated by cel-go's program for that sub-expression,
// under the activation's context when it loops.
//
// The closures answer exactly what cel-go answers, errors included: &&
// and || are commutative with error absorption (false && error is false
// either way round, error || true is true, and otherwise the leftmost error
// is the answer), money compares across currencies exactly through the
// Converter's ratios, and an evaluation cel-go would abort as a whole (a
// loop stopped by its context) fails as a whole. FuzzClosuresMatchCEL
// checks it against cel-go over generated rules and records.

// boolFn evaluates a condition: its value, or, when bad is not nil, the
// error (or unknown) cel-go's evaluation gives instead.
type boolFn func(a *Activation) (v bool, bad ref.Val)

// fastProg is a condition planned as closures.
type fastProg struct {
	env   *Env
	root  boolFn
	needs uint64 // bit k: the closures read Activation.ptr[k]
}

// ready reports whether the closures can read what a binds: an activation
// of the same Env with every variable they read bound to a pointer to its
// declared type. Otherwise the rule is evaluated by cel-go, which adapts
// whatever is bound.
func (f *fastProg) ready(a *Activation) bool { return a.env == f.env && a.bound&f.needs == f.needs }

// run evaluates the closures under the activation's context; the caller
// checked ready and that the context is not done.
func (f *fastProg) run(a *Activation, rule string) (bool, error) {
	v, bad := f.root(a)
	if bad != nil || a.abort != nil {
		return false, f.fail(a, bad, rule)
	}
	return v, nil
}

// fail returns the error of an evaluation whose closures answered bad, or
// that a fallback stopped (a.abort, which it clears).
func (f *fastProg) fail(a *Activation, bad ref.Val, rule string) error {
	if err := a.abort; err != nil {
		a.abort = nil
		return &strata.EvalError{Rule: rule, Err: err}
	}
	if e, ok := bad.(*types.Err); ok {
		return &strata.EvalError{Rule: rule, Err: e}
	}
	return &strata.EvalError{Rule: rule, Err: fmt.Errorf("result %v is not a bool", bad)}
}

// ctxErr returns the error of an evaluation under a's context when the
// context is done before it starts.
func ctxErr(a *Activation, rule string) error {
	if ctx := a.ctx; ctx != nil && ctx.Err() != nil {
		return &strata.EvalError{Rule: rule, Err: context.Cause(ctx)}
	}
	return nil
}

// planner plans one checked rule.
type planner struct {
	e      *Env
	a      *ast.AST
	needs  uint64
	leaves int   // conditions planned as closures
	falls  int   // conditions left to cel-go
	err    error // a fallback that did not plan
}

// planFast plans a checked condition as closures, or returns nil when it
// is not a condition or most of it is outside the planned subset: cel-go
// then evaluates it whole, in one call instead of one per part.
func (e *Env) planFast(a *ast.AST) (f *fastProg) {
	defer func() { // cel-go must never take the host down
		if r := recover(); r != nil {
			f = nil
		}
	}()
	if !a.IsChecked() || kindOf(a.GetType(a.Expr().ID())) != kBool {
		return nil
	}
	p := &planner{e: e, a: a}
	root, ok := p.native(a.Expr())
	if !ok || p.err != nil || p.leaves == 0 || p.falls > p.leaves {
		return nil
	}
	return &fastProg{env: e, root: root, needs: p.needs}
}

// cond plans a condition: as closures when it is in the subset, else as a
// call of cel-go's program for it.
func (p *planner) cond(x ast.Expr) boolFn {
	if fn, ok := p.native(x); ok {
		return fn
	}
	return p.fallback(x)
}

// native plans a condition in the subset.
func (p *planner) native(x ast.Expr) (boolFn, bool) {
	if kindOf(p.a.GetType(x.ID())) != kBool {
		return nil, false
	}
	fn, ok := p.nativeBool(x)
	if ok && !structural(x) {
		p.leaves++
	}
	return fn, ok
}

// structural reports whether x combines conditions (&&, ||, !, ?:) rather
// than being one.
func structural(x ast.Expr) bool {
	if x.Kind() != ast.CallKind {
		return false
	}
	switch x.AsCall().FunctionName() {
	case operators.LogicalAnd, operators.LogicalOr, operators.LogicalNot, operators.Conditional:
		return true
	}
	return false
}

func (p *planner) nativeBool(x ast.Expr) (boolFn, bool) {
	switch x.Kind() {
	case ast.LiteralKind:
		b, ok := x.AsLiteral().(types.Bool)
		v := bool(b)
		return func(*Activation) (bool, ref.Val) { return v, nil }, ok
	case ast.SelectKind:
		if o, ok := p.operand(x); ok && o.kind == kBool {
			return boolOperand(o), true
		}
		return nil, false
	case ast.CallKind:
	default:
		return nil, false
	}
	call := x.AsCall()
	if call.IsMemberFunction() {
		return nil, false
	}
	switch fn := call.FunctionName(); fn {
	case operators.LogicalAnd, operators.LogicalOr:
		return p.logical(x, fn == operators.LogicalAnd), true
	case operators.LogicalNot:
		return p.not(call.Args()[0])
	case operators.Conditional:
		return p.ternary(call.Args())
	case operators.In:
		return p.in(call.Args())
	case "in_group", "has_tag", "has_segment", "has_channel", "has_product", "speaks":
		return p.customerCall(fn, call.Args())
	}
	if op, ok := cmpOps[call.FunctionName()]; ok && len(call.Args()) == 2 {
		return p.compare(op, call.Args())
	}
	return nil, false
}

// logical plans a chain of && (or of ||), flattened: cel-go answers
// false (true) if any term does, else the leftmost error, else true
// (false), and so do these closures, evaluating terms left to right and
// stopping at the first false (true).
func (p *planner) logical(x ast.Expr, and bool) boolFn {
	var terms []boolFn
	op := x.AsCall().FunctionName()
	var collect func(x ast.Expr)
	collect = func(x ast.Expr) {
		if x.Kind() == ast.CallKind && x.AsCall().FunctionName() == op && len(x.AsCall().Args()) == 2 {
			collect(x.AsCall().Args()[0])
			collect(x.AsCall().Args()[1])
			return
		}
		terms = append(terms, p.cond(x))
	}
	collect(x)
	// short is the value that decides: false for &&, true for ||.
	short := !and
	switch len(terms) {
	case 2:
		return logical2(short, terms[0], terms[1])
	case 3:
		return logical3(short, terms[0], terms[1], terms[2])
	}
	return func(a *Activation) (bool, ref.Val) {
		var first ref.Val
		for _, t := range terms {
			v, bad := t(a)
			if bad == nil && v == short {
				return short, nil
			}
			if bad != nil && first == nil {
				first = bad
			}
		}
		if first != nil {
			return false, first
		}
		return !short, nil
	}
}

// logical2 is a chain of two terms (see logical).
func logical2(short bool, l, r boolFn) boolFn {
	return func(a *Activation) (bool, ref.Val) {
		lv, lbad := l(a)
		if lbad == nil && lv == short {
			return short, nil
		}
		rv, rbad := r(a)
		switch {
		case rbad == nil && rv == short:
			return short, nil
		case lbad != nil:
			return false, lbad
		case rbad != nil:
			return false, rbad
		}
		return !short, nil
	}
}

// logical3 is a chain of three terms (see logical): the commonest rule
// is three conditions joined by &&.
func logical3(short bool, x, y, z boolFn) boolFn {
	return func(a *Activation) (bool, ref.Val) {
		xv, xbad := x(a)
		if xbad == nil && xv == short {
			return short, nil
		}
		yv, ybad := y(a)
		if ybad == nil && yv == short {
			return short, nil
		}
		zv, zbad := z(a)
		switch {
		case zbad == nil && zv == short:
			return short, nil
		case xbad != nil:
			return false, xbad
		case ybad != nil:
			return false, ybad
		case zbad != nil:
			return false, zbad
		}
		return !short, nil
	}
}

// not plans !x.
func (p *planner) not(x ast.Expr) (boolFn, bool) {
	if kindOf(p.a.GetType(x.ID())) != kBool {
		return nil, false
	}
	t := p.cond(x)
	return func(a *Activation) (bool, ref.Val) {
		v, bad := t(a)
		if bad != nil {
			return false, bad
		}
		return !v, nil
	}, true
}

// ternary plans c ? x : y over conditions.
func (p *planner) ternary(args []ast.Expr) (boolFn, bool) {
	for _, x := range args {
		if kindOf(p.a.GetType(x.ID())) != kBool {
			return nil, false
		}
	}
	c, t, f := p.cond(args[0]), p.cond(args[1]), p.cond(args[2])
	return func(a *Activation) (bool, ref.Val) {
		v, bad := c(a)
		switch {
		case bad != nil:
			return false, bad
		case v:
			return t(a)
		}
		return f(a)
	}, true
}

// errAborted marks the value of a fallback whose evaluation cel-go
// stopped; the reason is in Activation.abort.
var errAborted = types.NewErr("evaluation stopped")

// fallback plans a condition outside the subset as cel-go's program for
// it, evaluated under the activation's context when it has a loop, as a
// whole rule is.
func (p *planner) fallback(x ast.Expr) boolFn {
	sub := ast.NewExprFactory().CopyExpr(x) // node IDs kept: the types and references hold
	checked := ast.NewCheckedAST(ast.NewAST(sub, p.a.SourceInfo()), p.a.TypeMap(), p.a.ReferenceMap())
	prg, err := p.e.plan(checked)
	if err != nil {
		p.err = err
		return nil
	}
	p.falls++
	loops, _ := shape(checked)
	return func(a *Activation) (bool, ref.Val) {
		var out ref.Val
		var err error
		if loops && a.ctx != nil && a.ctx.Done() != nil {
			out, _, err = prg.ContextEval(a.ctx, a)
		} else {
			out, _, err = prg.Eval(a)
		}
		if err != nil {
			if e, ok := out.(*types.Err); !ok || error(e) != err {
				// Stopped, not an error value: the whole evaluation fails.
				if a.abort == nil {
					a.abort = err
				}
				return false, errAborted
			}
		}
		switch v := out.(type) {
		case types.Bool:
			return bool(v), nil
		case *types.Err, *types.Unknown:
			return false, v
		}
		return false, types.MaybeNoSuchOverloadErr(out)
	}
}
