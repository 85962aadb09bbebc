package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/tiering"
)

// Monday 23 November 2026, 09:00 in Berlin.
var clock = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := newServer(sample.Team(), tiering.StarterConfig(sample.Home), routing.NewMemoryStore(),
		func() time.Time { return clock }, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	ts := httptest.NewServer(s.handler())
	t.Cleanup(ts.Close)
	return ts
}

// call sends body to path and decodes the answer into out; it returns the
// status.
func call(t *testing.T, ts *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	status, err := send(ts, method, path, body, out)
	require.NoError(t, err)
	return status
}

// send is call for any goroutine: it reports failures instead of stopping
// the test.
func send(ts *httptest.Server, method, path, body string, out any) (int, error) {
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		return resp.StatusCode, fmt.Errorf("content type %q", ct)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%w: %s", err, b)
		}
	}
	return resp.StatusCode, nil
}

type decision struct {
	Outcome  string `json:"outcome"`
	Agent    string `json:"agent"`
	Pool     string `json:"pool"`
	Replayed bool   `json:"replayed"`
	Why      string `json:"why"`
}

func TestRouteReleaseAndReplay(t *testing.T) {
	ts := newTestServer(t)
	lead := `{"customer": {"id": "de-001", "kind": "enterprise", "country": "DE", "subdivision": "DE-BY", "languages": ["de"]},
		"lead": {"id": "L-1"}, "now": "2026-11-23T08:00:00Z"}`
	var d decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route", lead, &d))
	assert.Equal(t, "assigned", d.Outcome, d.Why)
	assert.Equal(t, "europe", d.Pool)
	assert.Contains(t, d.Why, "L-1 → "+d.Agent)

	var again decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route", lead, &again))
	assert.True(t, again.Replayed, "the same lead twice is one assignment")
	assert.Equal(t, d.Agent, again.Agent)

	var moved decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/reassign", `{"item": "L-1", "to": "be-weber", "reason": "speaks Bavarian"}`, &moved))
	assert.Equal(t, "be-weber", moved.Agent)

	var a routing.Assignment
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/release", `{"item": "L-1"}`, &a))
	assert.Equal(t, "be-weber", a.Agent)
	var e errorOut
	assert.Equal(t, http.StatusNotFound, call(t, ts, "POST", "/v1/release", `{"item": "L-1"}`, &e))
	assert.Equal(t, "unknown item", e.Error)
}

func TestBadRequests(t *testing.T) {
	ts := newTestServer(t)
	for _, tt := range []struct {
		name, method, path, body string
		status                   int
		problem                  string
	}{
		{"not JSON", "POST", "/v1/route", `{"customer": `, http.StatusBadRequest, "unexpected EOF"},
		{"unknown field", "POST", "/v1/route", `{"customr": {}}`, http.StatusBadRequest, `unknown field "customr"`},
		{"two values", "POST", "/v1/release", `{"item": "a"} {"item": "b"}`, http.StatusBadRequest, "more than one JSON value"},
		{"invalid customer", "POST", "/v1/route", `{"customer": {"id": "x", "country": "XX", "languages": ["??"]}, "lead": {"id": "L"}}`,
			http.StatusUnprocessableEntity, "country"},
		{"unknown agent", "POST", "/v1/reassign", `{"item": "L-9", "to": "nobody"}`, http.StatusNotFound, "unknown agent"},
		{"wrong method", "GET", "/v1/route", ``, http.StatusMethodNotAllowed, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e errorOut
			var out any = &e
			if tt.problem == "" {
				out = nil
			}
			require.Equal(t, tt.status, call405(t, ts, tt.method, tt.path, tt.body, out))
			if tt.problem != "" {
				assert.Contains(t, strings.Join(e.Problems, "\n"), tt.problem)
			}
		})
	}
}

// call405 is call without the content-type check: the mux answers a
// wrong method in plain text.
func call405(t *testing.T, ts *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	if out != nil {
		return call(t, ts, method, path, body, out)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestConfigSwap: a bad configuration is refused with every problem (a
// rule with its line and column) and the old one keeps serving; a good one
// takes over and the store's assignments stay.
func TestConfigSwap(t *testing.T) {
	ts := newTestServer(t)
	var d decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route",
		`{"customer": {"id": "cn-1", "country": "CN", "subdivision": "CN-SH", "languages": ["zh"]}, "lead": {"id": "L-cn"}}`, &d))
	require.Equal(t, "assigned", d.Outcome)

	bad := `{"home": "CN", "agents": [{"id": "a", "capacity": -1}],
		"pools": [{"name": "p", "members": ["a"], "strategy": "least_loaded"}],
		"rules": [{"name": "r", "when": "customer.country == ", "pool": "p"}], "default_pool": "p"}`
	var e errorOut
	require.Equal(t, http.StatusUnprocessableEntity, call(t, ts, "PUT", "/v1/config/routing", bad, &e))
	all := strings.Join(e.Problems, "\n")
	assert.Contains(t, all, "agents[0].capacity")
	assert.Contains(t, all, "rule r")
	assert.Contains(t, all, "1:")
	assert.GreaterOrEqual(t, len(e.Problems), 2, "every problem at once")

	good := `{"home": "CN", "agents": [{"id": "solo", "capacity": 10, "seniority": 1, "country": "CN"}],
		"pools": [{"name": "p", "members": ["solo"], "strategy": "least_loaded"}], "default_pool": "p"}`
	require.Equal(t, http.StatusOK, call(t, ts, "PUT", "/v1/config/routing", good, nil))
	var next decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route",
		`{"customer": {"id": "cn-2", "country": "CN", "languages": ["zh"]}, "lead": {"id": "L-cn2"}}`, &next))
	assert.Equal(t, "solo", next.Agent)
	var replay decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route",
		`{"customer": {"id": "cn-1", "country": "CN", "languages": ["zh"]}, "lead": {"id": "L-cn"}}`, &replay))
	assert.Equal(t, d.Agent, replay.Agent, "assignments made under the old configuration stay")
}

func TestClassify(t *testing.T) {
	ts := newTestServer(t)
	var p struct {
		Tiers []struct {
			Ladder string `json:"ladder"`
			Tier   string `json:"tier"`
		} `json:"tiers"`
		Segments []string `json:"segments"`
		Why      string   `json:"why"`
	}
	body := `{"id": "c-1", "kind": "enterprise", "country": "CN", "subdivision": "CN-GD",
		"revenue": {"amount": "6000000", "currency": "CNY"}, "orders": 30,
		"first_order_at": "2020-01-01T00:00:00Z", "last_order_at": "2026-11-01T00:00:00Z"}`
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/classify?now=2026-11-23T08:00:00Z", body, &p))
	require.NotEmpty(t, p.Tiers)
	assert.Equal(t, "vip", p.Tiers[0].Tier, p.Why)
	assert.Contains(t, p.Segments, "south-china")
	var e errorOut
	assert.Equal(t, http.StatusBadRequest, call(t, ts, "POST", "/v1/classify?now=yesterday", body, &e))
}

// TestConcurrentRoutingDuringSwaps routes from several goroutines while the
// configuration is replaced: every request gets an answer (run with -race).
func TestConcurrentRoutingDuringSwaps(t *testing.T) {
	ts := newTestServer(t)
	var status map[string]string
	require.Equal(t, http.StatusOK, call(t, ts, "GET", "/healthz", "", &status))
	assert.Equal(t, "ok", status["status"])
	team, err := json.Marshal(sample.Team())
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 5 {
			if code, err := send(ts, "PUT", "/v1/config/routing", string(team), nil); err != nil || code != http.StatusOK {
				t.Errorf("swap: %d %v", code, err)
			}
		}
	}()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				var d decision
				body := fmt.Sprintf(`{"customer": {"id": "c-%d-%d", "country": "CN", "languages": ["zh"]}, "lead": {"id": "L-%d-%d"}}`, g, i, g, i)
				if code, err := send(ts, "POST", "/v1/route", body, &d); err != nil || code != http.StatusOK || d.Outcome == "" {
					t.Errorf("route: %d %v %+v", code, err, d)
				}
			}
		})
	}
	wg.Wait()
	<-done
}

// FuzzEndpoints sends arbitrary bodies to every endpoint: the server never
// panics, never answers 5xx (its store does not fail here), and always
// answers JSON.
func FuzzEndpoints(f *testing.F) {
	s, err := newServer(sample.Team(), tiering.StarterConfig(sample.Home), routing.NewMemoryStore(),
		func() time.Time { return clock }, slog.New(slog.DiscardHandler))
	require.NoError(f, err)
	h := s.handler()
	f.Add(0, `{"customer": {"id": "c", "country": "DE", "languages": ["de"]}, "lead": {"id": "L"}}`)
	f.Add(1, `{"item": "L"}`)
	f.Add(2, `{"item": "L", "to": "be-weber"}`)
	f.Add(3, `{"id": "c", "country": "CN", "revenue": {"amount": "1e9", "currency": "CNY"}}`)
	f.Add(4, `{"home": "CN", "rules": [{"name": "r", "when": "customer.", "pool": "p"}]}`)
	f.Add(5, `{"ladders": [{"name": "x", "tiers": [{"name": "t", "when": "1 +"}]}]}`)
	endpoints := []struct{ method, path string }{
		{"POST", "/v1/route"}, {"POST", "/v1/release"}, {"POST", "/v1/reassign"},
		{"POST", "/v1/classify"}, {"PUT", "/v1/config/routing"}, {"PUT", "/v1/config/tiering"},
	}
	f.Fuzz(func(t *testing.T, which int, body string) {
		ep := endpoints[uint(which)%uint(len(endpoints))]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(ep.method, ep.path, strings.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", ep.method, ep.path, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: not JSON: %s", ep.method, ep.path, rec.Body)
		}
	})
}
