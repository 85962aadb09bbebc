package rules

import (
	"cmp"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/strata-go/strata"
)

// opKind is the CEL type of an operand the closures compare.
type opKind uint8

const (
	kNone opKind = iota
	kString
	kInt
	kUint
	kDouble
	kBool
	kTime
	kMoney
)

// kindOf returns the operand kind of a checked CEL type, kNone for the
// others (dyn among them).
func kindOf(t *types.Type) opKind {
	if t == nil {
		return kNone
	}
	switch t.Kind() {
	case types.StringKind:
		return kString
	case types.IntKind:
		return kInt
	case types.UintKind:
		return kUint
	case types.DoubleKind:
		return kDouble
	case types.BoolKind:
		return kBool
	case types.TimestampKind:
		return kTime
	case types.StructKind:
		if t.TypeName() == MoneyType.TypeName() {
			return kMoney
		}
	}
	return kNone
}

var (
	customerType = reflect.TypeFor[strata.Customer]()
	timeType     = reflect.TypeFor[time.Time]()
	moneyGoType  = reflect.TypeFor[strata.Money]()
	durationType = reflect.TypeFor[time.Duration]()
)

// goKindOf returns the operand kind cel-go gives a Go field of type t.
func goKindOf(t reflect.Type) opKind {
	switch t {
	case timeType:
		return kTime
	case moneyGoType:
		return kMoney
	case durationType:
		return kNone // a CEL duration
	}
	switch t.Kind() {
	case reflect.String:
		return kString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kUint
	case reflect.Float32, reflect.Float64:
		return kDouble
	case reflect.Bool:
		return kBool
	}
	return kNone
}

// cmpOp is a comparison operator.
type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

var cmpOps = map[string]cmpOp{
	operators.Equals: opEq, operators.NotEquals: opNe,
	operators.Less: opLt, operators.LessEquals: opLe,
	operators.Greater: opGt, operators.GreaterEquals: opGe,
}

// flip turns "a OP b" into "b OP' a".
func (o cmpOp) flip() cmpOp {
	switch o {
	case opLt:
		return opGt
	case opLe:
		return opGe
	case opGt:
		return opLt
	case opGe:
		return opLe
	}
	return o
}

// holds reports whether the operator holds for c = cmp.Compare(a, b).
func (o cmpOp) holds(c int) bool {
	switch o {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

// source says where an operand's value comes from.
type source uint8

const (
	srcLit source = iota
	srcField
	srcHome
	srcNow
)

// operand is a scalar the closures read: a literal, a field of a variable
// (at offset off of the record in Activation.ptr[slot], of Go kind goKind),
// home or now.
type operand struct {
	kind   opKind
	src    source
	slot   int
	off    uintptr
	goKind reflect.Kind
	lit    any // string, int64, uint64, float64, bool or strata.Money
}

// operand plans x as an operand, when it is one.
func (p *planner) operand(x ast.Expr) (operand, bool) {
	k := kindOf(p.a.GetType(x.ID()))
	if k == kNone {
		return operand{}, false
	}
	switch x.Kind() {
	case ast.LiteralKind:
		return literalOperand(k, x.AsLiteral())
	case ast.IdentKind:
		switch x.AsIdent() {
		case "home":
			return operand{kind: kString, src: srcHome}, k == kString
		case "now":
			return operand{kind: kTime, src: srcNow}, k == kTime
		}
	case ast.SelectKind:
		slot, off, t, ok := p.field(x)
		if !ok || goKindOf(t) != k {
			return operand{}, false
		}
		p.needs |= 1 << slot
		return operand{kind: k, src: srcField, slot: slot, off: off, goKind: t.Kind()}, true
	case ast.CallKind:
		if m, ok := moneyLiteral(x); ok && k == kMoney {
			return operand{kind: kMoney, lit: m}, true
		}
	}
	return operand{}, false
}

func literalOperand(k opKind, v ref.Val) (operand, bool) {
	o := operand{kind: k, src: srcLit}
	switch v := v.(type) {
	case types.String:
		o.lit = string(v)
		return o, k == kString
	case types.Int:
		o.lit = int64(v)
		return o, k == kInt
	case types.Uint:
		o.lit = uint64(v)
		return o, k == kUint
	case types.Double:
		o.lit = float64(v)
		return o, k == kDouble
	case types.Bool:
		o.lit = bool(v)
		return o, k == kBool
	}
	return operand{}, false
}

// moneyLiteral reads money("amount", "currency") with literal arguments.
func moneyLiteral(x ast.Expr) (strata.Money, bool) {
	c := x.AsCall()
	if c.FunctionName() != "money" || c.IsMemberFunction() || len(c.Args()) != 2 {
		return strata.Money{}, false
	}
	amt, ok := stringLiteral(c.Args()[0])
	cur, ok2 := stringLiteral(c.Args()[1])
	if !ok || !ok2 {
		return strata.Money{}, false
	}
	m, err := strata.NewMoney(amt, cur)
	return m, err == nil
}

func stringLiteral(x ast.Expr) (string, bool) {
	if x.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := x.AsLiteral().(types.String)
	return string(s), ok
}

// variable returns the slot and struct type of a variable the closures
// read in place. Comprehensions, the only place a name could mean
// something else, are never planned as closures.
func (p *planner) variable(x ast.Expr) (int, reflect.Type, bool) {
	if x.Kind() != ast.IdentKind {
		return 0, nil, false
	}
	name := x.AsIdent()
	if name == "customer" {
		return 0, customerType, true
	}
	k, ok := p.e.varSlot(name)
	if !ok {
		return 0, nil, false
	}
	return k, p.e.varTypes[k-1], true
}

// field resolves v.f1.f2… (struct fields, no pointers on the way) to its
// variable's slot, its offset in the record and its Go type.
func (p *planner) field(x ast.Expr) (slot int, off uintptr, t reflect.Type, ok bool) {
	if x.Kind() != ast.SelectKind || x.AsSelect().IsTestOnly() {
		return 0, 0, nil, false
	}
	sel := x.AsSelect()
	if op := sel.Operand(); op.Kind() == ast.IdentKind {
		slot, t, ok = p.variable(op)
	} else {
		slot, off, t, ok = p.field(op)
		ok = ok && t.Kind() == reflect.Struct && t != timeType
	}
	if !ok {
		return 0, 0, nil, false
	}
	f, found := celField(t, sel.FieldName())
	if !found {
		return 0, 0, nil, false
	}
	return slot, off + f.Offset, f.Type, true
}

// celField finds the field rules call name in struct t, as cel-go's native
// types name fields: the cel tag's name, else the Go name; "-" hides it.
// Only direct fields are found (promoted ones go through cel-go).
func celField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		n := f.Name
		if tag, found := f.Tag.Lookup("cel"); found {
			first, _, _ := strings.Cut(tag, ",")
			if first == "-" {
				continue
			}
			if first = strings.Trim(first, "'"); first != "" {
				n = first
			}
		}
		if n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// at returns the address of a field operand in the bound record.
func at(a *Activation, slot int, off uintptr) unsafe.Pointer { return unsafe.Add(a.ptr[slot], off) }

func strGetter(o operand) func(*Activation) string {
	switch o.src {
	case srcLit:
		s := o.lit.(string)
		return func(*Activation) string { return s }
	case srcHome:
		return func(a *Activation) string { return a.homeStr }
	}
	slot, off := o.slot, o.off
	return func(a *Activation) string { return *(*string)(at(a, slot, off)) }
}

func intGetter(o operand) func(*Activation) int64 {
	if o.src == srcLit {
		n := o.lit.(int64)
		return func(*Activation) int64 { return n }
	}
	slot, off := o.slot, o.off
	switch o.goKind {
	case reflect.Int:
		return func(a *Activation) int64 { return int64(*(*int)(at(a, slot, off))) }
	case reflect.Int8:
		return func(a *Activation) int64 { return int64(*(*int8)(at(a, slot, off))) }
	case reflect.Int16:
		return func(a *Activation) int64 { return int64(*(*int16)(at(a, slot, off))) }
	case reflect.Int32:
		return func(a *Activation) int64 { return int64(*(*int32)(at(a, slot, off))) }
	}
	return func(a *Activation) int64 { return *(*int64)(at(a, slot, off)) }
}

func uintGetter(o operand) func(*Activation) uint64 {
	if o.src == srcLit {
		n := o.lit.(uint64)
		return func(*Activation) uint64 { return n }
	}
	slot, off := o.slot, o.off
	switch o.goKind {
	case reflect.Uint:
		return func(a *Activation) uint64 { return uint64(*(*uint)(at(a, slot, off))) }
	case reflect.Uint8:
		return func(a *Activation) uint64 { return uint64(*(*uint8)(at(a, slot, off))) }
	case reflect.Uint16:
		return func(a *Activation) uint64 { return uint64(*(*uint16)(at(a, slot, off))) }
	case reflect.Uint32:
		return func(a *Activation) uint64 { return uint64(*(*uint32)(at(a, slot, off))) }
	}
	return func(a *Activation) uint64 { return *(*uint64)(at(a, slot, off)) }
}

func doubleGetter(o operand) func(*Activation) float64 {
	if o.src == srcLit {
		f := o.lit.(float64)
		return func(*Activation) float64 { return f }
	}
	slot, off := o.slot, o.off
	if o.goKind == reflect.Float32 {
		return func(a *Activation) float64 { return float64(*(*float32)(at(a, slot, off))) }
	}
	return func(a *Activation) float64 { return *(*float64)(at(a, slot, off)) }
}

func boolGetter(o operand) func(*Activation) bool {
	if o.src == srcLit {
		b := o.lit.(bool)
		return func(*Activation) bool { return b }
	}
	slot, off := o.slot, o.off
	return func(a *Activation) bool { return *(*bool)(at(a, slot, off)) }
}

func timeGetter(o operand) func(*Activation) time.Time {
	if o.src == srcNow {
		return func(a *Activation) time.Time { return a.now }
	}
	slot, off := o.slot, o.off
	return func(a *Activation) time.Time { return timeAt(at(a, slot, off)) }
}

// unixEpoch is what cel-go reads from a zero time.Time field: an unset
// timestamp is the epoch, as in protocol buffers.
var unixEpoch = time.Unix(0, 0)

// timeAt reads a time.Time field as cel-go does.
func timeAt(p unsafe.Pointer) time.Time {
	if t := (*time.Time)(p); !t.IsZero() {
		return *t
	}
	return unixEpoch
}

func moneyGetter(o operand) func(*Activation) *strata.Money {
	if o.src == srcLit {
		m := o.lit.(strata.Money)
		return func(*Activation) *strata.Money { return &m }
	}
	slot, off := o.slot, o.off
	return func(a *Activation) *strata.Money { return (*strata.Money)(at(a, slot, off)) }
}

// boolOperand is a bool field as a condition.
func boolOperand(o operand) boolFn {
	get := boolGetter(o)
	return func(a *Activation) (bool, ref.Val) { return get(a), nil }
}

// compare plans a comparison of two operands of one kind, or of
// days_between with an integer literal. Operands of different kinds
// (cel-go's cross-type numeric comparisons) are left to cel-go.
func (p *planner) compare(op cmpOp, args []ast.Expr) (boolFn, bool) {
	if fn, ok := p.daysCompare(op, args); ok {
		return fn, true
	}
	l, ok := p.operand(args[0])
	r, ok2 := p.operand(args[1])
	if !ok || !ok2 || l.kind != r.kind {
		return nil, false
	}
	flipped := false
	if r.src == srcField && l.src != srcField { // a field on the left
		l, r, op, flipped = r, l, op.flip(), true
	}
	switch l.kind {
	case kString:
		return compareStrings(op, l, r), true
	case kInt:
		return compareInts(op, l, r), true
	case kUint:
		return ordered(op, uintGetter(l), uintGetter(r)), true
	case kDouble:
		// Go's float comparisons are CEL's: NaN is neither less, equal
		// nor greater.
		return ordered(op, doubleGetter(l), doubleGetter(r)), true
	case kBool:
		if op != opEq && op != opNe {
			return nil, false
		}
		lg, rg := boolGetter(l), boolGetter(r)
		ne := op == opNe
		return func(a *Activation) (bool, ref.Val) { return (lg(a) == rg(a)) != ne, nil }, true
	case kTime:
		lg, rg := timeGetter(l), timeGetter(r)
		return func(a *Activation) (bool, ref.Val) { return op.holds(lg(a).Compare(rg(a))), nil }, true
	case kMoney:
		return p.compareMoney(op, l, r, flipped), true
	}
	return nil, false
}

func compareStrings(op cmpOp, l, r operand) boolFn {
	switch {
	case l.src == srcField && r.src == srcLit:
		return fieldConst(op, l.slot, l.off, r.lit.(string))
	case l.src == srcField && r.src == srcHome && (op == opEq || op == opNe):
		// customer.country == home: the commonest comparison with a variable.
		slot, off, ne := l.slot, l.off, op == opNe
		return func(a *Activation) (bool, ref.Val) { return (*(*string)(at(a, slot, off)) == a.homeStr) != ne, nil }
	}
	return ordered(op, strGetter(l), strGetter(r))
}

func compareInts(op cmpOp, l, r operand) boolFn {
	if l.src == srcField && r.src == srcLit {
		n := r.lit.(int64)
		switch {
		case l.goKind == reflect.Int64:
			return fieldConst(op, l.slot, l.off, n)
		case l.goKind == reflect.Int && strconv.IntSize == 64:
			return fieldConst(op, l.slot, l.off, int(n))
		}
	}
	return ordered(op, intGetter(l), intGetter(r))
}

// fieldConst compares a field of Go type T with a constant.
func fieldConst[T cmp.Ordered](op cmpOp, slot int, off uintptr, c T) boolFn {
	switch op {
	case opEq:
		return func(a *Activation) (bool, ref.Val) { return *(*T)(at(a, slot, off)) == c, nil }
	case opNe:
		return func(a *Activation) (bool, ref.Val) { return *(*T)(at(a, slot, off)) != c, nil }
	case opLt:
		return func(a *Activation) (bool, ref.Val) { return *(*T)(at(a, slot, off)) < c, nil }
	case opLe:
		return func(a *Activation) (bool, ref.Val) { return *(*T)(at(a, slot, off)) <= c, nil }
	case opGt:
		return func(a *Activation) (bool, ref.Val) { return *(*T)(at(a, slot, off)) > c, nil }
	}
	return func(a *Activation) (bool, ref.Val) { return *(*T)(at(a, slot, off)) >= c, nil }
}

// ordered compares two operands of an ordered Go type.
func ordered[T cmp.Ordered](op cmpOp, l, r func(*Activation) T) boolFn {
	switch op {
	case opEq:
		return func(a *Activation) (bool, ref.Val) { return l(a) == r(a), nil }
	case opNe:
		return func(a *Activation) (bool, ref.Val) { return l(a) != r(a), nil }
	case opLt:
		return func(a *Activation) (bool, ref.Val) { return l(a) < r(a), nil }
	case opLe:
		return func(a *Activation) (bool, ref.Val) { return l(a) <= r(a), nil }
	case opGt:
		return func(a *Activation) (bool, ref.Val) { return l(a) > r(a), nil }
	}
	return func(a *Activation) (bool, ref.Val) { return l(a) >= r(a), nil }
}
