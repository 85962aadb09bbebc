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

func ExampleNew() {
	cfg := tiering.Config{
		Home: "CN",
		Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
			{Name: "vip", When: `customer.revenue >= money("5000000", "CNY")`},
			{Name: "key", When: `customer.revenue >= money("8000000", "CNY")`}, // never reached
			{Name: "regular", When: `customer.revnue >= money("300000", "CNY")`},
		}}},
	}
	_, err := tiering.New(cfg)
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var re *strata.RuleError
		if errors.As(e, &re) {
			fmt.Printf("%s %d:%d: %s\n", re.Rule, re.Line, re.Column, re.Msg)
		} else {
			fmt.Println(e)
		}
	}
	// Output:
	// tier value/regular 1:10: undefined field 'revnue'
	// ladders[0].tiers[2].when: ladder "value" has no default: its last tier "regular" has a rule, so some customers would get no tier
	// ladders[0].tiers[1]: tier "key" can never be reached: every customer it matches is taken first by tier "vip"
}

func ExampleEngine_Classify() {
	e, err := tiering.New(tiering.StarterConfig("CN"))
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	c := strata.Customer{
		ID: "C-001", Country: "CN", Subdivision: "CN-ZJ", Industry: "manufacturing",
		Revenue: strata.MoneyOf(decimal.NewFromInt(4_600_000), "CNY"), Orders: 18,
		FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(0, -4, 0),
		// Last night it was a VIP; revenue has dipped just below the line.
		Tier: "vip", TierSince: now.AddDate(-1, 0, 0),
	}
	p, err := e.Classify(c, now)
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

func ExampleImpact() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	ladder := func(keyLine string) tiering.Config {
		return tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
			{Name: "vip", When: `customer.revenue >= money("5000000", "CNY")`},
			{Name: "key", When: `customer.revenue >= money("` + keyLine + `", "CNY")`},
			{Name: "regular"},
		}}}}
	}
	old, _ := tiering.New(ladder("1000000"))
	proposed, _ := tiering.New(ladder("1500000")) // raise the key-account line
	var book []strata.Customer
	for i, rev := range []int64{7_000_000, 1_200_000, 1_400_000, 2_000_000, 900_000} {
		book = append(book, strata.Customer{ID: fmt.Sprintf("C-%d", i+1), Country: "CN",
			Revenue: strata.MoneyOf(decimal.NewFromInt(rev), "CNY")})
	}
	rep, err := tiering.Impact(context.Background(), old, proposed, slices.Values(book), now)
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
