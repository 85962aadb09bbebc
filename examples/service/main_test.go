package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// Monday 23 November 2026, 09:00 in Berlin.
var clock = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// The test tokens: one of each scope.
const (
	routeToken = "route-0123456789abcdef0123456789abcdef"
	adminToken = "admin-0123456789abcdef0123456789abcdef"
	tokensText = "crm route " + routeToken + "\nops admin " + adminToken + "\n"
)

// testConfig is the command line of a test server: the sample files.
func testConfig() config {
	c := config{routingFile: "testdata/team.yaml", tieringFile: "testdata/tiers.yaml", ratesFile: "testdata/rates.yaml"}
	c.limits = limits{requestTimeout: 10 * time.Second, queueWait: 100 * time.Millisecond, maxConcurrent: 64,
		maxBatch: 1000, maxBody: 1 << 20, maxBigBody: 16 << 20}
	return c
}

// newTestAPI builds a server over a memory store with the sample files and
// the test tokens.
func newTestAPI(t testing.TB, c config) *server {
	t.Helper()
	auth, err := parseTokens(tokensText)
	require.NoError(t, err)
	tel, err := newTelemetry(context.Background())
	require.NoError(t, err)
	s, err := newServer(context.Background(), serverDeps{store: routing.NewMemoryStore(), state: newMemoryState(), tel: tel,
		auth: auth, log: slog.New(slog.DiscardHandler), now: func() time.Time { return clock }, limits: c.limits})
	require.NoError(t, err)
	require.NoError(t, s.seed(context.Background(), c))
	s.ready.Store(true)
	return s
}

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(validating(t, newTestAPI(t, testConfig()).handler()))
	t.Cleanup(ts.Close)
	return ts
}

// call sends body to path with the route token and decodes the answer into
// out; it returns the status.
func call(t *testing.T, ts *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	status, err := send(ts, routeToken, method, path, body, out)
	require.NoError(t, err)
	return status
}

// admin is call with the admin token.
func admin(t *testing.T, ts *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	status, err := send(ts, adminToken, method, path, body, out)
	require.NoError(t, err)
	return status
}

// send is call for any goroutine and token: it reports failures instead of
// stopping the test.
func send(ts *httptest.Server, token, method, path, body string, out any) (int, error) {
	return (&httpTarget{url: ts.URL, client: ts.Client()}).send(token, method, path, body, out)
}

// httpTarget is a server at a URL.
type httpTarget struct {
	url    string
	client *http.Client
}

// send sends a request with token and decodes the JSON answer into out.
func (h *httpTarget) send(token, method, path, body string, out any) (int, error) {
	if h.client == nil {
		h.client = http.DefaultClient
	}
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		return resp.StatusCode, fmt.Errorf("content type %q: %s", ct, b)
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

	other := map[string]string{"be-weber": "be-kraus", "be-kraus": "be-weber"}[d.Agent]
	require.NotEmpty(t, other, "the sample's Berlin office has two reps")
	var moved decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/reassign", `{"item": "L-1", "to": "`+other+`", "reason": "speaks Bavarian"}`, &moved))
	assert.Equal(t, other, moved.Agent)

	var a routing.Assignment
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/release", `{"item": "L-1"}`, &a))
	assert.Equal(t, other, a.Agent)
	var e errorOut
	assert.Equal(t, http.StatusNotFound, call(t, ts, "POST", "/v1/release", `{"item": "L-1"}`, &e))
	assert.Equal(t, "unknown item", e.Error)
}

// TestAuth: requests without a token, with an unknown one, or with a route
// token on a configuration change are refused; health, readiness and the
// API document need none.
func TestAuth(t *testing.T) {
	ts := newTestServer(t)
	lead := `{"customer": {"id": "c", "country": "DE", "languages": ["de"]}, "lead": {"id": "L-auth"}}`
	team, err := os.ReadFile("testdata/team.yaml")
	require.NoError(t, err)
	for _, tt := range []struct {
		name, token, method, path, body string
		status                          int
	}{
		{"no token", "", "POST", "/v1/route", lead, http.StatusUnauthorized},
		{"unknown token", strings.Repeat("x", 40), "POST", "/v1/route", lead, http.StatusUnauthorized},
		{"a prefix of a token", routeToken[:len(routeToken)-1], "POST", "/v1/route", lead, http.StatusUnauthorized},
		{"no token for metrics", "", "GET", "/metrics", "", http.StatusUnauthorized},
		{"no token for a configuration", "", "GET", "/v1/config/routing", "", http.StatusUnauthorized},
		{"route token replacing the team", routeToken, "PUT", "/v1/config/routing", string(team), http.StatusForbidden},
		{"route token replacing rates", routeToken, "PUT", "/v1/config/rates", `{"base": "USD", "per_base": {"EUR": "1"}}`, http.StatusForbidden},
		{"route token routing", routeToken, "POST", "/v1/route", lead, http.StatusOK},
		{"admin token routing", adminToken, "POST", "/v1/classify", `{"id": "c", "country": "CN"}`, http.StatusOK},
		{"admin token replacing the team", adminToken, "PUT", "/v1/config/routing", string(team), http.StatusOK},
		{"health without a token", "", "GET", "/healthz", "", http.StatusOK},
		{"readiness without a token", "", "GET", "/readyz", "", http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e errorOut
			status, err := send(ts, tt.token, tt.method, tt.path, tt.body, &e)
			require.NoError(t, err)
			assert.Equal(t, tt.status, status, e.Error)
			if status == http.StatusForbidden {
				assert.Contains(t, e.Error, "needs admin")
			}
		})
	}
	t.Run("metrics with a route token", func(t *testing.T) {
		req, err := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/metrics", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+routeToken)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, string(b), "strata_decisions_total")
		assert.Contains(t, string(b), "http_server_request_duration_seconds")
		assert.NotContains(t, string(b), routeToken)
	})
}

func TestParseTokens(t *testing.T) {
	for _, tt := range []struct {
		name, text, problem string
	}{
		{"short token", "crm route short", "shorter than 32"},
		{"unknown scope", "crm root " + routeToken, `scope "root"`},
		{"two fields", "crm " + routeToken, "want \"name scope token\""},
		{"same name twice", "crm route " + routeToken + "; crm admin " + adminToken, "used twice"},
		{"nothing", "# only a comment\n", "no tokens"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTokens(tt.text)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
			assert.NotContains(t, err.Error(), routeToken, "an error never shows a token")
		})
	}
	a, err := parseTokens("crm route " + routeToken + "; ops admin " + adminToken)
	require.NoError(t, err)
	assert.Len(t, a.tokens, 2)
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
		{"bad now", "POST", "/v1/classify?now=yesterday", `{"id": "c", "country": "CN"}`, http.StatusBadRequest, "parsing time"},
		{"unknown kind", "GET", "/v1/config/scoring", ``, http.StatusNotFound, ""},
		{"too big", "POST", "/v1/route", `{"item": "` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge, "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e errorOut
			require.Equal(t, tt.status, call(t, ts, tt.method, tt.path, tt.body, &e), e.Problems)
			if tt.problem != "" {
				assert.Contains(t, strings.Join(e.Problems, "\n"), tt.problem)
			}
		})
	}
}

// TestConfigSwap: a bad configuration is refused with every problem (a
// rule with its line and column) and the old one keeps serving; a good one
// takes over, gets the next version, and the store's assignments stay.
func TestConfigSwap(t *testing.T) {
	ts := newTestServer(t)
	var d decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route",
		`{"customer": {"id": "cn-1", "country": "CN", "subdivision": "CN-SH", "languages": ["zh"]}, "lead": {"id": "L-cn"}}`, &d))
	require.Equal(t, "assigned", d.Outcome)

	bad := `{"home": "CN", "agents": [{"id": "a", "capacity": -1, "seniority": 1, "country": "CN"}],
		"pools": [{"name": "p", "members": ["a"], "strategy": "least_loaded"}],
		"rules": [{"name": "r", "when": "customer.country == ", "pool": "p"}], "default_pool": "p"}`
	var e errorOut
	require.Equal(t, http.StatusUnprocessableEntity, admin(t, ts, "PUT", "/v1/config/routing", bad, &e))
	all := strings.Join(e.Problems, "\n")
	assert.Contains(t, all, "agents[0].capacity")
	assert.Contains(t, all, "rules[0]")
	assert.GreaterOrEqual(t, len(e.Problems), 2, "every problem at once")

	good := "home: CN\nagents:\n  - {id: solo, capacity: 10, seniority: 1, country: CN}\n" +
		"pools:\n  - {name: p, members: [solo], strategy: least_loaded}\ndefault_pool: p\n"
	var v configOut
	require.Equal(t, http.StatusOK, admin(t, ts, "PUT", "/v1/config/routing", good, &v), "YAML is accepted too")
	assert.Equal(t, configOut{Kind: "routing", Version: 2}, v)
	var next decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route",
		`{"customer": {"id": "cn-2", "country": "CN", "languages": ["zh"]}, "lead": {"id": "L-cn2"}}`, &next))
	assert.Equal(t, "solo", next.Agent)
	var replay decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route",
		`{"customer": {"id": "cn-1", "country": "CN", "languages": ["zh"]}, "lead": {"id": "L-cn"}}`, &replay))
	assert.Equal(t, d.Agent, replay.Agent, "assignments made under the old configuration stay")

	var cfg routing.Config
	require.Equal(t, http.StatusOK, call(t, ts, "GET", "/v1/config/routing", "", &cfg))
	assert.Equal(t, "solo", cfg.Agents[0].ID)
}

// TestIfMatch: a change guarded by a stale version is refused.
func TestIfMatch(t *testing.T) {
	ts := newTestServer(t)
	rates := `{"base": "USD", "per_base": {"CNY": "7.2", "EUR": "0.9"}}`
	put := func(match string) int {
		req, err := http.NewRequestWithContext(t.Context(), "PUT", ts.URL+"/v1/config/rates", strings.NewReader(rates))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		req.Header.Set("If-Match", match)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, put(`"1"`))
	assert.Equal(t, http.StatusPreconditionFailed, put(`"1"`), "version 1 is no longer the latest")
	assert.Equal(t, http.StatusOK, put(`"2"`))
	assert.Equal(t, http.StatusBadRequest, put(`"two"`))
}

// TestHugeBadConfig: a 5 MB PUT of 60,000 bad agents produced an 11 MB 422;
// the answer lists 50 problems and counts the rest.
func TestHugeBadConfig(t *testing.T) {
	ts := newTestServer(t)
	var b strings.Builder
	b.WriteString(`{"home": "CN", "default_pool": "p", "pools": [{"name": "p", "members": ["a0"], "strategy": "least_loaded"}], "agents": [`)
	for i := range 60000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "a%d", "capacity": -5, "seniority": 1, "country": "XX"}`, i)
	}
	b.WriteString("]}")
	require.Greater(t, b.Len(), 2<<20)
	req, err := http.NewRequestWithContext(t.Context(), "PUT", ts.URL+"/v1/config/routing", strings.NewReader(b.String()))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Less(t, len(body), 64<<10, "the answer is bounded")
	var e errorOut
	require.NoError(t, json.Unmarshal(body, &e))
	assert.Len(t, e.Problems, maxProblems)
	assert.Positive(t, e.More, "the rest are counted")
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
}

// TestBatch: a batch answers one result per request, in order, and the
// decisions are the ones the same requests get one by one.
func TestBatch(t *testing.T) {
	one, many := newTestServer(t), newTestServer(t)
	var reqs []string
	for i := range 40 {
		country := []string{"CN", "DE", "BR", "US", "XX"}[i%5]
		reqs = append(reqs, fmt.Sprintf(`{"customer": {"id": "c-%d", "country": %q, "languages": ["en"]}, "lead": {"id": "L-%d"}}`, i%30, country, i%30))
	}
	var out struct {
		Results []struct {
			Status   int       `json:"status"`
			Decision *decision `json:"decision"`
			Error    *errorOut `json:"error"`
		} `json:"results"`
	}
	require.Equal(t, http.StatusOK, call(t, many, "POST", "/v1/route/batch", `{"requests": [`+strings.Join(reqs, ",")+`]}`, &out))
	require.Len(t, out.Results, len(reqs))
	for i, body := range reqs {
		var d decision
		var e errorOut
		var got any = &d
		status := call(t, one, "POST", "/v1/route", body, got)
		r := out.Results[i]
		assert.Equal(t, status, r.Status, "request %d", i)
		if status != http.StatusOK {
			require.Equal(t, status, call(t, one, "POST", "/v1/route", body, &e))
			require.NotNil(t, r.Error)
			continue
		}
		require.NotNil(t, r.Decision, "request %d", i)
		assert.Equal(t, d, *r.Decision, "request %d", i)
	}
	var e errorOut
	big := `{"requests": [` + strings.TrimSuffix(strings.Repeat(reqs[0]+",", 1001), ",") + `]}`
	assert.Equal(t, http.StatusRequestEntityTooLarge, call(t, many, "POST", "/v1/route/batch", big, &e))
}

// TestBusy: with every slot taken, a request waits -queue-wait and is
// refused with Retry-After.
func TestBusy(t *testing.T) {
	c := testConfig()
	c.limits.maxConcurrent, c.limits.queueWait = 1, 20*time.Millisecond
	s := newTestAPI(t, c)
	ts := httptest.NewServer(s.handler())
	defer ts.Close()
	s.sem <- struct{}{} // a request in progress
	var e errorOut
	assert.Equal(t, http.StatusServiceUnavailable, call(t, ts, "POST", "/v1/release", `{"item": "x"}`, &e))
	assert.Contains(t, e.Error, "too many requests")
	<-s.sem
	assert.Equal(t, http.StatusNotFound, call(t, ts, "POST", "/v1/release", `{"item": "x"}`, &e))
}

// TestConcurrentRoutingDuringSwaps routes from several goroutines while the
// configuration is replaced: every request gets an answer (run with -race).
func TestConcurrentRoutingDuringSwaps(t *testing.T) {
	ts := newTestServer(t)
	team, err := os.ReadFile("testdata/team.yaml")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 5 {
			if code, err := send(ts, adminToken, "PUT", "/v1/config/routing", string(team), nil); err != nil || code != http.StatusOK {
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
				if code, err := send(ts, routeToken, "POST", "/v1/route", body, &d); err != nil || code != http.StatusOK || d.Outcome == "" {
					t.Errorf("route: %d %v %+v", code, err, d)
				}
			}
		})
	}
	wg.Wait()
	<-done
}

// TestStartsFromUserFilesAlone: the service starts from the user's files,
// not over a built-in sample (a file without default_pool failed with an
// unknown sample pool).
func TestStartsFromUserFilesAlone(t *testing.T) {
	dir := t.TempDir()
	team := filepath.Join(dir, "team.yaml")
	require.NoError(t, os.WriteFile(team, []byte(`home: DE
agents:
  - {id: anna, capacity: 5, seniority: 1, country: DE, languages: [de]}
pools:
  - {name: berlin, members: [anna], strategy: round_robin}
rules:
  - {name: all, when: "true", pool: berlin}
`), 0o644))
	c := testConfig()
	c.routingFile, c.tieringFile, c.ratesFile = team, "", ""
	ts := httptest.NewServer(newTestAPI(t, c).handler())
	defer ts.Close()
	var d decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route", `{"customer": {"id": "c", "country": "DE"}, "lead": {"id": "L"}}`, &d))
	assert.Equal(t, "anna", d.Agent)
	var e errorOut
	assert.Equal(t, http.StatusServiceUnavailable, call(t, ts, "POST", "/v1/classify", `{"id": "c", "country": "DE"}`, &e))
	assert.Contains(t, e.Error, "no tiering configuration")
}

// FuzzEndpoints sends arbitrary bodies to every endpoint: the server never
// panics, never answers 5xx (its store does not fail here), and always
// answers JSON.
func FuzzEndpoints(f *testing.F) {
	h := newTestAPI(f, testConfig()).handler()
	a := loadAPI(f)
	f.Add(0, `{"customer": {"id": "c", "country": "DE", "languages": ["de"]}, "lead": {"id": "L"}}`)
	f.Add(1, `{"requests": [{"customer": {"id": "c", "country": "DE"}, "lead": {"id": "L"}}, {}], "quiet": true}`)
	f.Add(2, `{"item": "L"}`)
	f.Add(3, `{"item": "L", "to": "be-weber"}`)
	f.Add(4, `{"id": "c", "country": "CN", "revenue": {"amount": "1e9", "currency": "CNY"}}`)
	f.Add(5, `{"home": "CN", "rules": [{"name": "r", "when": "customer.", "pool": "p"}]}`)
	f.Add(6, `{"ladders": [{"name": "x", "tiers": [{"name": "t", "when": "1 +"}]}]}`)
	f.Add(7, `{"base": "USD", "per_base": {"EUR": "-1"}}`)
	f.Add(8, "base: EUR\nper_base: {USD: 1.1}\n")
	endpoints := []struct{ method, path string }{
		{"POST", "/v1/route"}, {"POST", "/v1/route/batch"}, {"POST", "/v1/release"}, {"POST", "/v1/reassign"},
		{"POST", "/v1/classify"}, {"PUT", "/v1/config/routing"}, {"PUT", "/v1/config/tiering"}, {"PUT", "/v1/config/rates"},
		{"PUT", "/v1/config/rates"},
	}
	f.Fuzz(func(t *testing.T, which int, body string) {
		ep := endpoints[uint(which)%uint(len(endpoints))]
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(ep.method, ep.path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+adminToken)
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", ep.method, ep.path, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: not JSON: %s", ep.method, ep.path, rec.Body)
		}
		if err := a.check(ep.method, ep.path, "application/json", []byte(body), rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Fatal(err)
		}
	})
}
