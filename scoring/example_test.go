package scoring_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/scoring"
)

func ExampleStarterValueConfig() {
	e, err := scoring.New(scoring.StarterValueConfig("CN", "CNY"))
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	c := strata.Customer{ID: "C-001", Country: "CN", Orders: 26,
		Revenue:      strata.MoneyOf(decimal.NewFromInt(5_600_000), "CNY"),
		Profit:       strata.MoneyOf(decimal.NewFromInt(700_000), "CNY"),
		FirstOrderAt: now.AddDate(-4, 0, 0), LastOrderAt: now.AddDate(0, 0, -45)}
	r, err := e.Score(context.Background(), &c, nil, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Why())
	// Output:
	// value score 77.8 → grade A
	//   revenue           28.0 / 36.8  (raw 5600000)
	//   frequency         16.9 / 21.1  (raw 26)
	//   recency           15.8 / 21.1  (raw 45)
	//   tenure            10.5 / 10.5  (raw 1461)
	//   profit_margin      6.6 / 15.8  (raw 0.125)
}

func ExampleStarterPotentialConfig() {
	e, err := scoring.New(scoring.StarterPotentialConfig("CN", "USD"))
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	lead := strata.Customer{ID: "L-77", Country: "VN",
		Attrs: map[string]any{"employees": 800.0, "inquiry_score": 0.9}}
	events := []scoring.Event{
		{Kind: scoring.EventVisit, At: now.AddDate(0, 0, -2), Weight: 1},
		{Kind: scoring.EventInquiry, At: now.AddDate(0, 0, -1), Weight: 5},
		{Kind: scoring.EventMessageSent, At: now.AddDate(0, 0, -1)},
		{Kind: scoring.EventReply, At: now, Weight: 3},
	}
	r, err := e.Score(context.Background(), &lead, events, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Why())
	// Output:
	// potential score 62.8 → grade B
	//   engagement        22.5 / 30.0  (raw 8.84)
	//   responsiveness    15.0 / 15.0  (raw 1)
	//   inquiry_quality   13.5 / 15.0  (raw 0.9)
	//   company_size      11.8 / 15.0  (raw 800)
	//   growth             0.0 / 25.0  (no data)
}

func ExampleRFM() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	buyer := func(id string, orders, daysSinceLast int, revenue int64) strata.Customer {
		return strata.Customer{ID: id, Country: "CN", Orders: orders,
			Revenue:      strata.MoneyOf(decimal.NewFromInt(revenue), "CNY"),
			FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(0, 0, -daysSinceLast)}
	}
	book := []strata.Customer{
		buyer("A", 40, 3, 9_000_000), buyer("B", 30, 200, 4_000_000), buyer("C", 2, 10, 90_000),
		buyer("D", 1, 600, 20_000), buyer("E", 12, 40, 800_000), {ID: "F", Country: "DE"},
	}
	rep, err := scoring.RFM(context.Background(), slices.Values(book), now)
	if err != nil {
		panic(err)
	}
	for _, s := range rep.Scores {
		fmt.Printf("%s R%d F%d M%d %-18s %s\n", s.CustomerID, s.R, s.F, s.M, s.Segment, s.Stage)
	}
	// Output:
	// A R5 F5 M5 champions          repeat
	// B R2 F4 M4 at_risk            repeat
	// C R4 F2 M2 potential_loyalist repeat
	// D R1 F1 M1 lost               churned
	// E R3 F3 M3 need_attention     repeat
	// F R0 F0 M0 prospect           prospect
}
