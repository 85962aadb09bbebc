package tiering_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// A customer moves up a ladder and into a segment since the state stored
// after the previous run; a book imported for the first time uses Baseline
// and reports nothing.
func ExampleEngine_Transitions() {
	ctx := context.Background()
	e, _ := tiering.New(tiering.StarterConfig("CN"))
	c := strata.Customer{ID: "c-7", Country: "CN", Subdivision: "CN-ZJ", Orders: 9,
		Revenue:      strata.MoneyOf(decimal.NewFromInt(1_200_000), "CNY"),
		FirstOrderAt: exampleNow.AddDate(-2, 0, 0), LastOrderAt: exampleNow.AddDate(0, 0, -3)}
	prev := tiering.State{Tiers: map[string]string{"value": "regular"}, Segments: []string{"east-china"}}

	p, _ := e.Classify(ctx, &c, exampleNow)
	ts, _ := e.Transitions(p, prev, exampleNow, tiering.Track)
	for _, t := range ts {
		fmt.Println(t)
	}
	imported, _ := e.Transitions(p, e.StateOf(&c), exampleNow, tiering.Baseline)
	fmt.Println(len(imported), p.State())
	// Output:
	// value: regular → key (up, matched)
	// segment domestic-high-value: entered
	// 0 {map[value:key] [domestic-high-value east-china]}
}

// A weekly follow-up for a customer in São Paulo owned by a rep in
// Shanghai: the two never share working hours, so the team in New York
// takes the call, in São Paulo's working hours.
func ExampleScheduler_Next() {
	e, _ := tiering.New(tiering.StarterConfig("CN"))
	cfg, _ := tiering.ParseScheduleConfig([]byte(`
owners:
  rep-zhang: {zone: Asia/Shanghai, country: CN}
teams:
  - name: new-york
    calendar: {zone: America/New_York, country: US, subdivision: US-NY}
`))
	s, err := tiering.NewScheduler(e, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := strata.Customer{ID: "c-88", Country: "BR", Subdivision: "BR-SP", Tier: "vip", Owner: "rep-zhang"}
	lastCall := time.Date(2026, 11, 13, 17, 30, 0, 0, time.UTC) // a Friday, 14:30 in São Paulo
	f, err := s.Next(&c, lastCall, exampleNow)
	fmt.Println(f.Due.Format("Mon 2 Jan 15:04 MST"), err)
	fmt.Println(f.Slot.Start.Format("Mon 2 Jan 15:04"), "–", f.Slot.End.Format("15:04 MST"), f.By, f.Team, f.Overdue)
	// Output:
	// Fri 20 Nov 14:30 -03 <nil>
	// Mon 23 Nov 11:00 – 18:00 -03 team new-york 2
}

// The day's call list: who is due or overdue, with the slot. 23 November
// is Labour Thanksgiving Day in Japan, so Tokyo is called on Tuesday.
func ExampleScheduler_Calls() {
	e, _ := tiering.New(tiering.StarterConfig("CN"))
	s, _ := tiering.NewScheduler(e, tiering.ScheduleConfig{})
	today := time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC) // Monday
	book := []tiering.LastContact{
		{Customer: strata.Customer{ID: "c-1", Country: "CN", Tier: "vip"}, At: today.AddDate(0, 0, -7)},
		{Customer: strata.Customer{ID: "c-2", Country: "DE", Tier: "key"}, At: today.AddDate(0, 0, -10)},
		{Customer: strata.Customer{ID: "c-3", Country: "JP", Tier: "regular"}, At: today.AddDate(0, -4, 0)},
	}
	for f, err := range s.Calls(context.Background(), slices.Values(book), today) {
		if err != nil {
			fmt.Println(f.CustomerID, err)
			continue
		}
		fmt.Println(f.CustomerID, f.Cadence, "overdue", f.Overdue, "days; call", f.Slot.Start.Format("Mon 15:04 MST"))
	}
	// Output:
	// c-1 weekly overdue 0 days; call Mon 09:00 CST
	// c-3 quarterly overdue 31 days; call Tue 09:00 JST
}
