package otelstrata_test

import (
	"context"
	"fmt"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/strata-go/strata/examples/service/otelstrata"
	"github.com/strata-go/strata/routing"
)

// A Router whose decisions become OpenTelemetry metrics, and whose store
// calls become spans.
func ExampleNew() {
	reader := sdkmetric.NewManualReader()
	tel, err := otelstrata.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), nil)
	if err != nil {
		panic(err)
	}
	cfg := routing.Config{Home: "DE", DefaultPool: "all",
		Agents: []routing.Agent{{ID: "anna", Capacity: 5, Seniority: 1, Country: "DE"}},
		Pools:  []routing.Pool{{Name: "all", Members: []string{"anna"}, Strategy: routing.LeastLoaded}}}
	router, err := routing.New(cfg, tel.Store(routing.NewMemoryStore()), routing.WithObserver(tel.Observer()))
	if err != nil {
		panic(err)
	}
	ctx, span := tel.Start(context.Background(), "routing", "route")
	req := routing.Request{Now: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	req.Customer.ID, req.Customer.Country, req.Lead.ID = "c-1", "DE", "L-1"
	d, err := router.Route(ctx, req)
	span.End()
	fmt.Println(d.Outcome, d.Agent, err)

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if s, ok := m.Data.(metricdata.Sum[int64]); ok {
			fmt.Println(m.Name, s.DataPoints[0].Value)
		}
	}
	// Output:
	// assigned anna <nil>
	// strata.decisions 1
}
