package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/pgstore"
)

// dropSchema removes an example's schema, so that each run starts afresh.
func dropSchema(ctx context.Context, name string) {
	pool, err := pgxpool.New(ctx, os.Getenv("STRATA_PG_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
		log.Fatal(err)
	}
}

// A Router on a PostgreSQL store. Several processes doing the same share
// the workloads: none pushes an agent past capacity.
func Example() {
	ctx := context.Background()
	dropSchema(ctx, "example_routing")
	defer dropSchema(ctx, "example_routing")

	store, err := pgstore.Open(ctx, os.Getenv("STRATA_PG_DSN"), pgstore.WithSchema("example_routing"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	router, err := routing.New(routing.Config{
		Home: "CN", DefaultPool: "sales",
		Agents: []routing.Agent{{ID: "li", Capacity: 1}, {ID: "wang", Capacity: 1}},
		Pools:  []routing.Pool{{Name: "sales", Strategy: routing.LeastLoaded, Members: []string{"li", "wang"}}},
	}, store)
	if err != nil {
		log.Fatal(err)
	}
	defer router.Close(ctx)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, lead := range []string{"L1", "L2", "L3", "L1"} {
		d, err := router.Route(ctx, routing.Request{Item: lead, Customer: strata.Customer{ID: "C-" + lead, Country: "CN"}, Now: now})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(lead, d.Outcome, d.Agent, d.Replayed) // equal loads: the tie key decides, as on any store
	}
	// Output:
	// L1 assigned wang false
	// L2 assigned li false
	// L3 unassigned  false
	// L1 assigned wang true
}

// New works on the host's own pool, which stays open after Close.
func ExampleNew() {
	ctx := context.Background()
	dropSchema(ctx, "example_new")
	defer dropSchema(ctx, "example_new")

	pool, err := pgxpool.New(ctx, os.Getenv("STRATA_PG_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(ctx, pool, pgstore.WithSchema("example_new"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close() // leaves pool open
	at := time.Date(2026, 11, 23, 9, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	a, created, err := store.Reserve(ctx, routing.Reservation{Item: "L1", Customer: "C1", Agent: "li", Pool: "sales", Units: 1, Capacity: 3, At: at})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Agent, created, a.At) // the instant, to the microsecond, in UTC
	_, _, err = store.Reserve(ctx, routing.Reservation{Item: "L2", Agent: "li", Units: 3, Capacity: 3, At: at})
	fmt.Println(err)
	// Output:
	// li true 2026-11-23 01:00:00.123456 +0000 UTC
	// routing: agent at capacity
}

// ReserveFirst gives the item to the first agent of the window with room.
func ExampleStore_ReserveFirst() {
	ctx := context.Background()
	dropSchema(ctx, "example_window")
	defer dropSchema(ctx, "example_window")

	store, err := pgstore.Open(ctx, os.Getenv("STRATA_PG_DSN"), pgstore.WithSchema("example_window"), pgstore.WithWidth(4))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	window := []routing.Candidate{{Agent: "li", Capacity: 1}, {Agent: "wang", Capacity: 1}}
	for _, item := range []string{"L1", "L2", "L3"} {
		a, _, err := store.ReserveFirst(ctx, routing.Offer{Item: item, Units: 1, At: at, Window: window})
		fmt.Println(item, a.Agent, err)
	}
	fmt.Println("width", store.Width())
	// Output:
	// L1 li <nil>
	// L2 wang <nil>
	// L3  routing: agent at capacity
	// width 4
}

// PruneHistory forgets assignments older than any fairness window; loads
// stay.
func ExampleStore_PruneHistory() {
	ctx := context.Background()
	dropSchema(ctx, "example_prune")
	defer dropSchema(ctx, "example_prune")

	store, err := pgstore.Open(ctx, os.Getenv("STRATA_PG_DSN"), pgstore.WithSchema("example_prune"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{now.AddDate(-2, 0, 0), now} {
		if _, _, err := store.Reserve(ctx, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "li", Units: 1, Capacity: 5, At: at}); err != nil {
			log.Fatal(err)
		}
	}
	n, err := store.PruneHistory(ctx, now.AddDate(-1, 0, 0))
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.Stats(ctx, []string{"li"}, now.AddDate(-3, 0, 0), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("forgot", n, "load", st[0].Load, "recent", st[0].Recent)
	// Output:
	// forgot 1 load 2 recent 1
}
