package tiering_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

var exampleNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func ExampleNew() {
	cfg := tiering.Config{
		Home: "CN",
		Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
			{Name: "vip", When: `customer.revenue >= money("5000000", "CNY")`, FollowUp: tiering.CadenceWeekly},
			{Name: "key", When: `customer.revenue >= money("8000000", "CNY")`, FollowUp: tiering.CadenceMonthly}, // never reached
			{Name: "regular", When: `customer.revnue >= money("300000", "CNY")`},
		}}},
	}
	_, err := tiering.New(cfg)
	for _, e := range strata.Problems(err) {
		var re *strata.RuleError
		if errors.As(e, &re) {
			fmt.Printf("%s: %s %d:%d: %s\n", re.Path, re.Rule, re.Line, re.Column, re.Msg)
		} else {
			fmt.Println(e)
		}
	}
	// Output:
	// ladders[0].tiers[2].when: tier value/regular 1:10: undefined field 'revnue'
	// ladders[0].tiers[2].when: ladder "value" has no default: its last tier "regular" has a rule, so some customers would get no tier
	// ladders[0].tiers[2].follow_up: required on the primary ladder: daily, weekly, biweekly, monthly, quarterly, yearly or none
	// ladders[0].tiers[1]: tier "key" can never be reached: every customer it matches is taken first by tier "vip"
}

func ExampleParseConfig() {
	cfg, err := tiering.ParseConfig([]byte(`
home: CN
ladders:
  - name: value
    tiers:
      - name: vip
        when: customer.revenue >= money("5000000", "CNY")
        folow_up: weekly
      - name: regular
        follow_up: quarterly
`))
	fmt.Println(err)
	cfg, err = tiering.ParseConfig([]byte(`{"home": "CN", "ladders": [{"name": "value", "tiers": [{"name": "all", "follow_up": "none"}]}]}`))
	fmt.Println(cfg.Ladders[0].Tiers[0].Name, err)
	// Output:
	// 8:9: ladders[0].tiers[0].folow_up: unknown field (did you mean "follow_up"?)
	// all <nil>
}

func ExampleStarterConfig() {
	cfg := tiering.StarterConfig("CN")
	for _, t := range cfg.Ladders[0].Tiers {
		fmt.Println(t.Name, t.OwnerRole, t.FollowUp)
	}
	fmt.Println(len(cfg.Segments), "segments")
	// Output:
	// vip sales-director weekly
	// key account-manager monthly
	// regular sales-rep quarterly
	// potential marketing-specialist monthly
	// basic sales-rep quarterly
	// 14 segments
}

func ExampleEngine_Classify() {
	e, err := tiering.New(tiering.StarterConfig("CN"))
	if err != nil {
		panic(err)
	}
	c := strata.Customer{
		ID: "C-001", Country: "CN", Subdivision: "CN-ZJ", Industry: "manufacturing",
		Revenue: strata.MoneyOf(decimal.NewFromInt(4_600_000), "CNY"), Orders: 18,
		FirstOrderAt: exampleNow.AddDate(-3, 0, 0), LastOrderAt: exampleNow.AddDate(0, -4, 0),
		// Last night it was a VIP; revenue has dipped just below the line.
		Tier: "vip", TierSince: exampleNow.AddDate(-1, 0, 0),
	}
	p, err := e.Classify(context.Background(), &c, exampleNow)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Tier(), p.Tiers[0].OwnerRole, p.NextFollowUp.Format(time.DateOnly))
	fmt.Println(p.Why())
	// Output:
	// vip sales-director 2026-11-29
	// value: vip — the rules alone give key, but the stay rule customer.country == home && customer.revenue >= money("4000000", "CNY") || customer.country != home && customer.revenue >= money("1600000", "USD") holds
	// segments: domestic-high-value, east-china, manufacturing, needs-follow-up
}

func ExamplePlacement_Apply() {
	e, err := tiering.New(tiering.StarterConfig("CN"))
	if err != nil {
		panic(err)
	}
	c := strata.Customer{ID: "C-002", Country: "CN", Subdivision: "CN-GD", Revenue: strata.MoneyOf(decimal.NewFromInt(1_200_000), "CNY"), Orders: 3,
		FirstOrderAt: exampleNow.AddDate(-1, 0, 0), LastOrderAt: exampleNow.AddDate(0, 0, -10)}
	p, err := e.Classify(context.Background(), &c, exampleNow)
	if err != nil {
		panic(err)
	}
	if err := p.Apply(&c); err != nil {
		panic(err)
	}
	fmt.Println(c.Tier, c.TierSince.Format(time.DateOnly), c.Segments)
	// Output:
	// key 2026-11-22 [domestic-high-value south-china]
}

func ExampleEngine_Explain() {
	e, err := tiering.New(tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
		{Name: "vip", When: `customer.revenue >= money("5000000", "CNY") && customer.orders >= 12`, FollowUp: tiering.CadenceWeekly},
		{Name: "regular", FollowUp: tiering.CadenceQuarterly},
	}}}})
	if err != nil {
		panic(err)
	}
	c := strata.Customer{ID: "C-003", Country: "CN", Revenue: strata.MoneyOf(decimal.NewFromInt(6_000_000), "CNY"), Orders: 9}
	ex, err := e.Explain(context.Background(), &c, exampleNow)
	if err != nil {
		panic(err)
	}
	for _, r := range ex.Rules {
		fmt.Println(r.Rule, r.Matched)
		for _, s := range r.Steps {
			fmt.Printf("  %s = %s\n", s.Expr, s.Value)
		}
	}
	// Output:
	// tier value/vip false
	//   customer.revenue = 6000000.00 CNY
	//   money("5000000", "CNY") = 5000000.00 CNY
	//   customer.revenue >= money("5000000", "CNY") = true
	//   customer.orders = 9
	//   customer.orders >= 12 = false
	//   customer.revenue >= money("5000000", "CNY") && customer.orders >= 12 = false
}

func ExampleEngine_ClassifyAll() {
	e, err := tiering.New(tiering.StarterConfig("CN"))
	if err != nil {
		panic(err)
	}
	book := []strata.Customer{
		{ID: "C-1", Country: "CN", Revenue: strata.MoneyOf(decimal.NewFromInt(6_000_000), "CNY"), Orders: 20},
		{ID: "C-2", Country: "US", Revenue: strata.MoneyOf(decimal.NewFromInt(600_000), "USD"), Orders: 4},
		{ID: "C-3", Country: "DE"},
	}
	for p, err := range e.ClassifyAll(context.Background(), slices.Values(book), exampleNow) {
		if err != nil {
			panic(err)
		}
		fmt.Println(p.CustomerID, p.Tier())
	}
	// Output:
	// C-1 vip
	// C-2 key
	// C-3 potential
}

func ExampleEngine_Summarize() {
	e, err := tiering.New(tiering.StarterConfig("CN"))
	if err != nil {
		panic(err)
	}
	book := []strata.Customer{
		{ID: "C-1", Country: "CN", Revenue: strata.MoneyOf(decimal.NewFromInt(6_000_000), "CNY"), Orders: 20},
		{ID: "C-2", Country: "CN", Revenue: strata.MoneyOf(decimal.NewFromInt(5_500_000), "CNY"), Orders: 12},
		{ID: "C-3", Country: "CN"},
	}
	s, err := e.Summarize(context.Background(), slices.Values(book), exampleNow, "CNY")
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Total, s.Tiers["value"]["vip"], s.Revenue["value"]["vip"])
	// Output:
	// 3 2 11500000.00 CNY
}

func ExampleEngine_Impact() {
	ladder := func(keyLine string) tiering.Config {
		return tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
			{Name: "vip", When: `customer.revenue >= money("5000000", "CNY")`, FollowUp: tiering.CadenceWeekly},
			{Name: "key", When: `customer.revenue >= money("` + keyLine + `", "CNY")`, FollowUp: tiering.CadenceMonthly},
			{Name: "regular", FollowUp: tiering.CadenceQuarterly},
		}}}}
	}
	old, err := tiering.New(ladder("1000000"))
	if err != nil {
		panic(err)
	}
	proposed, err := tiering.New(ladder("1500000")) // raise the key-account line
	if err != nil {
		panic(err)
	}
	var book []strata.Customer
	for i, rev := range []int64{7_000_000, 1_200_000, 1_400_000, 2_000_000, 900_000} {
		book = append(book, strata.Customer{ID: fmt.Sprintf("C-%d", i+1), Country: "CN",
			Revenue: strata.MoneyOf(decimal.NewFromInt(rev), "CNY")})
	}
	rep, err := old.Impact(context.Background(), proposed, slices.Values(book), exampleNow)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d of %d customers change tier\n", rep.Moved, rep.Total)
	for _, m := range rep.Movements {
		if m.From != m.To {
			fmt.Printf("%s → %s: %d %v\n", m.From, m.To, m.Count, m.Samples)
		}
	}
	// Output:
	// 2 of 5 customers change tier
	// key → regular: 2 [C-2 C-3]
}

func ExampleWithObserver() {
	observe := func(_ context.Context, ev strata.Event) {
		stats := ev.Detail.(*tiering.BatchStats)
		fmt.Println(ev.Package, ev.Op, ev.Outcome, stats.Customers, stats.Failed)
	}
	e, err := tiering.New(tiering.StarterConfig("CN"), tiering.WithObserver(observe))
	if err != nil {
		panic(err)
	}
	book := []strata.Customer{{ID: "C-1", Country: "CN"}, {ID: "C-2", Country: "DE", Revenue: strata.MoneyOf(decimal.NewFromInt(1), "EUR"), Orders: 1}}
	for _, err := range e.ClassifyAll(context.Background(), slices.Values(book), exampleNow) {
		if err != nil {
			fmt.Println(errors.Is(err, strata.ErrCurrencyMismatch))
		}
	}
	// Output:
	// true
	// tiering classify_all error 2 1
}
