package peerbench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// Engine gives a customer its tier on the ladder, as an index into Ladder.
// An Engine is not safe for concurrent use.
type Engine interface {
	Name() string
	Tier(c *strata.Customer) (int, error)
}

// Engines returns the four engines, Strata first, classifying at Now.
func Engines() ([]Engine, error) {
	if err := check(Ladder()); err != nil {
		return nil, err
	}
	s, err := NewStrata()
	if err != nil {
		return nil, err
	}
	c, err := newCEL()
	if err != nil {
		return nil, err
	}
	x, err := newExpr()
	if err != nil {
		return nil, err
	}
	return []Engine{s, c, x, newHand()}, nil
}

// StrataEngine is tiering.Engine.Classify on the ladder.
type StrataEngine struct {
	Engine *tiering.Engine
	idx    map[string]int
}

// NewStrata compiles the ladder with Strata, comparing money through Rates.
func NewStrata() (*StrataEngine, error) {
	e, err := tiering.New(TieringConfig(), tiering.WithConverter(Rates))
	if err != nil {
		return nil, err
	}
	return &StrataEngine{Engine: e, idx: tierIndex()}, nil
}

// Name implements Engine.
func (*StrataEngine) Name() string { return "strata" }

// Tier implements Engine.
func (s *StrataEngine) Tier(c *strata.Customer) (int, error) {
	p, err := s.Engine.Classify(context.Background(), c, Now)
	if err != nil {
		return 0, err
	}
	return s.idx[p.Tier()], nil
}

// celEngine is cel-go over flat typed variables, one program per rule,
// evaluated in order, with an activation reused across customers whose
// variables are set from each record.
type celEngine struct {
	progs []cel.Program
	act   celVars
}

// celVars are the flat variables of one customer.
type celVars struct {
	home, now, country, subdivision, tags, revenue, orders, lastOrder, firstOrder ref.Val
}

func (v *celVars) ResolveName(name string) (any, bool) {
	switch name {
	case "home":
		return v.home, true
	case "now":
		return v.now, true
	case "country":
		return v.country, true
	case "subdivision":
		return v.subdivision, true
	case "tags":
		return v.tags, true
	case "revenue_cny":
		return v.revenue, true
	case "orders":
		return v.orders, true
	case "last_order_at":
		return v.lastOrder, true
	case "first_order_at":
		return v.firstOrder, true
	}
	return nil, false
}

func (v *celVars) Parent() interpreter.Activation { return nil }

func newCEL() (*celEngine, error) {
	env, err := cel.NewEnv(
		cel.Variable("home", cel.StringType), cel.Variable("now", cel.TimestampType),
		cel.Variable("country", cel.StringType), cel.Variable("subdivision", cel.StringType),
		cel.Variable("tags", cel.ListType(cel.StringType)), cel.Variable("revenue_cny", cel.DoubleType),
		cel.Variable("orders", cel.IntType),
		cel.Variable("last_order_at", cel.TimestampType), cel.Variable("first_order_at", cel.TimestampType))
	if err != nil {
		return nil, err
	}
	e := &celEngine{act: celVars{home: types.String(Home), now: types.Timestamp{Time: Now}}}
	for _, t := range Ladder() {
		if t.CEL == "" {
			break
		}
		checked, iss := env.Compile(t.CEL)
		if iss.Err() != nil {
			return nil, fmt.Errorf("cel-go: tier %s: %w", t.Name, iss.Err())
		}
		prg, err := env.Program(checked, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			return nil, err
		}
		e.progs = append(e.progs, prg)
	}
	return e, nil
}

func (*celEngine) Name() string { return "cel-go" }

func (e *celEngine) Tier(c *strata.Customer) (int, error) {
	v := &e.act
	v.country, v.subdivision = types.String(c.Country), types.String(c.Subdivision)
	v.tags = types.NewStringList(types.DefaultTypeAdapter, c.Tags)
	v.revenue, v.orders = types.Double(revenueCNY(c)), types.Int(c.Orders)
	v.lastOrder, v.firstOrder = types.Timestamp{Time: c.LastOrderAt}, types.Timestamp{Time: c.FirstOrderAt}
	for i, p := range e.progs {
		out, _, err := p.Eval(v)
		if err != nil {
			return 0, err
		}
		if out == types.True {
			return i, nil
		}
	}
	return len(e.progs), nil
}

// exprEnv is expr-lang's environment: the record's fields a rule reads.
type exprEnv struct {
	Home, Country, Subdivision string
	Tags                       []string
	RevenueCNY                 float64
	Orders                     int
	Now, LastOrderAt           time.Time
	FirstOrderAt               time.Time
}

// exprEngine is expr-lang with a struct environment, one program per
// rule, evaluated in order on a reused VM.
type exprEngine struct {
	progs []*vm.Program
	vm    vm.VM
	env   exprEnv
}

func newExpr() (*exprEngine, error) {
	e := &exprEngine{env: exprEnv{Home: Home, Now: Now}}
	for _, t := range Ladder() {
		if t.Expr == "" {
			break
		}
		prg, err := expr.Compile(t.Expr, expr.Env(exprEnv{}), expr.AsBool())
		if err != nil {
			return nil, fmt.Errorf("expr: tier %s: %w", t.Name, err)
		}
		e.progs = append(e.progs, prg)
	}
	return e, nil
}

func (*exprEngine) Name() string { return "expr" }

func (e *exprEngine) Tier(c *strata.Customer) (int, error) {
	env := &e.env
	env.Country, env.Subdivision, env.Tags = c.Country, c.Subdivision, c.Tags
	env.RevenueCNY, env.Orders = revenueCNY(c), c.Orders
	env.LastOrderAt, env.FirstOrderAt = c.LastOrderAt, c.FirstOrderAt
	for i, p := range e.progs {
		out, err := e.vm.Run(p, env)
		if err != nil {
			return 0, err
		}
		if out == true {
			return i, nil
		}
	}
	return len(e.progs), nil
}

// handEngine is the ladder written in Go: the groups in maps, revenue in
// quarter yuan (USD × 29, CNY × 4: exact at 7.25), days as durations.
type handEngine struct {
	eu, northAmerica, asean, middleEast, latinAmerica, east, south map[string]bool
}

func set(codes []string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

func newHand() *handEngine {
	return &handEngine{eu: set(euList), northAmerica: set(northAmericaList), asean: set(aseanList),
		middleEast: set(middleEastList), latinAmerica: set(latinAmericaList), east: set(eastChinaList), south: set(southChinaList)}
}

func (*handEngine) Name() string { return "hand-written" }

const day = 24 * time.Hour

// quarterYuan is a revenue in quarter yuan: the book's amounts are whole
// units of CNY or USD.
func quarterYuan(c *strata.Customer) int64 {
	n := c.Revenue.Amount.IntPart()
	if c.Revenue.Currency == "USD" {
		return n * 29
	}
	return n * 4
}

func (h *handEngine) Tier(c *strata.Customer) (int, error) {
	const q = 4 // quarter yuan per yuan
	home, rev := c.Country == Home, quarterYuan(c)
	last, first := Now.Sub(c.LastOrderAt), Now.Sub(c.FirstOrderAt)
	switch {
	case slices.Contains(c.Tags, "blacklist"):
		return 0, nil
	case h.eu[c.Country] && rev >= 14_500_000*q && last < 181*day:
		return 1, nil
	case h.northAmerica[c.Country] && rev >= 14_500_000*q && last < 181*day:
		return 2, nil
	case home && rev >= 15_000_000*q && last < 91*day:
		return 3, nil
	case h.east[c.Subdivision] && rev >= 5_000_000*q:
		return 4, nil
	case h.south[c.Subdivision] && rev >= 5_000_000*q:
		return 5, nil
	case !home && slices.Contains(c.Tags, "distributor") && rev >= 3_625_000*q:
		return 6, nil
	case h.asean[c.Country] && rev >= 3_000_000*q:
		return 7, nil
	case h.middleEast[c.Country] && rev >= 3_000_000*q:
		return 8, nil
	case h.eu[c.Country] && rev >= 1_450_000*q && last < 366*day:
		return 9, nil
	case h.latinAmerica[c.Country] && rev >= 1_450_000*q:
		return 10, nil
	case home && rev >= 1_000_000*q && c.Orders >= 6:
		return 11, nil
	case slices.Contains(c.Tags, "oem") && c.Orders >= 3:
		return 12, nil
	case !home && last >= 366*day && rev >= 725_000*q:
		return 13, nil
	case home && last >= 181*day && rev >= 500_000*q:
		return 14, nil
	case !home && c.Orders >= 2:
		return 15, nil
	case home && c.Orders >= 2:
		return 16, nil
	case first < 91*day:
		return 17, nil
	case last >= 731*day:
		return 18, nil
	}
	return 19, nil
}
