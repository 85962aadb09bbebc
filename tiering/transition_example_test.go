package tiering_test

import (
	"context"
	"fmt"

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
