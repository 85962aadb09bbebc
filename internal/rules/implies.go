package rules

import (
	"hash/maphash"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"
	"github.com/shopspring/decimal"
)

// Implies reports whether every customer that later matches also matches
// earlier, judged from the rules' text: later is unreachable below earlier in
// a first-match ladder. It is sound but not complete: true means certain;
// false means "not shown". It understands top-level || and &&, identical
// sub-conditions, the literal true, and threshold comparisons of one field
// against numbers or same-currency money() literals
// (customer.revenue >= money("5000000", "CNY") implies
// customer.revenue >= money("1000000", "CNY")).
//
// It costs time linear in the number of conditions of the two rules, never
// in their text (each rule's conditions are read once and compared by a
// hash of their text), and gives up ("not shown") on rules of more than
// maxAtoms conditions.
func Implies(later, earlier *Program) bool {
	if later == nil || earlier == nil || later.compiled == nil || earlier.compiled == nil || later.dnf == nil || earlier.dnf == nil {
		return false
	}
	e, l := earlier.dnf(), later.dnf()
	if e == nil || l == nil {
		return false
	}
	for _, lconj := range l {
		if !conjImpliesAny(lconj, e) {
			return false
		}
	}
	return true
}

// maxAtoms bounds the conditions Implies reads from one rule.
const maxAtoms = 64

// atom is one condition: a comparison of a field against a constant, or any
// other expression known only by its text.
type atom struct {
	key   textKey
	text  string
	path  string // left side of a threshold comparison, or ""
	op    string // operators.Greater etc., with the field on the left
	num   decimal.Decimal
	cur   string // currency for money constants, "" for plain numbers
	truth bool   // the literal true
}

// textKey is a condition's text's length and hash: conditions of different
// texts almost always differ in it, so comparing them costs constant time
// whatever their size (equal keys then compare the texts).
type textKey struct {
	n    int
	hash uint64
}

var atomSeed = maphash.MakeSeed()

func keyOf(text string) textKey { return textKey{len(text), maphash.String(atomSeed, text)} }

// dnf reads a rule as a disjunction of conjunctions of conditions, or nil
// when it has more than maxAtoms of them.
func dnf(a *ast.AST) [][]atom {
	var or func(x ast.Expr) [][]atom
	var and func(x ast.Expr) []atom
	info := a.SourceInfo()
	count := 0
	and = func(x ast.Expr) []atom {
		if x.Kind() == ast.CallKind && x.AsCall().FunctionName() == operators.LogicalAnd && count <= maxAtoms {
			args := x.AsCall().Args()
			return append(and(args[0]), and(args[1])...)
		}
		count++
		if count > maxAtoms {
			return nil
		}
		return []atom{toAtom(x, info)}
	}
	or = func(x ast.Expr) [][]atom {
		if x.Kind() == ast.CallKind && x.AsCall().FunctionName() == operators.LogicalOr && count <= maxAtoms {
			args := x.AsCall().Args()
			return append(or(args[0]), or(args[1])...)
		}
		return [][]atom{and(x)}
	}
	out := or(a.Expr())
	if count > maxAtoms {
		return nil
	}
	return out
}

var flipped = map[string]string{
	operators.Greater: operators.Less, operators.GreaterEquals: operators.LessEquals,
	operators.Less: operators.Greater, operators.LessEquals: operators.GreaterEquals, operators.Equals: operators.Equals,
}

func toAtom(x ast.Expr, info *ast.SourceInfo) atom {
	text, _ := parser.Unparse(x, info)
	at := atom{key: keyOf(text), text: text}
	if x.Kind() == ast.LiteralKind && x.AsLiteral() == types.True {
		at.truth = true
		return at
	}
	if x.Kind() != ast.CallKind {
		return at
	}
	call := x.AsCall()
	op := call.FunctionName()
	if _, ok := flipped[op]; !ok || len(call.Args()) != 2 {
		return at
	}
	lhs, rhs := call.Args()[0], call.Args()[1]
	if n, cur, ok := constant(rhs); ok && isPath(lhs) {
		at.path, _ = parser.Unparse(lhs, info)
		at.op, at.num, at.cur = op, n, cur
	} else if n, cur, ok := constant(lhs); ok && isPath(rhs) {
		at.path, _ = parser.Unparse(rhs, info)
		at.op, at.num, at.cur = flipped[op], n, cur
	}
	return at
}

func isPath(x ast.Expr) bool {
	switch x.Kind() {
	case ast.IdentKind:
		return true
	case ast.SelectKind:
		return !x.AsSelect().IsTestOnly() && isPath(x.AsSelect().Operand())
	}
	return false
}

// constant reads a number literal or money("…", "…") with literal arguments.
func constant(x ast.Expr) (decimal.Decimal, string, bool) {
	switch x.Kind() {
	case ast.LiteralKind:
		switch v := x.AsLiteral().(type) {
		case types.Int:
			return decimal.NewFromInt(int64(v)), "", true
		case types.Uint:
			return decimal.NewFromUint64(uint64(v)), "", true
		case types.Double:
			return decimal.NewFromFloat(float64(v)), "", true
		}
	case ast.CallKind:
		c := x.AsCall()
		if c.FunctionName() != "money" || len(c.Args()) != 2 || c.IsMemberFunction() {
			return decimal.Decimal{}, "", false
		}
		a, b := c.Args()[0], c.Args()[1]
		if a.Kind() != ast.LiteralKind || b.Kind() != ast.LiteralKind {
			return decimal.Decimal{}, "", false
		}
		amt, ok := a.AsLiteral().(types.String)
		cur, ok2 := b.AsLiteral().(types.String)
		if !ok || !ok2 {
			return decimal.Decimal{}, "", false
		}
		d, err := decimal.NewFromString(string(amt))
		if err != nil {
			return decimal.Decimal{}, "", false
		}
		return d, string(cur), true
	}
	return decimal.Decimal{}, "", false
}

// conjImpliesAny: the conjunction l implies at least one disjunct of e.
func conjImpliesAny(l []atom, e [][]atom) bool {
	for _, econj := range e {
		if conjImplies(l, econj) {
			return true
		}
	}
	return false
}

// conjImplies: every atom of e follows from some atom of l.
func conjImplies(l, e []atom) bool {
	for _, ea := range e {
		if ea.truth {
			continue
		}
		ok := false
		for _, la := range l {
			if atomImplies(la, ea) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func atomImplies(l, e atom) bool {
	if l.key == e.key && l.text == e.text {
		return true
	}
	if l.path == "" || l.path != e.path || l.cur != e.cur {
		return false
	}
	c := l.num.Cmp(e.num) // l's bound against e's
	switch e.op {
	case operators.GreaterEquals: // x >= e
		switch l.op {
		case operators.GreaterEquals, operators.Greater, operators.Equals:
			return c >= 0
		}
	case operators.Greater: // x > e
		switch l.op {
		case operators.Greater:
			return c >= 0
		case operators.GreaterEquals, operators.Equals:
			return c > 0
		}
	case operators.LessEquals:
		switch l.op {
		case operators.LessEquals, operators.Less, operators.Equals:
			return c <= 0
		}
	case operators.Less:
		switch l.op {
		case operators.Less:
			return c <= 0
		case operators.LessEquals, operators.Equals:
			return c < 0
		}
	case operators.Equals:
		return l.op == operators.Equals && c == 0
	}
	return false
}
