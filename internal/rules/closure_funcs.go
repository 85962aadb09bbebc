package rules

import (
	"math"
	"reflect"
	"slices"
	"time"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/strata-go/strata"
)

// in plans x in [literals…] (strings or integers) and x in a string list
// field (lead.product in customer.products).
func (p *planner) in(args []ast.Expr) (boolFn, bool) {
	x, ok := p.operand(args[0])
	if !ok || (x.kind != kString && x.kind != kInt) {
		return nil, false
	}
	list := args[1]
	if list.Kind() == ast.SelectKind && x.kind == kString {
		slot, off, t, ok := p.field(list)
		if !ok || t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.String {
			return nil, false
		}
		p.needs |= 1 << slot
		get := strGetter(x)
		return func(a *Activation) (bool, ref.Val) {
			return slices.Contains(*(*[]string)(at(a, slot, off)), get(a)), nil
		}, true
	}
	if list.Kind() != ast.ListKind || len(list.AsList().OptionalIndices()) > 0 {
		return nil, false
	}
	var lits []operand
	for _, el := range list.AsList().Elements() {
		if el.Kind() != ast.LiteralKind {
			return nil, false
		}
		o, ok := literalOperand(x.kind, el.AsLiteral())
		if !ok {
			return nil, false
		}
		lits = append(lits, o)
	}
	if x.kind == kString {
		return member(strGetter(x), lits, func(o operand) string { return o.lit.(string) }), true
	}
	return member(intGetter(x), lits, func(o operand) int64 { return o.lit.(int64) }), true
}

// member tests x against a set of constants: a slice scanned in order when
// it is short, a map when it is not.
func member[T comparable](get func(*Activation) T, lits []operand, val func(operand) T) boolFn {
	if len(lits) <= 8 {
		set := make([]T, len(lits))
		for i, o := range lits {
			set[i] = val(o)
		}
		return func(a *Activation) (bool, ref.Val) { return slices.Contains(set, get(a)), nil }
	}
	set := make(map[T]struct{}, len(lits))
	for _, o := range lits {
		set[val(o)] = struct{}{}
	}
	return func(a *Activation) (bool, ref.Val) {
		_, ok := set[get(a)]
		return ok, nil
	}
}

// customerCall plans in_group, has_tag, has_segment, has_channel,
// has_product and speaks with a literal second argument.
func (p *planner) customerCall(fn string, args []ast.Expr) (boolFn, bool) {
	if len(args) != 2 {
		return nil, false
	}
	lit, ok := stringLiteral(args[1])
	if !ok {
		return nil, false
	}
	if fn == "in_group" && kindOf(p.a.GetType(args[0].ID())) == kString {
		set, found := p.e.groupSet(lit)
		x, ok := p.operand(args[0])
		if !found || !ok {
			return nil, false // an unknown group fails at evaluation, as cel-go says
		}
		get := strGetter(x)
		return func(a *Activation) (bool, ref.Val) { return set.has(get(a)), nil }, true
	}
	slot, t, ok := p.variable(args[0])
	if !ok || t != customerType {
		return nil, false
	}
	p.needs |= 1 << slot
	cust := func(a *Activation) *strata.Customer { return (*strata.Customer)(a.ptr[slot]) }
	switch fn {
	case "in_group":
		set, found := p.e.groupSet(lit)
		if !found {
			return nil, false
		}
		if slot == 0 { // the customer: its region decomposed once per binding
			return func(a *Activation) (bool, ref.Val) {
				c := a.customer
				return set.hasRegion(a.regionOf(c), c), nil
			}, true
		}
		return func(a *Activation) (bool, ref.Val) { return set.hasCustomer(cust(a)), nil }, true
	case "has_tag":
		return func(a *Activation) (bool, ref.Val) { return cust(a).HasTag(lit), nil }, true
	case "has_segment":
		return func(a *Activation) (bool, ref.Val) { return cust(a).HasSegment(lit), nil }, true
	case "has_channel":
		kind := strata.ChannelKind(lit)
		return func(a *Activation) (bool, ref.Val) { return cust(a).HasChannel(kind), nil }, true
	case "has_product":
		return func(a *Activation) (bool, ref.Val) { return slices.Contains(cust(a).Products, lit), nil }, true
	case "speaks":
		want := baseLanguage(lit)
		return func(a *Activation) (bool, ref.Val) {
			for _, l := range cust(a).Languages {
				if sameBase(l, want) {
					return true, nil
				}
			}
			return false, nil
		}, true
	}
	return nil, false
}

// sameBase reports whether baseLanguage(tag) == want, without allocating
// when the tag's base language is ASCII.
func sameBase(tag, want string) bool {
	end := len(tag)
	for i := range len(tag) {
		c := tag[i]
		if c >= 0x80 {
			return baseLanguage(tag) == want
		}
		if c == '-' || c == '_' {
			end = i
			break
		}
	}
	base := tag[:end]
	if len(base) == 2 {
		switch uint16(lower(base[0]))<<8 | uint16(lower(base[1])) {
		case 'i'<<8 | 'w':
			base = "he"
		case 'i'<<8 | 'n':
			base = "id"
		case 'j'<<8 | 'i':
			base = "yi"
		}
	}
	if len(base) != len(want) {
		return false
	}
	for i := range len(base) {
		if lower(base[i]) != want[i] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// daysCompare plans days_between(x, y) OP n, and n OP days_between(x, y),
// for an integer literal n (days_since(x) is days_between(x, now)): the
// days are a non-decreasing function of the duration y - x, so the
// comparison is one of that duration with bounds found when the rule is
// planned, exactly as the whole days compare.
func (p *planner) daysCompare(op cmpOp, args []ast.Expr) (boolFn, bool) {
	for k := range 2 {
		call, lit := args[k], args[1-k]
		if call.Kind() != ast.CallKind || lit.Kind() != ast.LiteralKind {
			continue
		}
		c := call.AsCall()
		n, isInt := lit.AsLiteral().(types.Int)
		if c.FunctionName() != "days_between" || c.IsMemberFunction() || len(c.Args()) != 2 || !isInt {
			continue
		}
		from, ok := p.operand(c.Args()[0])
		to, ok2 := p.operand(c.Args()[1])
		if !ok || !ok2 || from.kind != kTime || to.kind != kTime {
			continue
		}
		if k == 1 {
			op = op.flip()
		}
		span := daysSpanOf(op, int64(n))
		if to.src == srcNow && from.src == srcField {
			slot, off := from.slot, from.off
			return func(a *Activation) (bool, ref.Val) {
				x := timeAt(at(a, slot, off))
				if a.nowCut && (!a.nowMono || x == x.Round(0)) {
					return span.holdsAt(a, x), nil
				}
				return span.holds(a.now.Sub(x)), nil
			}, true
		}
		fg, tg := timeGetter(from), timeGetter(to)
		return func(a *Activation) (bool, ref.Val) { return span.holds(tg(a).Sub(fg(a))), nil }, true
	}
	return nil, false
}

// daysOf is days_between's answer for a duration y - x: whole days,
// rounded down.
func daysOf(d time.Duration) int64 { return int64(types.Int(math.Floor(d.Hours() / 24))) }

// dayBound is the least duration whose daysOf reaches some n; inf when no
// duration does. sec and nsec split d into whole seconds (rounded down)
// and nanoseconds.
type dayBound struct {
	d         time.Duration
	inf       bool
	sec, nsec int64
}

func (b dayBound) reached(d time.Duration) bool { return !b.inf && d >= b.d }

// reachedAt is reached(a.now.Sub(x)) without the subtraction: now - x >= d
// is x at or before the cutoff now - d, compared in seconds and
// nanoseconds. Time.Sub's saturation changes nothing, since d is itself a
// duration. It needs a.nowCut, and no monotonic reading on both now and
// x (Sub would subtract those).
func (b dayBound) reachedAt(a *Activation, x time.Time) bool {
	switch {
	case b.inf:
		return false
	case b.d == math.MinInt64:
		return true
	}
	s, n := a.nowSec-b.sec, a.nowNsec-b.nsec
	if n < 0 {
		n += 1e9
		s--
	}
	if xs := x.Unix(); xs != s {
		return xs < s
	}
	return int64(x.Nanosecond()) <= n
}

// dayBoundOf returns the least duration d with daysOf(d) >= n, by
// bisection over all durations (daysOf is non-decreasing).
func dayBoundOf(n int64) dayBound {
	if daysOf(math.MinInt64) >= n {
		return dayBound{d: math.MinInt64}
	}
	if daysOf(math.MaxInt64) < n {
		return dayBound{inf: true}
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64) // daysOf(lo) < n <= daysOf(hi)
	for uint64(hi-lo) > 1 {
		mid := lo + int64(uint64(hi-lo)/2)
		if daysOf(time.Duration(mid)) >= n {
			hi = mid
		} else {
			lo = mid
		}
	}
	sec := hi / 1e9
	if hi%1e9 < 0 {
		sec--
	}
	return dayBound{d: time.Duration(hi), sec: sec, nsec: hi - sec*1e9}
}

// daysSpan is the set of durations whose days compare as planned: those
// that reach lo and not hi, or (neg) the others.
type daysSpan struct {
	lo, hi dayBound
	neg    bool
}

func (s daysSpan) holds(d time.Duration) bool {
	return (s.lo.reached(d) && !s.hi.reached(d)) != s.neg
}

// holdsAt is holds(a.now.Sub(x)), under reachedAt's conditions.
func (s daysSpan) holdsAt(a *Activation, x time.Time) bool {
	return (s.lo.reachedAt(a, x) && !s.hi.reachedAt(a, x)) != s.neg
}

// daysSpanOf returns the durations for which days OP n holds.
func daysSpanOf(op cmpOp, n int64) daysSpan {
	at, above := dayBoundOf(n), dayBound{inf: true} // days >= n, days >= n+1
	if n < math.MaxInt64 {
		above = dayBoundOf(n + 1)
	}
	never := dayBound{inf: true}
	switch op {
	case opGe:
		return daysSpan{lo: at, hi: never}
	case opGt:
		return daysSpan{lo: above, hi: never}
	case opLt:
		return daysSpan{lo: at, hi: never, neg: true}
	case opLe:
		return daysSpan{lo: above, hi: never, neg: true}
	case opEq:
		return daysSpan{lo: at, hi: above}
	}
	return daysSpan{lo: at, hi: above, neg: true}
}
