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

func ExampleNew() {
	_, err := scoring.New(scoring.Config{Name: "bad", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
		Criteria: []scoring.Criterion{
			{Name: "domestic", Weight: 10, When: "customer.contry == home"},
			{Name: "engaged", Weight: 0, Measure: scoring.MeasureEngagement, Scale: &scoring.Scale{Kind: scoring.ScaleLog, To: 20}},
		},
		Grades: []scoring.GradeBand{{Grade: "A", Min: 50}}})
	for _, e := range strata.Problems(err) {
		fmt.Println(e)
	}
	// Output:
	// half_life: required by the engagement measure: how fast events fade (an event half_life old counts half)
	// criteria[0].when: rule "criterion bad/domestic" 1:10: undefined field 'contry'
	//     | customer.contry == home
	//     |          ^
	// criteria[1].weight: 0: want a positive number of points, at most 1e+06
	// grades[0].min: the last band must start at 0 so every score has a grade
}

func ExampleParseConfig() {
	_, err := scoring.ParseConfig([]byte(`
name: value
target: value
home: CN
currency: CNY
criteria:
  - name: revenue
    wieght: 35
    measure: revenue
grades: [{grade: A, min: 0}]
`))
	fmt.Println(err)
	// Output:
	// 8:5: criteria[0].wieght: unknown field (did you mean "weight"?)
	// 7:5: criteria[0].weight: required field missing
}

func ExampleEngine_Score() {
	e, err := scoring.New(scoring.Config{Name: "fit", Target: scoring.TargetValue, Home: "CN", Currency: "CNY",
		Criteria: []scoring.Criterion{
			{Name: "textiles", Weight: 0.7, When: `customer.industry == "textiles"`},
			{Name: "repeat", Weight: 0.1, When: "customer.orders > 1"},
			{Name: "big", Weight: 0.2, When: `customer.revenue >= money("1000000", "CNY")`},
		},
		Grades: []scoring.GradeBand{{Grade: "A", Min: 80}, {Grade: "B", Min: 0}}})
	if err != nil {
		panic(err)
	}
	c := strata.Customer{ID: "C-9", Country: "CN", Industry: "textiles", Orders: 3}
	r, err := e.Score(context.Background(), &c, nil, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	// 0.7 + 0.1 of 1.0: exactly 80, so an A (in float64 it is 79.99999999999999).
	fmt.Println(r.Score, r.Grade)
	// Output:
	// 80 A
}

func ExampleResult_Apply() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	value := scoring.Result{Card: "value", Target: scoring.TargetValue, Score: 81, Grade: strata.GradeA, At: now}
	potential := scoring.Result{Card: "potential", Target: scoring.TargetPotential, Score: 30, Grade: strata.GradeC, At: now}
	customer := strata.Customer{ID: "C-1", Country: "CN", Orders: 4}
	lead := strata.Customer{ID: "L-1", Country: "DE"}
	for _, c := range []*strata.Customer{&customer, &lead} {
		for _, r := range []scoring.Result{value, potential} {
			if err := r.Apply(c); err != nil {
				panic(err)
			}
		}
		fmt.Println(c.ID, c.Scores.Value, c.Scores.Potential, c.Scores.Grade)
	}
	// Output:
	// C-1 81 30 A
	// L-1 81 30 C
}

func ExamplePurchaseStage() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	c := strata.Customer{ID: "C-5", Country: "US", Orders: 7, FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(-2, 0, 0)}
	stage, err := scoring.PurchaseStage(&c, now, 365*24*time.Hour)
	fmt.Println(stage, err)
	// Output:
	// churned <nil>
}

func ExampleEngagement() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	events := []scoring.Event{
		{Kind: scoring.EventInquiry, At: now, Weight: 4},
		{Kind: scoring.EventVisit, At: now.AddDate(0, 0, -30), Weight: 4}, // one half-life ago
	}
	fmt.Println(scoring.Engagement(events, now, 30*24*time.Hour))
	// Output:
	// 6
}
