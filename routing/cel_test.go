package routing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// TestRouteStopsARuleAtItsDeadline: Route evaluates rules under its
// context, so a rule looping over a record far past the limits (one
// Customer.Validate refuses) stops when the caller's deadline passes or the
// caller cancels, with an error naming the rule, instead of holding the
// Router for minutes.
func TestRouteStopsARuleAtItsDeadline(t *testing.T) {
	tags := make([]string, 100_000)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	for _, tc := range []struct {
		name string
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancelled", func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(50*time.Millisecond, cancel) // while the rule runs
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config()
			cfg.Rules = append([]routing.Rule{{Name: "quadratic", When: `customer.tags.filter(a, a in customer.tags).size() == 0`, Pool: "seniors"}},
				cfg.Rules...)
			r, _ := newRouter(t, cfg)
			req := routing.Request{Customer: strata.Customer{ID: "c1", Country: "DE", Tags: tags}, Lead: routing.Lead{ID: "l1"}, Now: now}
			ctx, cancel := tc.ctx(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := r.Route(ctx, req)
				done <- err
			}()
			select {
			case err := <-done:
				require.ErrorIs(t, err, tc.want)
				var ee *strata.EvalError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, "rule quadratic", ee.Rule)
			case <-time.After(10 * time.Second):
				t.Fatal("Route did not stop with its context")
			}

			// The pooled call keeps no caller's context: the next Route,
			// under a live context, evaluates the rule (true for a customer
			// without tags).
			small := routing.Request{Customer: strata.Customer{ID: "c2", Country: "DE"}, Lead: routing.Lead{ID: "l2"}, Now: now}
			d, err := r.Route(t.Context(), small)
			require.NoError(t, err)
			assert.Equal(t, "quadratic", d.Rule)
		})
	}
}

// TestWithLimits: rules' worst-case costs are estimated for the limits a
// Router is given, so a rule that loops over tags fits the default
// limits and not limits ten times larger.
func TestWithLimits(t *testing.T) {
	cfg := config()
	cfg.Rules = append([]routing.Rule{{Name: "tagged", When: `customer.tags.all(a, a != customer.city)`, Pool: "seniors"}},
		cfg.Rules...)
	_, err := routing.New(cfg, routing.NewMemoryStore())
	require.NoError(t, err)
	_, err = routing.New(cfg, routing.NewMemoryStore(), routing.WithLimits(strata.Limits{Tags: 1000}))
	require.Error(t, err)
	assert.ErrorContains(t, err, "worst-case cost")
	assert.ErrorContains(t, err, "rules[0].when")
}
