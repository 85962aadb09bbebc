package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"cel.dev/cel-go/parser"

	"github.com/strata-go/strata"
)

// Output says what a rule must evaluate to.
type Output int

// The outputs a rule may be compiled for.
const (
	Bool   Output = iota // a condition
	Number               // an int or a double, read as float64
	String               // a string
	Any                  // anything; the caller checks
)

// String returns the output's name as compile errors show it.
func (o Output) String() string {
	names := [...]string{"bool", "number", "string", "any"}
	if int(o) < 0 || int(o) >= len(names) {
		return fmt.Sprintf("Output(%d)", int(o))
	}
	return names[o]
}

func newRuleError(rule, src string, line, col int, msg string) *strata.RuleError {
	e := &strata.RuleError{Rule: rule, Line: line, Column: col, Msg: msg}
	if line > 0 {
		lines := strings.Split(src, "\n")
		if line <= len(lines) {
			text := lines[line-1]
			pad := strings.Repeat(" ", max(col-1, 0))
			e.Snippet = "    | " + text + "\n    | " + pad + "^"
		}
	}
	return e
}

// compiled is what the program cache holds for one source text.
type compiled struct {
	ast    *cel.Ast
	prg    cel.Program
	traced func() (cel.Program, error)
}

// Program is one compiled rule. It is immutable and safe for concurrent use.
type Program struct {
	name   string
	source string
	out    Output
	env    *Env
	*compiled
}

// Name returns the rule's name.
func (p *Program) Name() string { return p.name }

// Source returns the rule's text.
func (p *Program) Source() string { return p.source }

// Compile parses, type-checks and plans a rule. All problems come back at
// once, joined, each a *strata.RuleError with the rule's name and position: syntax
// errors, unknown fields, functions or variables, unknown region groups given
// as literals, a result of the wrong type, and a worst-case cost over the
// limit. Compiling the same text twice returns the cached program.
func (e *Env) Compile(name, src string, out Output) (*Program, error) {
	return e.compile(name, src, out, e.costLimit)
}

func (e *Env) compile(name, src string, out Output, costLimit uint64) (_ *Program, err error) {
	defer func() { // cel-go must never take the host down
		if r := recover(); r != nil {
			err = &strata.RuleError{Rule: name, Msg: fmt.Sprintf("internal compiler error: %v", r)}
		}
	}()
	if strings.TrimSpace(src) == "" {
		return nil, &strata.RuleError{Rule: name, Msg: "empty rule"}
	}
	key := fmt.Sprint(int(out), "\x00", costLimit, "\x00", src)
	if c, ok := e.programs.Load(key); ok {
		return &Program{name: name, source: src, out: out, env: e, compiled: c.(*compiled)}, nil
	}
	checked, iss := e.cel.Compile(src)
	if iss != nil && iss.Err() != nil {
		var errs []error
		for _, ce := range iss.Errors() {
			errs = append(errs, newRuleError(name, src, ce.Location.Line(), ce.Location.Column()+1, ce.Message))
		}
		return nil, errors.Join(errs...)
	}
	var errs []error
	if msg := checkOutput(checked.OutputType(), out); msg != "" {
		errs = append(errs, newRuleError(name, src, 0, 0, msg))
	}
	errs = append(errs, e.checkGroups(name, src, checked)...)
	errs = append(errs, checkMoneyLiterals(name, src, checked)...)
	est, cerr := e.cel.EstimateCost(checked, estimator{})
	switch {
	case cerr != nil:
		errs = append(errs, newRuleError(name, src, 0, 0, "cost estimate: "+cerr.Error()))
	case est.Max > costLimit:
		errs = append(errs, newRuleError(name, src, 0, 0,
			fmt.Sprintf("worst-case cost %d exceeds the limit %d; simplify the rule or raise the limit", est.Max, costLimit)))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	prg, perr := e.cel.Program(checked,
		cel.EvalOptions(cel.OptOptimize),
		cel.CustomDecoratorV2(e.foldMoney),
		cel.CustomDecoratorV2(e.fastMoneyCompare),
		cel.CustomDecoratorV2(e.fastFieldCompare),
		cel.InterruptCheckFrequency(64))
	if perr != nil {
		return nil, newRuleError(name, src, 0, 0, perr.Error())
	}
	c := &compiled{ast: checked, prg: prg}
	c.traced = sync.OnceValues(func() (cel.Program, error) {
		return e.cel.Program(checked, cel.EvalOptions(cel.OptTrackState, cel.OptExhaustiveEval), cel.CustomDecoratorV2(e.foldMoney))
	})
	actual, _ := e.programs.LoadOrStore(key, c)
	return &Program{name: name, source: src, out: out, env: e, compiled: actual.(*compiled)}, nil
}

func checkOutput(t *cel.Type, want Output) string {
	if t.IsExactType(types.DynType) || want == Any {
		return ""
	}
	ok := false
	switch want {
	case Bool:
		ok = t.IsExactType(types.BoolType)
	case Number:
		ok = t.IsExactType(types.IntType) || t.IsExactType(types.DoubleType) || t.IsExactType(types.UintType)
	case String:
		ok = t.IsExactType(types.StringType)
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("rule must evaluate to %s, not %s", want, t)
}

// checkGroups reports in_group calls whose group is a literal nobody defined.
func (e *Env) checkGroups(name, src string, checked *cel.Ast) []error {
	var errs []error
	native := checked.NativeRep()
	ast.PostOrderVisit(native.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.CallKind || x.AsCall().FunctionName() != "in_group" || len(x.AsCall().Args()) != 2 {
			return
		}
		arg := x.AsCall().Args()[1]
		if arg.Kind() != ast.LiteralKind {
			return
		}
		g, ok := arg.AsLiteral().(types.String)
		if !ok || e.HasGroup(string(g)) {
			return
		}
		loc := native.SourceInfo().GetStartLocation(arg.ID())
		errs = append(errs, newRuleError(name, src, loc.Line(), loc.Column()+1,
			fmt.Sprintf("unknown region group %q (built-in: %s, or define it with the host's groups)",
				string(g), strings.Join(BuiltinGroups(), ", "))))
	}))
	return errs
}

// checkMoneyLiterals reports money("…", "…") calls with literal arguments
// that are not a decimal amount in a known currency.
func checkMoneyLiterals(name, src string, checked *cel.Ast) []error {
	var errs []error
	native := checked.NativeRep()
	ast.PostOrderVisit(native.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.CallKind || x.AsCall().FunctionName() != "money" || len(x.AsCall().Args()) != 2 {
			return
		}
		a, b := x.AsCall().Args()[0], x.AsCall().Args()[1]
		if a.Kind() != ast.LiteralKind || b.Kind() != ast.LiteralKind {
			return
		}
		amt, ok := a.AsLiteral().(types.String)
		cur, ok2 := b.AsLiteral().(types.String)
		if !ok || !ok2 {
			return
		}
		if _, err := strata.NewMoney(string(amt), string(cur)); err != nil {
			loc := native.SourceInfo().GetStartLocation(x.ID())
			errs = append(errs, newRuleError(name, src, loc.Line(), loc.Column()+1, "money: "+strings.TrimPrefix(err.Error(), "strata: ")))
		}
	}))
	return errs
}

// foldMoney replaces money("…", "…") with literal arguments by its value
// when the program is planned, so evaluation never parses a constant.
func (e *Env) foldMoney(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok || call.Function() != "money" || len(call.Args()) != 2 {
		return i, nil
	}
	a, ok := call.Args()[0].(interpreter.InterpretableConst)
	b, ok2 := call.Args()[1].(interpreter.InterpretableConst)
	if !ok || !ok2 {
		return i, nil
	}
	v := e.moneyLiteral(a.Value(), b.Value())
	if types.IsError(v) {
		return i, nil
	}
	return interpreter.NewConstValue(call.ID(), v), nil
}

// combinedCostLimit bounds programs built from already-checked rules.
const combinedCostLimit = 1 << 40

// FirstMatch compiles conditions into one program that evaluates them in
// order and returns the index of the first that holds, or -1: one
// evaluation per ladder instead of one per tier. The conditions were
// compiled (and cost-checked) one by one; when the combined program fails,
// evaluate them one by one to learn which rule failed.
func (e *Env) FirstMatch(name string, conds []*Program) (*Program, error) {
	var b strings.Builder
	for i, c := range conds {
		// Newlines keep a rule's trailing // comment from swallowing the rest.
		fmt.Fprintf(&b, "(\n%s\n) ? %d : ", c.source, i)
	}
	b.WriteString("-1")
	return e.compile(name, b.String(), Number, combinedCostLimit)
}

// Each compiles conditions into one program that evaluates all of them and
// returns their results as a list; see EvalBools.
func (e *Env) Each(name string, conds []*Program) (*Program, error) {
	var b strings.Builder
	b.WriteString("[")
	for i, c := range conds {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(\n%s\n)", c.source)
	}
	b.WriteString("]")
	return e.compile(name, b.String(), Any, combinedCostLimit)
}

// estimator bounds the size of what rules read, so that every rule has a
// finite worst-case cost.
type estimator struct{}

func (estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	t := n.Type()
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case types.ListKind, types.MapKind:
		return &cost.SizeEstimate{Min: 0, Max: maxListSize}
	case types.StringKind, types.BytesKind:
		return &cost.SizeEstimate{Min: 0, Max: maxStringSize}
	case types.StructKind:
		// Equality of records compares their fields; a Money has two.
		if t.TypeName() == MoneyType.TypeName() {
			return &cost.SizeEstimate{Min: 1, Max: 2}
		}
		return &cost.SizeEstimate{Min: 1, Max: maxListSize}
	}
	return nil
}

func (estimator) EstimateCallCost(function, _ string, _ *cost.AstNode, _ []cost.AstNode) *cost.CallEstimate {
	switch function {
	case "has_tag", "has_segment", "has_channel", "has_product", "speaks":
		return &cost.CallEstimate{CostEstimate: cost.CostEstimate{Min: 1, Max: maxListSize}}
	case "money", "amount", "in_group", "days_between", "attr",
		"_<_", "_<=_", "_>_", "_>=_", "_+_", "_-_":
		return nil
	}
	return nil
}

// Eval evaluates the rule against the activation.
func (p *Program) Eval(a *Activation) (ref.Val, error) {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: err}
	}
	return out, nil
}

// EvalContext evaluates the rule, stopping with an error wrapping ctx's
// cause if ctx is done before the rule finishes.
func (p *Program) EvalContext(ctx context.Context, a *Activation) (ref.Val, error) {
	if err := ctx.Err(); err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: context.Cause(ctx)}
	}
	out, _, err := p.prg.ContextEval(ctx, a)
	if err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: err}
	}
	return out, nil
}

// EvalBool evaluates a condition.
func (p *Program) EvalBool(a *Activation) (bool, error) {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return false, &strata.EvalError{Rule: p.name, Err: err}
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, &strata.EvalError{Rule: p.name, Err: fmt.Errorf("result %v is not a bool", out)}
	}
	return bool(b), nil
}

// EvalNumber evaluates a numeric rule as float64.
func (p *Program) EvalNumber(a *Activation) (float64, error) {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return 0, &strata.EvalError{Rule: p.name, Err: err}
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

// EvalInt evaluates a rule that returns an int, such as a FirstMatch.
func (p *Program) EvalInt(a *Activation) (int64, error) {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return 0, &strata.EvalError{Rule: p.name, Err: err}
	}
	n, ok := out.(types.Int)
	if !ok {
		return 0, &strata.EvalError{Rule: p.name, Err: fmt.Errorf("result %v is not an int", out)}
	}
	return int64(n), nil
}

// EvalBools evaluates a list-of-conditions program (from Each) into dst,
// which must have one element per condition.
func (p *Program) EvalBools(a *Activation, dst []bool) error {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return &strata.EvalError{Rule: p.name, Err: err}
	}
	vals, ok := out.Value().([]ref.Val)
	if !ok || len(vals) != len(dst) {
		return &strata.EvalError{Rule: p.name, Err: fmt.Errorf("result %v is not a list of %d conditions", out, len(dst))}
	}
	for i, v := range vals {
		b, ok := v.(types.Bool)
		if !ok {
			return &strata.EvalError{Rule: p.name, Err: fmt.Errorf("condition %d gave %v, not a bool", i, v)}
		}
		dst[i] = bool(b)
	}
	return nil
}

// Explain evaluates the rule again with state tracking and returns the value
// of every call and field access in it, innermost first, ending with the
// whole rule. It is slower than Eval (state tracking costs several times
// the plain evaluation), so engines call it only when asked why.
func (p *Program) Explain(a *Activation) ([]strata.Step, error) {
	traced, err := p.traced()
	if err != nil {
		return nil, &strata.EvalError{Rule: p.name, Err: err}
	}
	_, det, err := traced.Eval(a)
	if det == nil {
		if err != nil {
			return nil, &strata.EvalError{Rule: p.name, Err: err}
		}
		return nil, nil
	}
	state := det.State()
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
	return steps, nil
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
// fast paths) allocate nothing for it. An Activation is not safe for
// concurrent use; use one per goroutine.
type Activation struct {
	adapter  types.Adapter
	customer *strata.Customer
	custVal  ref.Val // customer adapted, once per SetCustomer
	now      time.Time
	nowVal   ref.Val // now adapted, once per SetNow
	home     ref.Val
	names    []string
	raw      []any     // as Set
	vals     []ref.Val // adapted, nil until read
}

// NewActivation returns an activation for programs of this environment,
// with home and now bound.
func (e *Env) NewActivation(home string, now time.Time) *Activation {
	return &Activation{adapter: e.cel.CELTypeAdapter(), home: types.String(home), now: now}
}

// SetCustomer binds customer to c. The activation keeps the pointer; do not
// modify *c while evaluating. A nil c unbinds it.
func (a *Activation) SetCustomer(c *strata.Customer) { a.customer, a.custVal = c, nil }

// SetNow binds now.
func (a *Activation) SetNow(t time.Time) { a.now, a.nowVal = t, nil }

// Now returns the bound now.
func (a *Activation) Now() time.Time { return a.now }

// Set binds an extra variable declared with WithVariable; v should be a
// pointer to the declared struct type.
func (a *Activation) Set(name string, v any) {
	if i := slices.Index(a.names, name); i >= 0 {
		a.raw[i], a.vals[i] = v, nil
		return
	}
	a.names = append(a.names, name)
	a.raw = append(a.raw, v)
	a.vals = append(a.vals, nil)
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
