package rules

import (
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
	want, ok := cmpOps[call.Function()]
	if !ok {
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
	if flip {
		want = flipCmp(want)
	}
	return &moneyCmp{id: call.ID(), profit: field == "profit", lit: m, want: want, env: e}, nil
}

var cmpOps = map[string]func(int) bool{
	operators.Less:          func(c int) bool { return c < 0 },
	operators.LessEquals:    func(c int) bool { return c <= 0 },
	operators.Greater:       func(c int) bool { return c > 0 },
	operators.GreaterEquals: func(c int) bool { return c >= 0 },
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
	id     int64
	profit bool
	lit    strata.Money
	want   func(int) bool
	env    *Env
}

func (m *moneyCmp) ID() int64 { return m.id }

func (m *moneyCmp) Eval(act interpreter.Activation) ref.Val {
	v, _ := act.ResolveName("customer")
	return m.compare(v)
}

func (m *moneyCmp) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	v, _ := frame.ResolveName("customer")
	return m.compare(v)
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
	r := moneyVal{m: x, env: m.env}.Compare(moneyVal{m: &m.lit, env: m.env})
	n, ok := r.(types.Int)
	if !ok {
		return r // an error: no rate, mismatch
	}
	return types.Bool(m.want(int(n)))
}
