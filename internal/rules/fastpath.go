package rules

import (
	"cmp"
	"reflect"
	"strings"
	"time"

	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/strata-go/strata"
)

// fastMoneyCompare plans customer.revenue (or .profit) compared with a
// money literal as one node that reads the field from the record and
// compares it with the constant: revenue bands are the commonest rule there
// is, and this skips boxing the field and the operator's dispatch. The
// result is the same as the generic plan, errors included. Explanations use
// the generic plan, so every sub-expression keeps its recorded value.
func (e *Env) fastMoneyCompare(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok || len(call.Args()) != 2 {
		return i, nil
	}
	fn := call.Function()
	want, ok := fieldOps[fn]
	if !ok || fn == operators.Equals || fn == operators.NotEquals { // money equality is Equal's, not Compare's
		return i, nil
	}
	args := call.Args()
	field, lit, flip := moneyField(args[0]), args[1], false
	if field == "" {
		field, lit, flip = moneyField(args[1]), args[0], true
	}
	c, ok := lit.(interpreter.InterpretableConst)
	if field == "" || !ok {
		return i, nil
	}
	m, ok := asMoney(c.Value())
	if !ok {
		return i, nil
	}
	// The comparison keeps the rule's orientation: the right side is
	// converted into the left side's currency, which decides how a
	// converter without exact ratios rounds and which error a failure
	// reports.
	return &moneyCmp{id: call.ID(), profit: field == "profit", lit: m, litFirst: flip, want: want, env: e}, nil
}

// flipCmp turns "lit OP field" into "field OP' lit".
func flipCmp(f func(int) bool) func(int) bool { return func(c int) bool { return f(-c) } }

// moneyField returns "revenue" or "profit" when x is customer.revenue or
// customer.profit, else "".
func moneyField(x interpreter.InterpretableV2) string {
	attr, ok := x.(interpreter.InterpretableAttribute)
	if !ok {
		return ""
	}
	na, ok := attr.Attr().(interpreter.NamespacedAttribute)
	if !ok {
		return ""
	}
	names, quals := na.CandidateVariableNames(), na.Qualifiers()
	if len(names) != 1 || names[0] != "customer" || len(quals) != 1 {
		return ""
	}
	q, ok := quals[0].(interpreter.ConstantQualifier)
	if !ok {
		return ""
	}
	switch q.Value() {
	case types.String("revenue"):
		return "revenue"
	case types.String("profit"):
		return "profit"
	}
	return ""
}

type moneyCmp struct {
	id       int64
	profit   bool
	lit      strata.Money
	litFirst bool // the literal is the left operand
	want     func(int) bool
	env      *Env
}

func (m *moneyCmp) ID() int64 { return m.id }

func (m *moneyCmp) Eval(act interpreter.Activation) ref.Val {
	return m.compare(resolveNative(act, "customer"))
}

func (m *moneyCmp) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	return m.compare(resolveNative(frame, "customer"))
}

// resolveNative returns a variable as the Go value it was bound to: from an
// Activation (or a frame over one) without adapting it, else as resolved,
// a ref.Val unwrapped.
func resolveNative(act interpreter.Activation, name string) any {
	if f, ok := act.(*interpreter.ExecutionFrame); ok {
		if a, ok := f.Scope().(*Activation); ok {
			act = a
		}
	}
	if a, ok := act.(*Activation); ok {
		v, _ := a.native(name)
		return v
	}
	v, _ := act.ResolveName(name)
	if rv, ok := v.(ref.Val); ok {
		return rv.Value()
	}
	return v
}

// fastFieldCompare plans a string or integer field of a variable compared
// with a literal of its type (customer.country == "DE", lead.source !=
// "expo", customer.orders >= 12, either way round) as one node that reads
// the field from the Go value: most tiering and routing conditions are such
// tests, and the generic plan boxes every field it reads. When the
// variable is not bound to the expected Go type it runs the generic plan,
// so results and errors are the same.
func (e *Env) fastFieldCompare(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok || len(call.Args()) != 2 {
		return i, nil
	}
	want, ok := fieldOps[call.Function()]
	if !ok {
		return i, nil
	}
	args := call.Args()
	for k := range 2 {
		name, field, ok := attrField(args[k])
		if !ok {
			continue
		}
		c, ok := args[1-k].(interpreter.InterpretableConst)
		if !ok {
			continue
		}
		f, ok := e.fields[name+"."+field]
		if !ok {
			continue
		}
		n := &fieldCmp{id: call.ID(), name: name, field: f, want: want, generic: i}
		switch lit := c.Value().(type) {
		case types.String:
			if f.integer {
				continue
			}
			n.str = string(lit)
		case types.Int:
			if !f.integer {
				continue
			}
			n.num = int64(lit)
		default:
			continue
		}
		if k == 1 { // literal OP field
			n.want = flipCmp(want)
		}
		return n, nil
	}
	return i, nil
}

// fieldOps are the comparisons the fast paths plan, as functions of
// cmp.Compare(field, literal).
var fieldOps = map[string]func(int) bool{
	operators.Equals:        func(c int) bool { return c == 0 },
	operators.NotEquals:     func(c int) bool { return c != 0 },
	operators.Less:          func(c int) bool { return c < 0 },
	operators.LessEquals:    func(c int) bool { return c <= 0 },
	operators.Greater:       func(c int) bool { return c > 0 },
	operators.GreaterEquals: func(c int) bool { return c >= 0 },
}

// attrField returns v and f when x is the attribute v.f.
func attrField(x interpreter.InterpretableV2) (string, string, bool) {
	attr, ok := x.(interpreter.InterpretableAttribute)
	if !ok {
		return "", "", false
	}
	na, ok := attr.Attr().(interpreter.NamespacedAttribute)
	if !ok {
		return "", "", false
	}
	names, quals := na.CandidateVariableNames(), na.Qualifiers()
	if len(names) != 1 || len(quals) != 1 {
		return "", "", false
	}
	q, ok := quals[0].(interpreter.ConstantQualifier)
	if !ok {
		return "", "", false
	}
	f, ok := q.Value().(types.String)
	return names[0], string(f), ok
}

// field is where a string (or, with integer, an int) field sits in a
// variable's struct.
type field struct {
	typ     reflect.Type // the struct
	index   int
	integer bool
}

// fieldsOf indexes the string- and integer-kinded fields of struct t that
// rules see under their cel tags, as "name.field".
func fieldsOf(name string, t reflect.Type, into map[string]field) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("cel")
		if !f.IsExported() || tag == "" || tag == "-" {
			continue
		}
		switch k := f.Type.Kind(); {
		case k == reflect.String:
			into[name+"."+tag] = field{typ: t, index: i}
		case (k == reflect.Int || k == reflect.Int64 || k == reflect.Int32) && f.Type != reflect.TypeFor[time.Duration]():
			into[name+"."+tag] = field{typ: t, index: i, integer: true}
		}
	}
}

type fieldCmp struct {
	id      int64
	name    string
	field   field
	str     string // the literal, for a string field
	num     int64  // the literal, for an integer field
	want    func(int) bool
	generic interpreter.InterpretableV2
}

func (n *fieldCmp) ID() int64 { return n.id }

func (n *fieldCmp) Eval(act interpreter.Activation) ref.Val {
	if r, ok := n.compare(resolveNative(act, n.name)); ok {
		return r
	}
	return n.generic.Eval(act)
}

func (n *fieldCmp) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	if r, ok := n.compare(resolveNative(frame, n.name)); ok {
		return r
	}
	return n.generic.Exec(frame)
}

func (n *fieldCmp) compare(v any) (ref.Val, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Type().Elem() != n.field.typ {
		return nil, false
	}
	x := rv.Elem().Field(n.field.index)
	if n.field.integer {
		return types.Bool(n.want(cmp.Compare(x.Int(), n.num))), true
	}
	return types.Bool(n.want(strings.Compare(x.String(), n.str))), true
}

func (m *moneyCmp) compare(v any) ref.Val {
	if rv, ok := v.(ref.Val); ok {
		v = rv.Value()
	}
	c, ok := customerOf(v)
	if !ok {
		return types.NewErr("no such attribute: customer")
	}
	x := &c.Revenue
	if m.profit {
		x = &c.Profit
	}
	var r ref.Val
	if m.litFirst {
		r = m.env.compareMoney(m.lit, *x)
	} else {
		r = m.env.compareMoney(*x, m.lit)
	}
	n, ok := r.(types.Int)
	if !ok {
		return r // an error: no rate, mismatch
	}
	return types.Bool(m.want(int(n)))
}
