package routing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// A host that accepts customers with up to 1,000 tags says so with
// WithLimits: a rule looping over the tags is then refused at New if its
// worst case, over such customers, is beyond the cost limit. Route runs
// rules under its context, so a deadline stops a rule over a record past
// any limit.
func ExampleWithLimits() {
	cfg := routing.Config{
		Home:        "CN",
		Agents:      []routing.Agent{{ID: "li", Capacity: 5, Seniority: 3}},
		Pools:       []routing.Pool{{Name: "all", Members: []string{"li"}, Strategy: routing.LeastLoaded}},
		Rules:       []routing.Rule{{Name: "tagged", When: `customer.tags.all(t, t != customer.city)`, Pool: "all"}},
		DefaultPool: "all",
	}
	_, err := routing.New(cfg, routing.NewMemoryStore())
	fmt.Println("default limits:", err)
	_, err = routing.New(cfg, routing.NewMemoryStore(), routing.WithLimits(strata.Limits{Tags: 1000}))
	fmt.Println("1,000 tags:", strings.Contains(err.Error(), "worst-case cost"))

	cfg.Rules[0].When = `customer.tags.filter(a, a in customer.tags).size() == 0`
	r, err := routing.New(cfg, routing.NewMemoryStore())
	if err != nil {
		fmt.Println(err)
		return
	}
	huge := make([]string, 100_000) // far past the limits: Validate refuses it
	for i := range huge {
		huge[i] = fmt.Sprint("t", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = r.Route(ctx, routing.Request{Customer: strata.Customer{ID: "c1", Country: "DE", Tags: huge},
		Lead: routing.Lead{ID: "l1"}, Now: time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)})
	fmt.Println("stopped:", errors.Is(err, context.DeadlineExceeded))
	// Output:
	// default limits: <nil>
	// 1,000 tags: true
	// stopped: true
}
