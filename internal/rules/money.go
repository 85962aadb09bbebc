package rules

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/strata-go/strata"
)

// asMoney extracts a strata.Money from a CEL value: a record's field (a
// native object holding *strata.Money) or a money() literal.
func asMoney(v ref.Val) (strata.Money, bool) {
	switch m := v.Value().(type) {
	case strata.Money:
		return m, true
	case *strata.Money:
		if m != nil {
			return *m, true
		}
	}
	return strata.Money{}, false
}

func asCustomer(v ref.Val) (*strata.Customer, bool) {
	switch c := v.Value().(type) {
	case *strata.Customer:
		return c, c != nil
	case strata.Customer:
		return &c, true
	}
	return nil, false
}

// moneyVal is the CEL value of a Money: a record's field (pointing into the
// record, not copied) or a money() literal. It carries its Env so that
// comparisons and sums across currencies convert through the host's
// Converter, and it implements the traits the standard operators dispatch on.
type moneyVal struct {
	m   *strata.Money
	env *Env
}

func (v moneyVal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeFor[strata.Money]():
		return *v.m, nil
	case reflect.TypeFor[*strata.Money]():
		return v.m, nil
	}
	return nil, fmt.Errorf("money: no conversion to %v", t)
}

func (v moneyVal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case types.TypeType.TypeName():
		return MoneyType
	case types.StringType.TypeName():
		return types.String(v.m.String())
	case MoneyType.TypeName():
		return v
	}
	return types.NewErr("money: no conversion to %s", t.TypeName())
}

func (v moneyVal) Equal(o ref.Val) ref.Val {
	c := v.Compare(o)
	if types.IsError(c) {
		return types.False
	}
	return types.Bool(c == types.IntZero)
}

func (v moneyVal) Type() ref.Type { return MoneyType }

// Value returns *strata.Money, which is also what lets rules select
// customer.revenue.currency through the native type.
func (v moneyVal) Value() any { return v.m }

// align returns both amounts in v's currency.
func (v moneyVal) align(o ref.Val) (strata.Money, strata.Money, ref.Val) {
	y, ok := asMoney(o)
	if !ok {
		return *v.m, y, types.NewErr("money: cannot combine with %s", o.Type().TypeName())
	}
	return v.env.align(*v.m, y)
}

// align converts y into x's currency when they differ and neither is zero.
func (e *Env) align(x, y strata.Money) (strata.Money, strata.Money, ref.Val) {
	if x.Currency != y.Currency && !x.IsZero() && !y.IsZero() {
		var conv strata.Converter
		if e != nil {
			conv = e.conv
		}
		converted, err := y.In(x.Currency, conv)
		if err != nil {
			return x, y, types.WrapErr(err)
		}
		y = converted
	}
	return x, y, nil
}

// Compare implements traits.Comparer.
func (v moneyVal) Compare(o ref.Val) ref.Val {
	y, ok := asMoney(o)
	if !ok {
		return types.NewErr("money: cannot combine with %s", o.Type().TypeName())
	}
	return v.env.compareMoney(*v.m, y)
}

// compareMoney compares x with y as -1, 0 or 1, or an error value: exactly
// when the currencies differ and the Converter implements strata.Ratios
// (strata.Rates does), so neither side is rounded before it is compared.
func (e *Env) compareMoney(x, y strata.Money) ref.Val {
	var conv strata.Converter
	if e != nil {
		conv = e.conv
	}
	c, err := x.CmpIn(y, conv)
	if err != nil {
		return types.WrapErr(err)
	}
	return cmpResult(c)
}

// cmpResult returns the preallocated -1, 0 or 1, so comparing allocates nothing.
func cmpResult(c int) ref.Val {
	switch {
	case c < 0:
		return types.IntNegOne
	case c > 0:
		return types.IntOne
	}
	return types.IntZero
}

// Add implements traits.Adder.
func (v moneyVal) Add(o ref.Val) ref.Val { return v.combine(o, strata.Money.Add) }

// Subtract implements traits.Subtractor.
func (v moneyVal) Subtract(o ref.Val) ref.Val { return v.combine(o, strata.Money.Sub) }

func (v moneyVal) combine(o ref.Val, f func(a, b strata.Money) (strata.Money, error)) ref.Val {
	x, y, errv := v.align(o)
	if errv != nil {
		return errv
	}
	r, err := f(x, y)
	if err != nil {
		return types.WrapErr(err)
	}
	return moneyVal{m: &r, env: v.env}
}

// moneyFields makes Money fields of records (customer.revenue, lead.value)
// moneyVal values instead of plain native objects, by answering for them
// ahead of the native type provider.
func (e *Env) moneyFields() cel.EnvOption {
	return func(env *cel.Env) (*cel.Env, error) {
		return cel.CustomTypeProvider(&provider{Provider: env.CELTypeProvider(), env: e})(env)
	}
}

type provider struct {
	types.Provider
	env *Env
}

func (p *provider) FindStructFieldType(structType, field string) (*types.FieldType, bool) {
	ft, ok := p.Provider.FindStructFieldType(structType, field)
	if !ok || ft.Type.TypeName() != MoneyType.TypeName() {
		return ft, ok
	}
	// A Money field of any native type (customer.revenue, lead.value)
	// becomes a moneyVal pointing into the record, so operators and money
	// functions work on it.
	base := ft.GetFrom
	return &types.FieldType{
		Type:  MoneyType,
		IsSet: ft.IsSet,
		GetFrom: func(obj any) (any, error) {
			v, err := base(obj)
			if err != nil {
				return nil, err
			}
			switch m := v.(type) {
			case *strata.Money:
				return moneyVal{m: m, env: p.env}, nil
			case strata.Money:
				return moneyVal{m: &m, env: p.env}, nil
			}
			return nil, fmt.Errorf("%s.%s: not money", structType, field)
		},
	}, true
}

func customerOf(obj any) (*strata.Customer, bool) {
	switch c := obj.(type) {
	case *strata.Customer:
		return c, c != nil
	case strata.Customer:
		return &c, true
	}
	return nil, false
}

// moneyCall is the money(amount, currency) function as rules call it with
// values computed at evaluation (money(attr(customer, "budget", "0"),
// "CNY")): parsed every time, never cached, and bounded in cost by
// strata.ParseAmount's length check. Calls with literal arguments are
// folded into constants when a program is planned (foldMoney).
func (e *Env) moneyCall(amount, currency ref.Val) ref.Val {
	a, ok := amount.(types.String)
	c, ok2 := currency.(types.String)
	if !ok || !ok2 {
		return types.NewErr("money: want (string, string)")
	}
	m, err := strata.NewMoney(string(a), string(c))
	if err != nil {
		return types.WrapErr(err)
	}
	return moneyVal{m: &m, env: e}
}

// constMoney returns the value of a money literal of a compiled rule,
// cached so that a literal repeated across rules is parsed once. Only
// literals reach it, and at most maxMoneyLiterals are kept.
func (e *Env) constMoney(amount, currency string) ref.Val {
	key := amount + "\x00" + currency
	if v, hit := e.money.Load(key); hit {
		return v.(ref.Val)
	}
	v := e.moneyCall(types.String(amount), types.String(currency))
	if !types.IsError(v) && e.moneyN.Add(1) <= maxMoneyLiterals {
		e.money.Store(key, v)
	}
	return v
}
