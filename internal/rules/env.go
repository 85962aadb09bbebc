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
// Compile errors carry the rule's name, 1-based line and column (of the
// offending identifier) and a caret snippet, all at once.
//
// # Rules planned as Go closures
//
// A condition is planned, besides its cel-go program, as a tree of Go
// closures over the records themselves (closure.go), for the subset of CEL
// tiering, scoring and routing rules are mostly written in: comparisons of
// fields of every scalar type (strings, integers, doubles, bools,
// timestamps, Money) with literals, with home and now and with each other;
// days_since and days_between against an integer (one comparison with a
// cutoff from now); in_group, has_tag, has_segment, has_channel,
// has_product and speaks with a literal argument (a group resolved to its
// members when the rule is planned); in over a literal list or a string
// list field; &&, ||, ! and ?:. Whatever else a rule holds is evaluated by
// cel-go's program for that sub-expression. The closures read fields in
// place (the customer, and extra variables bound as pointers), with no
// reflection and no boxing, and compare money exactly in integers (in the
// literal's currency, or across currencies through a strata.Rates' exact
// ratios, a literal converted once per currency); they answer exactly as
// cel-go does, errors included (&& and || absorb an error when the other
// side decides: false && error is false either way round), which
// FuzzClosuresMatchCEL checks against cel-go on generated rules and
// records. Explain still traces the cel-go program. On the peer benchmark
// (internal/peerbench, a realistic 20-tier ladder) a Classify costs about
// 2.3 times the same ladder written in Go, and cel-go with flat variables
// and expr-lang 5–7 times Classify.
//
// # Bounded evaluation
//
// A rule whose worst-case cost exceeds the limit is refused when it is
// compiled. The worst case is estimated for records within the Env's
// strata.Limits (WithLimits), the same limits Customer.ValidateWithin
// enforces, so for any record that passes validation the estimate is an
// upper bound of the work an evaluation does. Evaluation carries no
// run-time cost tracking (measured here at 1.8–4× the plain evaluation,
// BenchmarkRuntimeCostLimit); instead a rule with a comprehension is
// evaluated under the Activation's context, checked every few iterations,
// so a deadline or a cancellation stops it, and a record that was never
// validated cannot hold a rule for longer than its context allows. That
// costs about 0.3 µs per evaluation of such a rule, and only when the
// context can be cancelled; rules without comprehensions are bounded by
// their estimate and only check the context before they start. In a rule
// planned as closures the comprehensions are in cel-go's part, which runs
// under the context the same way; one stopped fails the whole evaluation,
// as it does in cel-go.
//
// Rules are parsed with cel-go's Pratt parser (the ANTLR parser reports
// syntax errors, so messages are cel-go's reference ones), and each rule is
// compiled, checked and cost-estimated on its own, so the parser's size
// limits apply per rule. FirstMatch and Each evaluate the conditions
// planned as closures one after another, and combine the others into
// programs of a bounded number of rules each, evaluated in turn.
//
// Caches are bounded: the program cache holds at most maxPrograms entries
// and the money-literal cache only the constant money("…", "…") literals
// of compiled rules, at most maxMoneyLiterals of them; a literal keeps its
// conversion into at most maxRatioEntries currencies. What an evaluation
// reads from a record (a Money field's amount, the customer's region) is
// cached in the Activation, for its binding only.
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
	"sync/atomic"
	"unsafe"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/parser"

	"github.com/strata-go/strata"
)

// DefaultCostLimit is the worst-case cost a rule may have unless WithCostLimit
// says otherwise. A comparison costs about 1; a loop over a customer's tags
// costs about 10 per tag at the most.
const DefaultCostLimit = 20_000

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
	limits    strata.Limits
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

// WithLimits sets the record limits worst-case costs are estimated for
// (zero fields take their defaults); records must pass
// Customer.ValidateWithin(limits) for the estimate to hold.
func WithLimits(limits strata.Limits) Option {
	return func(c *config) { c.limits = limits }
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
	pratt     *parser.Parser
	groups    *groups
	conv      strata.Converter
	costLimit uint64
	limits    strata.Limits  // after OrDefault
	extra     []string       // names of extra variables
	varTypes  []reflect.Type // their struct types, in the same order
	// fields locates "variable.field" string and integer fields for
	// fastFieldCompare.
	fields map[string]field
	// money caches the constant money literals of compiled rules, folded
	// when a program is planned: "amount\x00currency" -> ref.Val.
	money    sync.Map
	moneyN   atomic.Int64
	programs sync.Map // program cache: kind + "\x00" + source -> *compiled
	// groupSets holds the planned member sets of the groups rules name,
	// by the identity of the group's set: at most one per group.
	groupSets sync.Map
	// moneyIdx numbers the Money fields planned rules compare, for the
	// activations' amount caches (at most maxMoneyFields).
	moneyMu  sync.Mutex
	moneyIdx map[[2]uintptr]int
	programN atomic.Int64
}

// Cache bounds: beyond them entries are computed and not kept.
const (
	maxPrograms      = 4096
	maxMoneyLiterals = 4096
)

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
	e := &Env{groups: g, conv: Guard(cfg.conv), costLimit: cfg.costLimit, limits: cfg.limits.OrDefault(), fields: map[string]field{}}
	fieldsOf("customer", reflect.TypeFor[strata.Customer](), e.fields)
	for _, v := range cfg.vars {
		if err := e.declareVar(v); err != nil {
			return nil, err
		}
	}
	base, err := baseEnv(cfg.vars)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	// Only what depends on this Env (its converter, its groups) is
	// declared here; the rest is shared.
	env, err := base.Extend(append(append(e.moneyFunctions(), e.groupFunctions()...), e.moneyFields())...)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	e.cel = env
	if e.pratt, err = parser.NewParser(parser.EnablePrattParser(true), parser.Macros(env.Macros()...)); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return e, nil
}

// declareVar checks an extra variable and indexes its fields.
func (e *Env) declareVar(v variable) error {
	t := v.typ
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return fmt.Errorf("rules: variable %q: %v is not a struct type", v.name, v.typ)
	}
	if v.name == "customer" || v.name == "now" || v.name == "home" || slices.Contains(e.extra, v.name) {
		return fmt.Errorf("rules: variable %q is already declared", v.name)
	}
	fieldsOf(v.name, t, e.fields)
	e.extra = append(e.extra, v.name)
	e.varTypes = append(e.varTypes, t)
	return nil
}

// maxVars bounds the variables planned closures read in place: the
// customer and the first maxVars-1 extra variables. Rules reading any
// other variable are evaluated by cel-go.
const maxVars = 8

// varSlot returns the slot of an extra variable in Activation.ptr.
func (e *Env) varSlot(name string) (int, bool) {
	i := slices.Index(e.extra, name)
	if i < 0 || i+1 >= maxVars {
		return 0, false
	}
	return i + 1, true
}

// pointerTo returns v as a pointer to the struct type of slot k, when it
// is a non-nil pointer to that type.
func (e *Env) pointerTo(k int, v any) (unsafe.Pointer, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Type().Elem() != e.varTypes[k-1] {
		return nil, false
	}
	return rv.UnsafePointer(), true
}

// bases caches the part of an environment every Env with the same extra
// variables shares: types, libraries, macros, validators, variables and
// the functions that need no Env. Only this package declares variables
// (tiering and scoring none, routing lead and agent), so it holds a
// handful of entries.
var (
	basesMu sync.Mutex
	bases   = map[string]*cel.Env{}
)

func baseEnv(vars []variable) (*cel.Env, error) {
	var key strings.Builder
	for _, v := range vars {
		t := v.typ
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		fmt.Fprintf(&key, "%s:%s/%v;", v.name, t.PkgPath(), v.typ)
	}
	basesMu.Lock()
	defer basesMu.Unlock()
	if env, ok := bases[key.String()]; ok {
		return env, nil
	}
	env, err := cel.NewEnv(declarations(vars)...)
	if err != nil {
		return nil, err
	}
	bases[key.String()] = env
	return env, nil
}

// declarations returns the shared cel-go options of environments with the
// given (already checked) extra variables.
func declarations(vars []variable) []cel.EnvOption {
	nativeTypes := []any{reflect.TypeFor[strata.Customer]()}
	decls := []cel.EnvOption{
		cel.Variable("customer", CustomerType),
		cel.Variable("now", cel.TimestampType),
		cel.Variable("home", cel.StringType),
	}
	for _, v := range vars {
		t := v.typ
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		nativeTypes = append(nativeTypes, t)
		decls = append(decls, cel.Variable(v.name, cel.ObjectType(simplePkg(t.PkgPath())+"."+t.Name())))
	}
	nativeTypes = append(nativeTypes, ext.ParseStructTags(true))
	opts := []cel.EnvOption{
		ext.NativeTypes(nativeTypes...),
		ext.Strings(),
		cel.CrossTypeNumericComparisons(true),
		cel.Macros(cel.GlobalMacro("days_since", 1, daysSinceMacro)),
		// Literals that cannot work are compile errors with a position,
		// not evaluation failures.
		cel.ASTValidators(cel.ValidateDurationLiterals(), cel.ValidateTimestampLiterals(), cel.ValidateRegexLiterals()),
	}
	opts = append(opts, decls...)
	opts = append(opts, customerFunctions()...)
	return append(opts, timeAndAttrFunctions()...)
}

// CEL returns the underlying cel-go environment, for packages that need to
// declare further functions by extending it.
func (e *Env) CEL() *cel.Env { return e.cel }

// Converter returns the converter given to New, or nil.
func (e *Env) Converter() strata.Converter { return e.conv }

// Limits returns the record limits costs are estimated for.
func (e *Env) Limits() strata.Limits { return e.limits }

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
