package routing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/timezone"
)

func exampleRouter() *routing.Router {
	on := func(zone, country string) *timezone.CalendarConfig {
		return &timezone.CalendarConfig{Zone: zone, Country: country}
	}
	cfg := routing.Config{
		Home: "CN",
		Agents: []routing.Agent{
			{ID: "anna", Languages: []string{"de", "en"}, Regions: []string{"EU"}, Products: []string{"textiles"},
				Skills: map[string]int{"textiles": 5}, Seniority: 4, Capacity: 20, Shift: on("Europe/Berlin", "DE"), Country: "DE"},
			{ID: "jonas", Languages: []string{"de", "en"}, Regions: []string{"EU"}, Seniority: 2, Capacity: 20,
				Shift: on("Europe/Berlin", "DE"), Country: "DE"},
			{ID: "li", Languages: []string{"zh", "en"}, Regions: []string{"CN"}, Seniority: 3, Capacity: 20,
				Shift: on("Asia/Shanghai", "CN"), Country: "CN"},
			{ID: "wang", Languages: []string{"zh", "en"}, Regions: []string{"CN"}, Seniority: 5, Capacity: 20,
				Shift: on("Asia/Shanghai", "CN"), Country: "CN"},
		},
		Pools: []routing.Pool{
			{Name: "europe-textiles", Members: []string{"anna"}, Strategy: routing.BestSkillFit,
				Skills: map[string]int{"textiles": 4}, RequireOnShift: true,
				Overflow: []routing.OverflowStep{{After: strata.Duration(2 * time.Hour), Pool: "europe"}}},
			{Name: "europe", Select: `agent.country == "DE"`, Strategy: routing.LeastLoaded, RequireOnShift: true},
			{Name: "china", Select: `agent.country == "CN"`, Strategy: routing.LeastLoaded, Sticky: true, RequireOnShift: true},
		},
		Rules: []routing.Rule{
			{Name: "europe-textiles", When: `in_group(customer, "EU") && lead.product == "textiles"`, Pool: "europe-textiles"},
			{Name: "europe", When: `in_group(customer, "EU")`, Pool: "europe"},
		},
		DefaultPool: "china",
	}
	r, err := routing.New(cfg, routing.NewMemoryStore())
	if err != nil {
		panic(err)
	}
	return r
}

func ExampleRouter_Route() {
	r := exampleRouter()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // 11:00 in Berlin
	d, err := r.Route(context.Background(), routing.Request{
		Customer: strata.Customer{ID: "C-7", Country: "DE", Subdivision: "DE-BY", Languages: []string{"de"}},
		Lead:     routing.Lead{ID: "L-1", Product: "textiles", Value: strata.MoneyOf(decimal.NewFromInt(40_000), "EUR")},
		Now:      now,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Why())
	// Output:
	// L-1 → anna (pool europe-textiles, rule europe-textiles): best skill fit: 10
}

func ExampleRouter_Route_sticky() {
	r := exampleRouter()
	now := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	c := strata.Customer{ID: "C-9", Country: "CN", Owner: "wang"}
	d, _ := r.Route(context.Background(), routing.Request{Customer: c, Lead: routing.Lead{ID: "L-2"}, Now: now})
	fmt.Println(d.Why())
	// Output:
	// L-2 → wang (pool china): the customer's owner, and eligible
	//   not examined: 1 members ranked behind
}

func ExampleRouter_Route_overflow() {
	r := exampleRouter()
	received := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	req := routing.Request{
		Customer: strata.Customer{ID: "C-3", Country: "FR", Languages: []string{"fr"}},
		Lead:     routing.Lead{ID: "L-3", Product: "textiles", ReceivedAt: received},
	}
	// Anna is fully booked.
	for i := range 20 {
		_, _ = r.Route(context.Background(), routing.Request{Item: fmt.Sprint("busy-", i),
			Customer: req.Customer, Lead: routing.Lead{Product: "textiles"}, Now: received})
	}
	req.Now = received.Add(30 * time.Minute)
	d, _ := r.Route(context.Background(), req)
	fmt.Println(d.Outcome, d.RetryAt.Format("15:04 MST"))
	req.Now = received.Add(2 * time.Hour)
	d, _ = r.Route(context.Background(), req)
	fmt.Println(d.Why())
	// Output:
	// deferred 10:00 UTC
	// L-3 → jonas (pool europe, rule europe-textiles): least loaded: 0 units held (overflow step 1)
	//   passed over (at_capacity): anna
	//   not examined: 1 members ranked behind
}

func ExampleRouter_Route_deferral() {
	r := exampleRouter()
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC) // 22:00 in Shanghai: everyone has gone home
	d, _ := r.Route(context.Background(), routing.Request{
		Customer: strata.Customer{ID: "C-5", Country: "CN", Subdivision: "CN-ZJ"},
		Lead:     routing.Lead{ID: "L-5"}, Now: now})
	fmt.Println(d.Outcome, "until", d.RetryAt.Format("Mon 15:04 MST"))
	fmt.Println(d.Why())
	// Output:
	// deferred until Wed 09:00 CST
	// L-5 deferred until 2026-11-25T09:00:00+08:00: nobody can take it now; an eligible agent or the next overflow step is available then
	//   passed over (off_shift): wang, li
}

// A store that is a Ranker keeps a pool's agents in line as work comes and
// goes; a Router reads the front of the line instead of every workload.
// Here the least loaded come first; among equals, the one assigned longer
// ago.
func ExampleMemoryStore_Rank() {
	ctx := context.Background()
	store := routing.NewMemoryStore()
	line, err := routing.NewRanking(routing.ByLoad, 0, []string{"ann", "bo", "cy"}, []int{5, 5, 5})
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i, agent := range []string{"ann", "bo", "ann", "cy"} {
		at = at.Add(time.Minute)
		if _, _, err := store.Reserve(ctx, routing.Reservation{Item: fmt.Sprint("L", i), Agent: agent, Units: 1, Capacity: 5, At: at}); err != nil {
			panic(err)
		}
	}
	front, err := store.Rank(ctx, line, 0, 3, nil)
	if err != nil {
		panic(err)
	}
	for _, r := range front {
		fmt.Printf("%s holds %d, last assigned %s\n", r.Agent, r.Load, r.Last.Format("15:04"))
	}
	// Output:
	// bo holds 1, last assigned 09:02
	// cy holds 1, last assigned 09:04
	// ann holds 2, last assigned 09:03
}
