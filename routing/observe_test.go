package routing_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

type events struct {
	mu  sync.Mutex
	got []strata.Event
}

func (e *events) observe(_ context.Context, ev strata.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
}

func (e *events) ops() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.got {
		out = append(out, ev.Op+":"+ev.Outcome)
	}
	return out
}

func TestObserver(t *testing.T) {
	var seen events
	faulty := &routingtest.FaultyStore{Inner: routing.NewMemoryStore()}
	r, err := routing.New(config(), faulty, routing.WithObserver(seen.observe))
	require.NoError(t, err)
	ctx := t.Context()

	d := route(t, r, routing.Request{Customer: customer("c1", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L1"}})
	require.Len(t, seen.got, 1)
	ev := seen.got[0]
	assert.Equal(t, "routing", ev.Package)
	assert.Equal(t, "route", ev.Op)
	assert.Equal(t, "assigned", ev.Outcome)
	assert.Equal(t, []strata.Label{{Key: "pool", Value: "china"}}, ev.Labels)
	assert.False(t, ev.Start.IsZero())
	assert.GreaterOrEqual(t, ev.Duration, 0*ev.Duration)
	assert.Equal(t, &d, ev.Detail, "the decision, in full")

	d = route(t, r, routing.Request{Customer: customer("c2", "US", "US-CA", "en"), Lead: routing.Lead{ID: "L2", Value: usd(200_000)}})
	assert.Equal(t, []strata.Label{{Key: "pool", Value: d.Pool}, {Key: "rule", Value: "big-orders"}}, seen.got[1].Labels)

	_, err = r.Release(ctx, "L1")
	require.NoError(t, err)
	_, err = r.Reassign(ctx, "L2", "be-anna", "asked for", now)
	require.NoError(t, err)
	_, err = r.Release(ctx, "never")
	require.Error(t, err)
	assert.Equal(t, []string{"route:assigned", "route:assigned", "release:released", "reassign:reassigned", "release:error"}, seen.ops())
	assert.Equal(t, "L1", seen.got[2].Detail.(*routing.Assignment).Item)

	seen.got = nil
	faulty.Every = 1 // the store is down
	_, err = r.Route(ctx, routing.Request{Customer: customer("c3", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L3"}, Now: now})
	require.ErrorIs(t, err, routing.ErrStore)
	// The store is a WindowReserver, so the reservation is its first call
	// (no opening Lookup); it fails before anything is walked.
	assert.Equal(t, []string{"store.reserve:error", "route:error"}, seen.ops())
	assert.ErrorIs(t, seen.got[0].Err, routingtest.ErrInjected)
	assert.ErrorIs(t, seen.got[1].Err, routing.ErrStore)
}

// recordHandler keeps the records it handles, with the request ID the
// context carried.
type recordHandler struct {
	mu      sync.Mutex
	records []slog.Record
	ids     []any
}

type ctxKey struct{}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r)
	h.ids = append(h.ids, ctx.Value(ctxKey{}))
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

// TestLogging: every outcome is logged with its reason at the level the
// host chose, through the context, and customers without contact details.
func TestLogging(t *testing.T) {
	h := &recordHandler{}
	cfg := config()
	cfg.DefaultOwner = ""
	r, err := routing.New(cfg, routing.NewMemoryStore(), routing.WithLogger(slog.New(h)),
		routing.WithLogLevel(routing.Unassigned, slog.LevelWarn), routing.WithLogLevel(routing.Deferred, slog.LevelInfo))
	require.NoError(t, err)
	ctx := context.WithValue(t.Context(), ctxKey{}, "req-42")
	c := customer("c1", "CN", "CN-SH", "zh")
	c.Name, c.Channels = "Li Lei", []strata.Channel{{Kind: "phone", Value: "+86 138 0013 8000"}}
	for _, req := range []routing.Request{
		{Customer: c, Lead: routing.Lead{ID: "L1"}},
		{Customer: customer("c2", "JP", "", "ja"), Lead: routing.Lead{ID: "L2"}},
		{Customer: customer("c3", "BR", "BR-SP", "pt-BR"), Lead: routing.Lead{ID: "L3", Urgency: routing.UrgencyUrgent}},
	} {
		req.Now = now
		_, err := r.Route(ctx, req)
		require.NoError(t, err)
	}
	require.Len(t, h.records, 3)
	levels, reasons := []slog.Level{}, []string{}
	for i, rec := range h.records {
		levels = append(levels, rec.Level)
		assert.Equal(t, "req-42", h.ids[i], "logged through the request's context")
		rec.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "reason":
				reasons = append(reasons, a.Value.String())
			case "customer":
				assert.NotContains(t, a.Value.Resolve().String(), "138", "no phone numbers in logs")
				assert.NotContains(t, a.Value.Resolve().String(), "Li Lei", "no names in logs")
			}
			return true
		})
	}
	assert.Equal(t, []slog.Level{slog.LevelDebug, slog.LevelWarn, slog.LevelWarn}, levels)
	require.Len(t, reasons, 3)
	assert.Equal(t, "china: no eligible agent", reasons[1], "an unassigned lead is logged with its reasons")
	assert.Contains(t, reasons[2], "latam: no eligible agent")
}

// TestObserverLabelsAreTheRequests: a request no rule matches is labelled
// with no pool, whatever the request before it was.
func TestObserverLabelsAreTheRequests(t *testing.T) {
	var seen events
	cfg := config()
	cfg.DefaultPool, cfg.DefaultOwner = "", ""
	r, err := routing.New(cfg, routing.NewMemoryStore(), routing.WithObserver(seen.observe))
	require.NoError(t, err)
	route(t, r, routing.Request{Customer: customer("c1", "DE", "DE-BY", "de"), Lead: routing.Lead{ID: "L1"}})
	d := route(t, r, routing.Request{Customer: customer("c2", "JP", "", "ja"), Lead: routing.Lead{ID: "L2"}})
	require.Equal(t, routing.Unassigned, d.Outcome)
	require.Len(t, seen.got, 2)
	assert.Equal(t, []strata.Label{{Key: "pool", Value: "europe"}, {Key: "rule", Value: "europe"}}, seen.got[0].Labels)
	assert.Empty(t, seen.got[1].Labels)
}
