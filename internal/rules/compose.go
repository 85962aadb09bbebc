package rules

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"

	"github.com/strata-go/strata"
)

// Limits of one combined program. A ladder or a segment list of any length
// is evaluated as a sequence of combined programs of at most joinRules
// rules and joinNodes nodes each: one evaluation per few dozen rules
// instead of one per rule, while the parser's and checker's size limits,
// which apply to each rule on its own, never see the whole set.
const (
	joinRules    = 32
	joinNodes    = 16_384
	maxJoinDepth = 200 // a rule nested deeper is evaluated on its own
)

// part is one combined program of a FirstMatch or Each: the conditions
// conds (numbered from lo in the whole list) as one program, or, for a
// single condition, that condition's own program.
type part struct {
	prog  *Program
	conds []*Program
	lo    int
	fast  *fastProg // the condition planned as closures, for a part of one
}

// FirstMatch returns a program that evaluates conditions in order and
// whose EvalInt gives the index of the first that holds, or -1: one
// evaluation per group of rules instead of one per rule. The conditions
// were compiled (and cost-checked) one by one. When an evaluation fails,
// the error names the condition that failed.
func (e *Env) FirstMatch(name string, conds []*Program) (*Program, error) {
	return e.combine(name, conds, false)
}

// Each returns a program that evaluates every condition and whose
// EvalBools gives their results; see FirstMatch.
func (e *Env) Each(name string, conds []*Program) (*Program, error) {
	return e.combine(name, conds, true)
}

func (e *Env) combine(name string, conds []*Program, each bool) (*Program, error) {
	if e == nil || e.cel == nil {
		return nil, &strata.RuleError{Rule: name, Msg: "rules: nil environment"}
	}
	for i, c := range conds {
		if c == nil || c.compiled == nil {
			return nil, &strata.RuleError{Rule: name, Msg: fmt.Sprintf("condition %d is not a compiled rule", i)}
		}
	}
	// Conditions planned as closures are evaluated one by one, the
	// others combined, a run of consecutive ones at a time.
	fast := make([]*fastProg, len(conds))
	parallel(len(conds), func(i int) { fast[i] = conds[i].fastProgram(e) })
	var bounds [][2]int
	for lo := 0; lo < len(conds); {
		hi := joinEnd(conds, fast, lo)
		bounds = append(bounds, [2]int{lo, hi})
		lo = hi
	}
	groups := make([][]part, len(bounds))
	parallel(len(bounds), func(i int) {
		lo, hi := bounds[i][0], bounds[i][1]
		if fast[lo] != nil {
			groups[i] = []part{{prog: conds[lo], conds: conds[lo:hi], lo: lo, fast: fast[lo]}}
			return
		}
		groups[i] = e.join(name, conds[lo:hi], lo, each)
	})
	p := &Program{name: name, env: e, out: Any, each: each, parts: []part{}}
	for _, g := range groups {
		p.parts = append(p.parts, g...)
	}
	return p, nil
}

// parallel calls f(0), …, f(n-1) on up to GOMAXPROCS goroutines and
// returns when all have returned. f must not panic.
func parallel(n int, f func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}

// Rule is one rule for CompileAll.
type Rule struct {
	Name   string // the rule's name in errors: "tier value/vip"
	Path   string // where its configuration holds it: "ladders[0].tiers[0].when"
	Source string
	Out    Output
}

// CompileAll compiles the rules of a configuration on all cores: each is
// parsed, checked and cost-estimated as Compile does, and planned on its
// own only when it is first evaluated on its own, since FirstMatch and
// Each combine them. programs[i] and errs[i] are rules[i]'s program and
// error (nil where it failed, or nil); every RuleError in errs[i] carries
// rules[i].Path.
func (e *Env) CompileAll(rules []Rule) (programs []*Program, errs []error) {
	programs = make([]*Program, len(rules))
	errs = make([]error, len(rules))
	if e == nil || e.cel == nil {
		for i, r := range rules {
			errs[i] = &strata.RuleError{Rule: r.Name, Path: r.Path, Msg: "rules: nil environment"}
		}
		return programs, errs
	}
	parallel(len(rules), func(i int) {
		r := rules[i]
		p, err := e.compileLazy(r.Name, r.Source, r.Out, e.costLimit)
		programs[i] = p
		if err != nil {
			errs[i] = strata.Prefix(r.Path, err)
		}
	})
	return programs, errs
}

// joinEnd returns the end of the group of conditions that starts at lo:
// a condition planned as closures is a group of its own.
func joinEnd(conds []*Program, fast []*fastProg, lo int) int {
	if conds[lo].deep || fast[lo] != nil {
		return lo + 1
	}
	nodes, hi := 0, lo
	for hi < len(conds) && hi-lo < joinRules && !conds[hi].deep && fast[hi] == nil && nodes+conds[hi].nodes <= joinNodes {
		nodes += conds[hi].nodes
		hi++
	}
	return max(hi, lo+1)
}

// join combines conds into one program, or, if that fails for any reason,
// returns one part per condition: slower, never wrong.
func (e *Env) join(name string, conds []*Program, lo int, each bool) (parts []part) {
	defer func() { // cel-go must never take the host down
		if r := recover(); r != nil {
			parts = singles(conds, lo)
		}
	}()
	if len(conds) > 1 {
		if prg, err := e.joined(conds, each); err == nil {
			c := &compiled{planFn: func() (cel.Program, error) { return prg, nil }}
			for _, cond := range conds {
				c.loops = c.loops || cond.loops
			}
			return []part{{prog: &Program{name: name, env: e, out: Any, compiled: c}, conds: conds, lo: lo}}
		}
	}
	return singles(conds, lo)
}

// singles returns one part per condition.
func singles(conds []*Program, lo int) []part {
	parts := make([]part, len(conds))
	for i, c := range conds {
		parts[i] = part{prog: c, conds: conds[i : i+1], lo: lo + i}
	}
	return parts
}

// joined builds the combined program: a chain c0 ? 0 : c1 ? 1 : … : -1 for
// FirstMatch, a list [c0, c1, …] for Each, spliced from the conditions'
// checked trees (copied and renumbered, with their types and references),
// so nothing is parsed or checked again, and planned. If cel-go refuses
// the spliced tree, the combination is checked from scratch instead.
func (e *Env) joined(conds []*Program, each bool) (cel.Program, error) {
	root, typeMap, refMap := splice(conds, each)
	if prg, err := e.plan(ast.NewCheckedAST(ast.NewAST(root, ast.NewSourceInfo(nil)), typeMap, refMap)); err == nil {
		return prg, nil
	}
	return e.rechecked(conds, each)
}

// splice returns the combined tree of conds with its type and reference
// maps.
func splice(conds []*Program, each bool) (ast.Expr, map[int64]*types.Type, map[int64]*ast.ReferenceInfo) {
	fac := ast.NewExprFactory()
	typeMap := map[int64]*types.Type{}
	refMap := map[int64]*ast.ReferenceInfo{}
	var id int64
	exprs := make([]ast.Expr, len(conds))
	for i, c := range conds {
		checked := c.ast.NativeRep()
		renum := make(map[int64]int64, c.nodes)
		x := fac.CopyExpr(checked.Expr())
		x.RenumberIDs(func(old int64) int64 { id++; renum[old] = id; return id })
		for old, t := range checked.TypeMap() {
			if n, ok := renum[old]; ok {
				typeMap[n] = t
			}
		}
		for old, r := range checked.ReferenceMap() {
			if n, ok := renum[old]; ok {
				refMap[n] = r
			}
		}
		exprs[i] = x
	}
	next := func() int64 { id++; return id }
	if each {
		root := fac.NewList(next(), exprs, nil)
		typeMap[root.ID()] = types.NewListType(types.BoolType)
		return root, typeMap, refMap
	}
	lit := func(v int64) ast.Expr {
		x := fac.NewLiteral(next(), types.Int(v))
		typeMap[x.ID()] = types.IntType
		return x
	}
	root := lit(-1)
	for i := len(exprs) - 1; i >= 0; i-- {
		root = fac.NewCall(next(), operators.Conditional, exprs[i], lit(int64(i)), root)
		typeMap[root.ID()] = types.IntType
		refMap[root.ID()] = ast.NewFunctionReference(overloads.Conditional)
	}
	return root, typeMap, refMap
}

// rechecked builds the combined program from the conditions' parsed trees
// and checks it.
func (e *Env) rechecked(conds []*Program, each bool) (cel.Program, error) {
	fac := ast.NewExprFactory()
	var id int64
	next := func(int64) int64 { id++; return id }
	exprs := make([]ast.Expr, len(conds))
	for i, c := range conds {
		x := fac.CopyExpr(c.parsed.Expr())
		x.RenumberIDs(next)
		exprs[i] = x
	}
	var root ast.Expr
	if each {
		root = fac.NewList(next(0), exprs, nil)
	} else {
		root = fac.NewLiteral(next(0), types.Int(-1))
		for i := len(exprs) - 1; i >= 0; i-- {
			root = fac.NewCall(next(0), operators.Conditional, exprs[i], fac.NewLiteral(next(0), types.Int(i)), root)
		}
	}
	a, err := toCEL(ast.NewAST(root, ast.NewSourceInfo(nil)), nil)
	if err != nil {
		return nil, err
	}
	checked, iss := e.cel.Check(a)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	if !each && !checked.OutputType().IsExactType(types.IntType) {
		return nil, errors.New("rules: combined conditions are not an int")
	}
	return e.plan(checked.NativeRep())
}
