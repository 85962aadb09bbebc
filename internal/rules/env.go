// Package rules is Strata's one rule language: a CEL environment shared by
// tiering, scoring and routing, so a condition that works in one works in all.
//
// Rules see the variables customer (a strata.Customer, by its snake_case
// field names, personal data hidden), now (a timestamp) and home (the
// company's home country), plus any a package adds (routing adds lead). They
// may call the CEL standard library, the strings extension and these:
//
//	money("5000000", "CNY")                 a Money literal
//	customer.revenue >= money(...)          comparisons and + / - on Money,
//	                                        converted through the host's Converter
//	amount(m), amount(m, "USD")             a Money as a number (for scales)
//	in_group(customer.country, "EU")        region groups, built-in or the host's;
//	in_group(customer, "华东")              the record's subdivision, else its country
//	has_tag(customer, "VIP"), has_segment, has_channel, has_product
//	speaks(customer, "de")                  a stated language with that base
//	days_since(customer.last_order_at)      whole days before now
//	days_between(a, b)                      whole days from a to b
//	attr(customer, "credit_days", 30)       a custom field with a typed default
//
// Compile errors carry the rule's name, 1-based line and column and a caret
// snippet, all at once. A rule whose worst-case cost exceeds the limit is
// refused at compile time, so evaluation carries no runtime cost tracking.
//
// An Env and every Program it compiles are immutable and safe for concurrent
// use. An Activation is not: use one per goroutine.
package rules

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"

	"github.com/strata-go/strata"
)

// DefaultCostLimit is the worst-case cost a rule may have unless WithCostLimit
// says otherwise. A comparison costs about 1; a loop over a customer's tags
// costs about 10 per tag at the most.
const DefaultCostLimit = 20_000

// Limits assumed for worst-case cost: lists and maps on a record hold at most
// maxListSize items and strings at most maxStringSize bytes.
const (
	maxListSize   = 64
	maxStringSize = 1024
)

// Type names rules see.
var (
	CustomerType = cel.ObjectType("strata.Customer")
	MoneyType    = cel.ObjectType("strata.Money", traits.ComparerType, traits.AdderType, traits.SubtractorType)
)

// Option configures an Env.
type Option func(*config)

type config struct {
	groups    map[string][]string
	conv      strata.Converter
	costLimit uint64
	vars      []variable
}

type variable struct {
	name string
	typ  reflect.Type
}

// WithGroups adds host-defined region groups: each name maps to ISO 3166-1
// country codes or ISO 3166-2 subdivision codes. A host group replaces a
// built-in one of the same name.
func WithGroups(groups map[string][]string) Option {
	return func(c *config) { c.groups = groups }
}

// WithConverter sets the exchange-rate converter used when rules compare or
// add money in different currencies. Without one such rules fail at
// evaluation with strata.ErrCurrencyMismatch.
func WithConverter(conv strata.Converter) Option {
	return func(c *config) { c.conv = conv }
}

// WithCostLimit sets the worst-case cost above which Compile refuses a rule.
func WithCostLimit(limit uint64) Option {
	return func(c *config) { c.costLimit = limit }
}

// WithVariable declares another variable of a Go struct type (a value or a
// pointer type), exposed to rules like customer is: snake_case names from
// cel tags. Routing declares lead this way.
func WithVariable(name string, typ reflect.Type) Option {
	return func(c *config) { c.vars = append(c.vars, variable{name, typ}) }
}

// Env is a compiled rule environment. It is immutable and safe for
// concurrent use.
type Env struct {
	cel       *cel.Env
	groups    *groups
	conv      strata.Converter
	costLimit uint64
	extra     []string // names of extra variables
	// fields locates "variable.field" string and integer fields for
	// fastFieldCompare.
	fields   map[string]field
	money    sync.Map // literal cache: "amount\x00currency" -> ref.Val
	programs sync.Map // program cache: kind + "\x00" + source -> *compiled
}

// New builds an environment. It fails if a host group names an unknown code
// or a variable type cannot be exposed to rules.
func New(opts ...Option) (*Env, error) {
	cfg := config{costLimit: DefaultCostLimit}
	for _, o := range opts {
		o(&cfg)
	}
	g, err := newGroups(cfg.groups)
	if err != nil {
		return nil, err
	}
	e := &Env{groups: g, conv: cfg.conv, costLimit: cfg.costLimit, fields: map[string]field{}}
	fieldsOf("customer", reflect.TypeFor[strata.Customer](), e.fields)

	nativeTypes := []any{reflect.TypeFor[strata.Customer]()}
	decls := []cel.EnvOption{
		cel.Variable("customer", CustomerType),
		cel.Variable("now", cel.TimestampType),
		cel.Variable("home", cel.StringType),
	}
	for _, v := range cfg.vars {
		t := v.typ
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("rules: variable %q: %v is not a struct type", v.name, v.typ)
		}
		if v.name == "customer" || v.name == "now" || v.name == "home" {
			return nil, fmt.Errorf("rules: variable %q is already declared", v.name)
		}
		nativeTypes = append(nativeTypes, t)
		fieldsOf(v.name, t, e.fields)
		decls = append(decls, cel.Variable(v.name, cel.ObjectType(simplePkg(t.PkgPath())+"."+t.Name())))
		e.extra = append(e.extra, v.name)
	}
	nativeTypes = append(nativeTypes, ext.ParseStructTags(true))

	opts2 := []cel.EnvOption{
		ext.NativeTypes(nativeTypes...),
		ext.Strings(),
		cel.CrossTypeNumericComparisons(true),
		cel.Macros(cel.GlobalMacro("days_since", 1, daysSinceMacro)),
	}
	opts2 = append(opts2, decls...)
	opts2 = append(opts2, e.functions()...)
	opts2 = append(opts2, e.moneyFields())
	env, err := cel.NewEnv(opts2...)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	e.cel = env
	return e, nil
}

// CEL returns the underlying cel-go environment, for packages that need to
// declare further functions by extending it.
func (e *Env) CEL() *cel.Env { return e.cel }

// Converter returns the converter given to New, or nil.
func (e *Env) Converter() strata.Converter { return e.conv }

// GroupMembers returns the codes of a group (or alias), and whether it exists.
func (e *Env) GroupMembers(name string) ([]string, bool) {
	set, ok := e.groups.lookup(name)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(set))
	for code := range set {
		out = append(out, code)
	}
	slices.Sort(out)
	return out, true
}

// HasGroup reports whether name (or an alias such as 华东) is a known group.
func (e *Env) HasGroup(name string) bool {
	_, ok := e.groups.lookup(name)
	return ok
}

// InGroup reports whether code, a country or subdivision code, is in the
// named group; the second result is false for an unknown group.
func (e *Env) InGroup(code, group string) (bool, bool) {
	set, ok := e.groups.lookup(group)
	if !ok {
		return false, false
	}
	return contains(set, code), true
}

func simplePkg(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func joinErrs(errs []error) error { return errors.Join(errs...) }

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

// compareMoney compares x with y (converted into x's currency if need be)
// as -1, 0 or 1, or an error value.
func (e *Env) compareMoney(x, y strata.Money) ref.Val {
	x, y, errv := e.align(x, y)
	if errv != nil {
		return errv
	}
	c, err := x.Cmp(y)
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
