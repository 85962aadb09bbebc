package review_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
)

func ExampleParseConfig() {
	cfg, err := review.ParseConfig([]byte("name: Q2\nsla: 4h\ncurrency: USD\n"))
	fmt.Println(cfg.Name, cfg.SLA, cfg.Currency, err)
	_, err = review.ParseConfig([]byte("name: Q2\nsla: 4h\n"))
	fmt.Println(err)
	// Output:
	// Q2 4h0m0s USD <nil>
	// 1:1: currency: required field missing
}

// Records from a host's export, one JSON object a line.
func ExampleReadRecords() {
	data := `{"item": "l-1", "customer": {"id": "c-1", "country": "DE"}, "lead": {"id": "l-1"}, "at": "2026-04-07T08:00:00Z", "agent": "anna", "pool": "domestic", "first_contact": "2026-04-07T08:40:00Z", "converted": true, "won": {"amount": "1200", "currency": "USD"}}
{"item": "l-2", "customer": {"id": "c-2", "country": "FR"}, "lead": {"id": "l-2"}, "at": "2026-04-07T09:00:00Z", "rule": "export", "pool": "export"}`
	for rec, err := range review.ReadRecords(strings.NewReader(data)) {
		fmt.Printf("%s %q %v %s %v\n", rec.Item, rec.Agent, rec.Converted, rec.Won, err)
	}
	// Output:
	// l-1 "anna" true 1200.00 USD <nil>
	// l-2 "" false 0 <nil>
}

// The review of a few decisions: time to first contact is business time
// in the rep's shift, so a lead received Thursday evening before Easter and
// called on Tuesday morning took two hours.
func ExampleReviewer_Review() {
	r, err := review.New(review.Config{Name: "April", Currency: "USD", SLA: strata.Duration(2 * time.Hour)}, smallTeam(),
		review.WithConverter(rates))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := r.Review(context.Background(), slices.Values(records()))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range rep.Agents {
		fmt.Printf("%-5s leads %d, converted %d, first contact median %v, SLA misses %d\n",
			a.Name, a.Assigned, a.Conversions, a.FirstContactMedian, a.SLAMisses)
	}
	fmt.Println("never fired:", rep.NeverFired, "idle pools:", rep.IdlePools, "unknown:", rep.Unknown)
	fmt.Println("Gini of assignments:", rep.GiniAssignments, "of won value:", rep.GiniWon)
	// Output:
	// anna  leads 2, converted 1, first contact median 30m0s, SLA misses 0
	// ben   leads 2, converted 0, first contact median 30m0s, SLA misses 1
	// cara  leads 1, converted 1, first contact median 5h0m0s, SLA misses 1
	// dora  leads 0, converted 0, first contact median 0s, SLA misses 0
	// zed   leads 1, converted 0, first contact median 1h0m0s, SLA misses 0
	// never fired: [big] idle pools: [spare] unknown: [rule old-rule agent zed]
	// Gini of assignments: 0.167 of won value: 0.5
}

// Would round robin in the domestic pool have spread April's leads more
// evenly? The replay routes the same requests through the proposal.
func ExampleReviewer_Replay() {
	team := smallTeam()
	var recs []review.Record
	for i := range 6 {
		id := fmt.Sprint("l", i)
		recs = append(recs, review.Record{Item: id, At: tue.Add(time.Duration(i) * time.Minute), Agent: "anna", Pool: "domestic",
			Customer: strata.Customer{ID: "c" + id, Country: "DE"}, Lead: routing.Lead{ID: id}})
	}
	r, _ := review.New(review.Config{Currency: "USD"}, team)
	c, err := r.Replay(context.Background(), team, slices.Values(recs))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("moved:", c.Moved, "same:", c.Same)
	for _, f := range c.Flows {
		fmt.Printf("%s → %s: %d\n", f.From, f.To, f.Count)
	}
	fmt.Println("Gini recorded", c.Recorded.GiniAssignments, "replayed", c.Proposed.GiniAssignments)
	// Output:
	// moved: 3 same: 3
	// anna → ben: 3
	// Gini recorded 0.667 replayed 0.333
}
