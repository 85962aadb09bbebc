package rules

import (
	"math"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/parser"

	"github.com/strata-go/strata"
)

// daysSinceMacro rewrites days_since(t) to days_between(t, now), so the
// function reads the evaluation's now and stays deterministic.
func daysSinceMacro(eh parser.ExprHelper, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
	return eh.NewCall("days_between", args[0], eh.NewIdent("now")), nil
}

func (e *Env) moneyFunctions() []cel.EnvOption {
	money, str, dbl, boolean := MoneyType, cel.StringType, cel.DoubleType, cel.BoolType
	// Operators on Money have no bindings of their own: the standard library
	// dispatches them to moneyVal's Compare, Add and Subtract.
	op := func(name, id string, result *cel.Type) cel.EnvOption {
		return cel.Function(name, cel.Overload(id, []*cel.Type{money, money}, result))
	}
	return []cel.EnvOption{
		cel.Function("money",
			cel.Overload("money_string_string", []*cel.Type{str, str}, money,
				cel.BinaryBinding(e.moneyCall))),
		op("_<_", "less_money_money", boolean),
		op("_<=_", "less_equals_money_money", boolean),
		op("_>_", "greater_money_money", boolean),
		op("_>=_", "greater_equals_money_money", boolean),
		op("_+_", "add_money_money", money),
		op("_-_", "subtract_money_money", money),
		cel.Function("amount",
			cel.Overload("amount_money", []*cel.Type{money}, dbl,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					m, ok := asMoney(v)
					if !ok {
						return types.NewErr("amount: not money")
					}
					f, _ := m.Amount.Float64()
					return types.Double(f)
				})),
			cel.Overload("amount_money_string", []*cel.Type{money, str}, dbl,
				cel.BinaryBinding(func(v, cur ref.Val) ref.Val {
					m, ok := asMoney(v)
					to, ok2 := cur.(types.String)
					if !ok || !ok2 {
						return types.NewErr("amount: want (money, string)")
					}
					conv, err := m.In(string(to), e.conv)
					if err != nil {
						return types.WrapErr(err)
					}
					f, _ := conv.Amount.Float64()
					return types.Double(f)
				}))),
	}
}

func (e *Env) groupFunctions() []cel.EnvOption {
	str, boolean, cust := cel.StringType, cel.BoolType, CustomerType
	return []cel.EnvOption{
		cel.Function("in_group",
			cel.Overload("in_group_string_string", []*cel.Type{str, str}, boolean,
				cel.BinaryBinding(func(code, group ref.Val) ref.Val {
					c, ok := code.(types.String)
					g, ok2 := group.(types.String)
					if !ok || !ok2 {
						return types.NewErr("in_group: want (string, string)")
					}
					set, found := e.groups.lookup(string(g))
					if !found {
						return types.NewErr("in_group: unknown group %q", string(g))
					}
					return types.Bool(contains(set, string(c)))
				})),
			cel.Overload("in_group_customer_string", []*cel.Type{cust, str}, boolean,
				cel.BinaryBinding(func(cv, group ref.Val) ref.Val {
					c, ok := asCustomer(cv)
					g, ok2 := group.(types.String)
					if !ok || !ok2 {
						return types.NewErr("in_group: want (customer, string)")
					}
					set, found := e.groups.lookup(string(g))
					if !found {
						return types.NewErr("in_group: unknown group %q", string(g))
					}
					return types.Bool(customerIn(set, c))
				}))),
	}
}

func customerFunctions() []cel.EnvOption {
	customerStr := func(name string, f func(c *strata.Customer, s string) bool) cel.EnvOption {
		return cel.Function(name, cel.Overload(name+"_customer_string", []*cel.Type{CustomerType, cel.StringType}, cel.BoolType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				c, ok := asCustomer(a)
				s, ok2 := b.(types.String)
				if !ok || !ok2 {
					return types.NewErr("%s: want (customer, string)", name)
				}
				return types.Bool(f(c, string(s)))
			})))
	}
	return []cel.EnvOption{
		customerStr("has_tag", func(c *strata.Customer, s string) bool { return c.HasTag(s) }),
		customerStr("has_segment", func(c *strata.Customer, s string) bool { return c.HasSegment(s) }),
		customerStr("has_channel", func(c *strata.Customer, s string) bool { return c.HasChannel(strata.ChannelKind(s)) }),
		customerStr("has_product", func(c *strata.Customer, s string) bool { return slices.Contains(c.Products, s) }),
		customerStr("speaks", func(c *strata.Customer, s string) bool {
			want := baseLanguage(s)
			for _, l := range c.Languages {
				if baseLanguage(l) == want {
					return true
				}
			}
			return false
		}),
	}
}

func timeAndAttrFunctions() []cel.EnvOption {
	str, dbl, integer, boolean, ts, cust := cel.StringType, cel.DoubleType, cel.IntType, cel.BoolType, cel.TimestampType, CustomerType
	return []cel.EnvOption{
		cel.Function("days_between",
			cel.Overload("days_between_timestamp_timestamp", []*cel.Type{ts, ts}, integer,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					x, ok := a.(types.Timestamp)
					y, ok2 := b.(types.Timestamp)
					if !ok || !ok2 {
						return types.NewErr("days_between: want (timestamp, timestamp)")
					}
					return types.Int(math.Floor(y.Time.Sub(x.Time).Hours() / 24))
				}))),
		cel.Function("attr",
			cel.Overload("attr_customer_string_string", []*cel.Type{cust, str, str}, str, cel.FunctionBinding(attrOf)),
			cel.Overload("attr_customer_string_int", []*cel.Type{cust, str, integer}, integer, cel.FunctionBinding(attrOf)),
			cel.Overload("attr_customer_string_double", []*cel.Type{cust, str, dbl}, dbl, cel.FunctionBinding(attrOf)),
			cel.Overload("attr_customer_string_bool", []*cel.Type{cust, str, boolean}, boolean, cel.FunctionBinding(attrOf))),
	}
}

// baseLanguage returns the lower-case primary subtag, mapping the legacy
// codes iw, in and ji to he, id and yi.
func baseLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	base = strings.ToLower(base)
	switch base {
	case "iw":
		return "he"
	case "in":
		return "id"
	case "ji":
		return "yi"
	}
	return base
}

// attrOf returns the custom field args[1] of the customer args[0] when it has
// the type of the default args[2], or the default. JSON numbers (float64)
// become int when they are whole.
func attrOf(args ...ref.Val) ref.Val {
	if len(args) != 3 {
		return types.NewErr("attr: want (customer, string, default)")
	}
	c, ok := asCustomer(args[0])
	key, ok2 := args[1].(types.String)
	if !ok || !ok2 {
		return types.NewErr("attr: want (customer, string, default)")
	}
	def := args[2]
	v, found := c.Attrs[string(key)]
	if !found || v == nil {
		return def
	}
	switch def.(type) {
	case types.String:
		if s, ok := v.(string); ok {
			return types.String(s)
		}
	case types.Bool:
		if b, ok := v.(bool); ok {
			return types.Bool(b)
		}
	case types.Int:
		switch n := v.(type) {
		case int:
			return types.Int(n)
		case int64:
			return types.Int(n)
		case int32:
			return types.Int(n)
		case float64:
			if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
				return types.Int(int64(n))
			}
		}
	case types.Double:
		switch n := v.(type) {
		case float64:
			return types.Double(n)
		case float32:
			return types.Double(n)
		case int:
			return types.Double(n)
		case int64:
			return types.Double(n)
		}
	}
	return def
}
