package automation

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// The lint reads a rule's text, not its values: comparisons of a
// transition's fields with string literals (==, != and in) must name
// ladders, segments, tiers, changes and reasons the tiering engine has, and
// the rule's top-level conjunction must not contradict itself (a segment
// moving up a ladder). What it learns there also pins a rule to one ladder
// or segment, so evaluation skips it for transitions elsewhere.

// celParser reads rules for the lint as the rule engine does, macros
// included (exists, all, map … expand to comprehensions, which the lint
// walks).
var celParser = sync.OnceValues(func() (*parser.Parser, error) {
	return parser.NewParser(parser.Macros(parser.AllMacros...))
})

// vocab is what a tiering engine names.
type vocab struct {
	ladders  []string
	tiers    map[string][]string // ladder → tiers
	segments []string
}

func vocabOf(e *tiering.Engine) vocab {
	v := vocab{ladders: e.Ladders(), segments: e.Segments(), tiers: map[string][]string{}}
	for _, l := range v.ladders {
		v.tiers[l] = e.Tiers(l)
	}
	return v
}

// subject says which transitions a rule can hold for.
type subject uint8

const (
	onAny subject = iota
	onLadder
	onSegment
)

// pin is what a rule's top-level conjunction fixes.
type pin struct {
	kind subject
	name string // the ladder or segment, or "" for any of its kind
}

// fieldEq is a conjunct transition.<field> == "<literal>".
type fieldEq struct {
	field, value string
	id           int64
}

// ladderChanges are the changes of a ladder; the others are a segment's.
var ladderChanges = []tiering.Change{tiering.ChangeNew, tiering.ChangeUp, tiering.ChangeDown, tiering.ChangeMoved}

var reasons = []tiering.Reason{tiering.ReasonMatched, tiering.ReasonDefault, tiering.ReasonStayRule, tiering.ReasonMinDwell, tiering.ReasonUnmatched}

// linter checks one rule.
type linter struct {
	v     *vocab
	rule  string // the rule's name in errors
	path  string // its when's path
	src   string
	a     *ast.AST
	probs []error
}

// lint returns the rule's pin and the problems that make it, or part of
// it, never hold. A rule that does not parse gets no pin and no problems:
// compiling it reports why.
func lint(v *vocab, rule, path, src string) (pin, []error) {
	cp, err := celParser()
	if err != nil { // only for invalid options: no lint rather than a panic
		return pin{}, nil
	}
	a, errs := cp.Parse(common.NewTextSource(src))
	if errs != nil && len(errs.GetErrors()) > 0 {
		return pin{}, nil
	}
	l := &linter{v: v, rule: rule, path: path, src: src, a: a}
	p := l.conjunction()
	l.comparisons(a.Expr(), p)
	return p, l.probs
}

func (l *linter) bad(id int64, format string, args ...any) {
	e := &strata.RuleError{Rule: l.rule, Path: l.path, Msg: fmt.Sprintf(format, args...)}
	if loc := l.a.SourceInfo().GetStartLocation(id); loc.Line() > 0 {
		lines := strings.Split(l.src, "\n")
		e.Line, e.Column = loc.Line(), loc.Column()+1
		if e.Line <= len(lines) {
			e.Snippet = "    | " + lines[e.Line-1] + "\n    | " + strings.Repeat(" ", max(e.Column-1, 0)) + "^"
		}
	}
	l.probs = append(l.probs, e)
}

// conjunction reads the top-level && chain: equalities that pin the rule,
// and contradictions among them.
func (l *linter) conjunction() pin {
	var eqs []fieldEq
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == "_&&_" {
			for _, arg := range e.AsCall().Args() {
				walk(arg)
			}
			return
		}
		if f, lits, ok := comparison(e, "_==_"); ok && len(lits) == 1 {
			eqs = append(eqs, fieldEq{f, lits[0].value, lits[0].id})
		}
	}
	walk(l.a.Expr())
	p := pin{}
	seen := map[string]fieldEq{}
	for _, eq := range eqs {
		if was, ok := seen[eq.field]; ok && was.value != eq.value {
			l.bad(eq.id, "condition can never hold: transition.%s cannot be both %q and %q", eq.field, was.value, eq.value)
			continue
		}
		seen[eq.field] = eq
	}
	lad, hasLad := seen["ladder"]
	seg, hasSeg := seen["segment"]
	chg, hasChg := seen["change"]
	switch {
	case hasLad && lad.value != "" && hasSeg && seg.value != "":
		l.bad(seg.id, "condition can never hold: a transition is on a ladder or on a segment, not both")
	case hasLad && lad.value != "":
		p = pin{onLadder, lad.value}
	case hasSeg && seg.value != "":
		p = pin{onSegment, seg.value}
	}
	if hasChg {
		kind := onSegment
		if slices.Contains(ladderChanges, tiering.Change(chg.value)) {
			kind = onLadder
		}
		switch {
		case !slices.Contains(tiering.Changes(), tiering.Change(chg.value)):
			// reported by comparisons
		case p.kind != onAny && p.kind != kind:
			l.bad(chg.id, "condition can never hold: a %s does not change %q", p.kind.noun(), chg.value)
		case p.kind == onAny:
			p.kind = kind
		}
	}
	return p
}

func (s subject) noun() string {
	if s == onSegment {
		return "segment"
	}
	return "ladder"
}

// literal is a string literal in a comparison, with its expression ID.
type literal struct {
	value string
	id    int64
}

// comparison matches transition.<field> <op> "<literal>" (either way round),
// and, for op "@in", transition.<field> in ["…", …]. Every element of the list
// must be a string literal.
func comparison(e ast.Expr, op string) (string, []literal, bool) {
	if e.Kind() != ast.CallKind || e.AsCall().FunctionName() != op {
		return "", nil, false
	}
	args := e.AsCall().Args()
	if len(args) != 2 {
		return "", nil, false
	}
	if f, ok := transitionField(args[0]); ok {
		if op == "@in" {
			lits, ok := stringList(args[1])
			return f, lits, ok
		}
		if s, ok := stringLit(args[1]); ok {
			return f, []literal{s}, true
		}
	}
	if f, ok := transitionField(args[1]); ok && op != "@in" {
		if s, ok := stringLit(args[0]); ok {
			return f, []literal{s}, true
		}
	}
	return "", nil, false
}

func transitionField(e ast.Expr) (string, bool) {
	if e.Kind() != ast.SelectKind || e.AsSelect().IsTestOnly() {
		return "", false
	}
	op := e.AsSelect().Operand()
	if op.Kind() != ast.IdentKind || op.AsIdent() != "transition" {
		return "", false
	}
	return e.AsSelect().FieldName(), true
}

func stringLit(e ast.Expr) (literal, bool) {
	if e.Kind() != ast.LiteralKind {
		return literal{}, false
	}
	s, ok := e.AsLiteral().(types.String)
	return literal{string(s), e.ID()}, ok
}

func stringList(e ast.Expr) ([]literal, bool) {
	if e.Kind() != ast.ListKind {
		return nil, false
	}
	var out []literal
	for _, el := range e.AsList().Elements() {
		s, ok := stringLit(el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// comparisons checks every comparison of a transition field with string
// literals anywhere in the rule.
func (l *linter) comparisons(e ast.Expr, p pin) {
	if e == nil {
		return
	}
	switch e.Kind() {
	case ast.CallKind:
		c := e.AsCall()
		for _, op := range []string{"_==_", "_!=_", "@in"} {
			if f, lits, ok := comparison(e, op); ok {
				for _, lit := range lits {
					l.value(f, lit, p, op)
				}
			}
		}
		if c.IsMemberFunction() {
			l.comparisons(c.Target(), p)
		}
		for _, arg := range c.Args() {
			l.comparisons(arg, p)
		}
	case ast.SelectKind:
		l.comparisons(e.AsSelect().Operand(), p)
	case ast.ListKind:
		for _, el := range e.AsList().Elements() {
			l.comparisons(el, p)
		}
	case ast.ComprehensionKind:
		cx := e.AsComprehension()
		for _, sub := range []ast.Expr{cx.IterRange(), cx.AccuInit(), cx.LoopCondition(), cx.LoopStep(), cx.Result()} {
			l.comparisons(sub, p)
		}
	case ast.MapKind:
		for _, en := range e.AsMap().Entries() {
			me := en.AsMapEntry()
			l.comparisons(me.Key(), p)
			l.comparisons(me.Value(), p)
		}
	}
}

// value checks one literal compared with transition.<field>.
func (l *linter) value(field string, lit literal, p pin, op string) {
	var allowed []string
	var where string
	switch field {
	case "ladder":
		allowed, where = append([]string{""}, l.v.ladders...), "the tiering configuration's ladders"
	case "segment":
		allowed, where = append([]string{""}, l.v.segments...), "the tiering configuration's segments"
	case "change":
		for _, c := range tiering.Changes() {
			allowed = append(allowed, string(c))
		}
		where = "the changes"
	case "reason":
		for _, r := range reasons {
			allowed = append(allowed, string(r))
		}
		where = "the reasons"
	case "from", "to":
		allowed, where = l.tierValues(p)
	default:
		return
	}
	if slices.Contains(allowed, lit.value) {
		return
	}
	verb := "can never hold"
	if op == "_!=_" {
		verb = "always holds"
	}
	shown := slices.DeleteFunc(slices.Clone(allowed), func(s string) bool { return s == "" })
	l.bad(lit.id, "comparison %s: transition.%s is never %q, which is not among %s (%s)",
		verb, field, lit.value, where, strings.Join(shown, ", "))
}

// tierValues are the values transition.from and .to can take under pin p.
func (l *linter) tierValues(p pin) ([]string, string) {
	out := []string{""}
	switch {
	case p.kind == onLadder && p.name != "":
		return append(out, l.v.tiers[p.name]...), fmt.Sprintf("the tiers of ladder %q", p.name)
	case p.kind == onSegment && p.name != "":
		return append(out, p.name), fmt.Sprintf("the segment %q itself", p.name)
	}
	if p.kind != onSegment {
		for _, lad := range l.v.ladders {
			out = append(out, l.v.tiers[lad]...)
		}
	}
	if p.kind != onLadder {
		out = append(out, l.v.segments...)
	}
	where := "the tiers and segments of the tiering configuration"
	switch p.kind {
	case onLadder:
		where = "the tiers of the tiering configuration"
	case onSegment:
		where = "the segments of the tiering configuration"
	}
	slices.Sort(out)
	return slices.Compact(out), where
}
