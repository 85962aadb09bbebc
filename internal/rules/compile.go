package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

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

// interruptEvery is how many comprehension iterations pass between two
// looks at the context: often enough that a rule over a record far past
// the limits stops within milliseconds of its deadline, rarely enough to
// cost nothing measurable.
const interruptEvery = 16

func newRuleError(rule, src string, line, col int, msg string) *strata.RuleError {
	e := &strata.RuleError{Rule: rule, Line: line, Column: col, Msg: msg}
	if line > 0 {
		lines := strings.Split(src, "\n")
		if line <= len(lines) {
			text := lines[line-1]
			e.Column = identColumn(text, col, msg)
			pad := strings.Repeat(" ", max(e.Column-1, 0))
			e.Snippet = "    | " + text + "\n    | " + pad + "^"
		}
	}
	return e
}

// identColumn moves a 1-based column that points at the '.' of a field
// selection, where cel-go reports an undefined field, to the field's name
// when the message quotes it: customer.revenu points at revenu.
func identColumn(line string, col int, msg string) int {
	_, rest, ok := strings.Cut(msg, "'")
	name, _, ok2 := strings.Cut(rest, "'")
	if !ok || !ok2 || name == "" {
		return col
	}
	runes := []rune(line)
	i := col - 1
	if i < 0 || i >= len(runes) || runes[i] != '.' {
		return col
	}
	j := i + 1
	for j < len(runes) && (runes[j] == ' ' || runes[j] == '\t' || runes[j] == '?') {
		j++
	}
	if strings.HasPrefix(string(runes[j:]), name) {
		return j + 1
	}
	return col
}

// compiled is what the program cache holds for one source text.
type compiled struct {
	parsed *ast.AST // as parsed, for combining rules
	ast    *cel.Ast // checked
	// The rule is planned once, when Compile asks or when it is first
	// evaluated on its own (rules from CompileAll, which are usually
	// evaluated combined): planFn, under planOnce, into prg or planErr.
	planFn   func() (cel.Program, error)
	planOnce sync.Once
	prg      cel.Program
	planErr  error
	loops    bool // has a comprehension: evaluated under the activation's context
	deep     bool // too deeply nested to join a combined program
	nodes    int
	traced   func() (cel.Program, error)
	dnf      func() [][]atom
	// The rule planned as closures (closure.go), once, when it is first
	// evaluated or combined; nil when it is not a condition or nothing in
	// it is in the planned subset.
	fastOnce sync.Once
	fast     *fastProg
}

// fastProgram returns the rule planned as closures, planning it the first
// time; nil for a combined program or a rule cel-go evaluates whole.
func (c *compiled) fastProgram(e *Env) *fastProg {
	if c.ast == nil || e == nil {
		return nil
	}
	c.fastOnce.Do(func() { c.fast = e.planFast(c.ast.NativeRep()) })
	return c.fast
}

// Program is one compiled rule, or (from FirstMatch and Each) several
// evaluated together. It is immutable and safe for concurrent use.
type Program struct {
	name   string
	source string
	out    Output
	env    *Env
	*compiled
	parts []part // FirstMatch and Each: the combined programs, in order
	each  bool   // parts answer every condition (Each), not the first (FirstMatch)
}

// Name returns the rule's name.
func (p *Program) Name() string { return p.name }

// Source returns the rule's text; empty for FirstMatch and Each.
func (p *Program) Source() string { return p.source }

// Compile parses, type-checks and plans a rule. All problems come back at
// once, joined, each a *strata.RuleError with the rule's name and position: syntax
// errors, unknown fields, functions or variables, unknown region groups given
// as literals, malformed duration, timestamp and regular expression
// literals, a result of the wrong type, and a worst-case cost over the limit
// (for records within the Env's limits). Compiling the same text twice
// returns the cached program while the cache has room.
func (e *Env) Compile(name, src string, out Output) (*Program, error) {
	if e == nil || e.cel == nil {
		return nil, &strata.RuleError{Rule: name, Msg: "rules: nil environment"}
	}
	return e.compile(name, src, out, e.costLimit)
}

func (e *Env) compile(name, src string, out Output, costLimit uint64) (*Program, error) {
	p, err := e.compileLazy(name, src, out, costLimit)
	if err != nil {
		return nil, err
	}
	if _, err := p.program(); err != nil {
		return nil, newRuleError(name, src, 0, 0, err.Error())
	}
	p.fastProgram(e)
	return p, nil
}

// compileLazy is compile without planning.
func (e *Env) compileLazy(name, src string, out Output, costLimit uint64) (_ *Program, err error) {
	defer func() { // cel-go must never take the host down
		if r := recover(); r != nil {
			err = &strata.RuleError{Rule: name, Msg: fmt.Sprintf("internal compiler error: %v", r)}
		}
	}()
	switch {
	case strings.TrimSpace(src) == "":
		return nil, &strata.RuleError{Rule: name, Msg: "empty rule"}
	case !utf8.ValidString(src):
		return nil, &strata.RuleError{Rule: name, Msg: "not valid UTF-8"}
	}
	key := strconv.Itoa(int(out)) + "\x00" + strconv.FormatUint(costLimit, 10) + "\x00" + src
	if c, ok := e.programs.Load(key); ok {
		return &Program{name: name, source: src, out: out, env: e, compiled: c.(*compiled)}, nil
	}
	c, err := e.build(name, src, out, costLimit)
	if err != nil {
		return nil, err
	}
	if e.programN.Add(1) <= maxPrograms {
		actual, _ := e.programs.LoadOrStore(key, c)
		c = actual.(*compiled)
	}
	return &Program{name: name, source: src, out: out, env: e, compiled: c}, nil
}

// build parses, checks, estimates and plans one rule.
func (e *Env) build(name, src string, out Output, costLimit uint64) (*compiled, error) {
	parsed, a, iss := e.parse(src)
	if iss == nil {
		a, iss = e.cel.Check(a)
	}
	if iss != nil && iss.Err() != nil {
		var errs []error
		for _, ce := range iss.Errors() {
			errs = append(errs, newRuleError(name, src, ce.Location.Line(), ce.Location.Column()+1, ce.Message))
		}
		return nil, errors.Join(errs...)
	}
	var errs []error
	if msg := checkOutput(a.OutputType(), out); msg != "" {
		errs = append(errs, newRuleError(name, src, 0, 0, msg))
	}
	errs = append(errs, e.checkGroups(name, src, a)...)
	errs = append(errs, checkMoneyLiterals(name, src, a)...)
	est, cerr := e.cel.EstimateCost(a, estimator{l: e.limits})
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
	c := &compiled{parsed: parsed, ast: a}
	c.planFn = func() (cel.Program, error) { return e.plan(a.NativeRep()) }
	c.loops, c.nodes = shape(a.NativeRep())
	// Nested no deeper than it has nodes: only a large rule can be too
	// deep to join others.
	c.deep = c.nodes > maxJoinDepth && ast.ExceedsDepth(parsed, maxJoinDepth)
	c.traced = sync.OnceValues(func() (cel.Program, error) {
		return e.cel.Program(a, cel.EvalOptions(cel.OptTrackState, cel.OptExhaustiveEval),
			cel.CustomDecoratorV2(e.foldMoney), cel.InterruptCheckFrequency(interruptEvery))
	})
	c.dnf = sync.OnceValue(func() [][]atom { return dnf(a.NativeRep()) })
	return c, nil
}

// program returns the planned program, planning it the first time.
func (c *compiled) program() (cel.Program, error) {
	c.planOnce.Do(func() { c.prg, c.planErr = c.planFn() })
	return c.prg, c.planErr
}

// plan turns a checked rule into the program evaluations run: optimized,
// money literals folded, the fast paths for the commonest comparisons.
func (e *Env) plan(a *ast.AST) (cel.Program, error) {
	return e.cel.PlanProgram(a,
		cel.EvalOptions(cel.OptOptimize),
		cel.CustomDecoratorV2(e.foldMoney),
		cel.CustomDecoratorV2(e.fastMoneyCompare),
		cel.CustomDecoratorV2(e.fastFieldCompare),
		cel.InterruptCheckFrequency(interruptEvery))
}

// shape reports whether a rule has a comprehension, and how many nodes it has.
func shape(a *ast.AST) (loops bool, nodes int) {
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		nodes++
		if x.Kind() == ast.ComprehensionKind {
			loops = true
		}
	}))
	return loops, nodes
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
	amt, ok := a.Value().(types.String)
	cur, ok2 := b.Value().(types.String)
	if !ok || !ok2 {
		return i, nil
	}
	v := e.constMoney(string(amt), string(cur))
	if types.IsError(v) {
		return i, nil
	}
	return interpreter.NewConstValue(call.ID(), v), nil
}
