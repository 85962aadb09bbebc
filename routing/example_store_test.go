package routing_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

func ExampleParseConfig() {
	data, err := os.ReadFile("testdata/team.yaml")
	if err != nil {
		panic(err)
	}
	cfg, err := routing.ParseConfig(data)
	if err != nil {
		panic(err)
	}
	r, err := routing.New(cfg, routing.NewMemoryStore())
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Pools())
	fmt.Println(r.Members("directors"))

	_, err = routing.ParseConfig([]byte("home: CN\nagents: []\npools: []\ndefault_pol: china\n"))
	fmt.Println(err)
	// Output:
	// [directors china europe americas apac]
	// [be-kraus sh-zhou sp-costa]
	// 4:1: default_pol: unknown field (did you mean "default_pool"?)
}

// A window goes to its first candidate with room, in one step.
func ExampleReserveFirst() {
	ctx := context.Background()
	store := routing.NewMemoryStore()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if _, _, err := store.Reserve(ctx, routing.Reservation{Item: "old", Agent: "ann", Units: 2, Capacity: 2, At: at}); err != nil {
		panic(err)
	}
	window := []routing.Candidate{{Agent: "ann", Capacity: 2}, {Agent: "bo", Capacity: 5}, {Agent: "cy", Capacity: routing.NoLimit}}
	a, created, err := routing.ReserveFirst(ctx, store, routing.Offer{Item: "L1", Customer: "C1", Pool: "china", Units: 1, At: at, Window: window})
	fmt.Println(a.Agent, created, err)
	_, _, err = routing.ReserveFirst(ctx, store, routing.Offer{Item: "L2", Units: 5, At: at, Window: window[:2]})
	fmt.Println(err)
	// Output:
	// bo true <nil>
	// routing: agent at capacity
}

// A store wraps its failures with StoreError, so callers can tell a
// failing store from a full agent.
func ExampleStoreError() {
	err := routing.StoreError("reserve", context.DeadlineExceeded)
	fmt.Println(err)
	fmt.Println(errors.Is(err, routing.ErrStore), errors.Is(err, context.DeadlineExceeded))
	fmt.Println(routing.StoreError("reserve", routing.ErrOverCapacity) == routing.ErrOverCapacity)
	// Output:
	// routing: store failed: reserve: context deadline exceeded
	// true true
	// true
}

// A host that swaps configurations closes the Router it replaced, so the
// store drops its lines.
func ExampleRouter_Close() {
	ctx := context.Background()
	store := routing.NewMemoryStore()
	current, err := routing.New(exampleRouter().Config(), store)
	if err != nil {
		panic(err)
	}
	cfg := current.Config()
	cfg.Agents[0].Capacity = 30 // anna takes more
	next, err := routing.New(cfg, store)
	if err != nil {
		panic(err)
	}
	old := current
	current = next
	fmt.Println(old.Close(ctx))
	a, _ := current.Agent("anna")
	fmt.Println(a.Capacity)
	// Output:
	// <nil>
	// 30
}

// An observer sees every decision and what the store did; here it counts
// outcomes by pool, as a metrics adapter would.
func ExampleWithObserver() {
	counts := map[string]int{}
	r, err := routing.New(exampleRouter().Config(), routing.NewMemoryStore(),
		routing.WithObserver(func(_ context.Context, e strata.Event) {
			pool := ""
			for _, l := range e.Labels {
				if l.Key == "pool" {
					pool = l.Value
				}
			}
			counts[e.Op+" "+e.Outcome+" "+pool]++
		}))
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i, country := range []string{"DE", "DE", "CN", "FR"} {
		_, _ = r.Route(context.Background(), routing.Request{Item: fmt.Sprint("L", i), Customer: strata.Customer{ID: "c", Country: country}, Now: now})
	}
	fmt.Println(counts)
	// Output:
	// map[route assigned europe:3 route deferred china:1]
}

// Unassigned work can be logged louder than the rest.
func ExampleWithLogLevel() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
	cfg := exampleRouter().Config()
	cfg.DefaultPool = ""
	r, err := routing.New(cfg, routing.NewMemoryStore(), routing.WithLogger(logger), routing.WithLogLevel(routing.Unassigned, slog.LevelWarn))
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i, country := range []string{"DE", "JP"} {
		_, _ = r.Route(context.Background(), routing.Request{Item: fmt.Sprint("L", i), Customer: strata.Customer{ID: "c", Country: country}, Now: now})
	}
	// Output:
	// level=WARN msg="routing decision" item=L1 outcome=unassigned reason="no rule matched and there is no default pool" customer.id=c customer.country=JP
}

// RankByStats is the reference line a Ranker must keep: here, agents by
// free share of capacity, no limit counting as all free.
func ExampleRankByStats() {
	ctx := context.Background()
	store := routing.NewMemoryStore()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i, r := range []routing.Reservation{{Agent: "ann", Units: 1, Capacity: 2}, {Agent: "bo", Units: 1, Capacity: 4}, {Agent: "cy", Units: 9, Capacity: routing.NoLimit}} {
		r.Item, r.At = fmt.Sprint("L", i), at
		if _, _, err := store.Reserve(ctx, r); err != nil {
			panic(err)
		}
	}
	k, err := routing.NewRanking(routing.ByFreeShare, 0, []string{"ann", "bo", "cy"}, []int{2, 4, routing.NoLimit})
	if err != nil {
		panic(err)
	}
	line, err := routing.RankByStats(store).Rank(ctx, k, 0, 3, nil)
	if err != nil {
		panic(err)
	}
	for _, r := range line {
		fmt.Println(r.Agent, r.Load)
	}
	fmt.Println("scale", k.ShareScale())
	// Output:
	// cy 9
	// bo 1
	// ann 1
	// scale 16
}

// ReserveFromLine walks a line and reserves in one step: here the caller
// takes the first agent who speaks German, passing the others over, and
// the store gives the work to her atomically with what the walk saw.
func ExampleMemoryStore_ReserveFromLine() {
	ctx := context.Background()
	store := routing.NewMemoryStore()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	speaksGerman := map[string]bool{"bo": true, "cy": true}
	for i, r := range []routing.Reservation{{Agent: "bo", Units: 3}, {Agent: "cy", Units: 1}} {
		r.Item, r.Capacity, r.At = fmt.Sprint("old", i), 5, at
		if _, _, err := store.Reserve(ctx, r); err != nil {
			panic(err)
		}
	}
	k, err := routing.NewRanking(routing.ByLoad, 0, []string{"ann", "bo", "cy"}, []int{5, 5, 5})
	if err != nil {
		panic(err)
	}
	a, created, err := store.ReserveFromLine(ctx, k, routing.Offer{Item: "L1", Customer: "c", Pool: "de", Units: 1, At: at},
		func(r routing.Ranked) routing.LineVerdict {
			fmt.Printf("examined %s (load %d)\n", r.Agent, r.Load)
			if speaksGerman[r.Agent] {
				return routing.LineTake
			}
			return routing.LineSkip
		})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Agent, created)
	// Output:
	// examined ann (load 0)
	// examined cy (load 1)
	// cy true
}
