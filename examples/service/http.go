package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"

	"github.com/strata-go/strata"
)

// limits bound what one request may cost.
type limits struct {
	requestTimeout time.Duration
	queueWait      time.Duration
	maxConcurrent  int
	maxBatch       int
	maxBody        int64 // route, release, reassign, classify
	maxBigBody     int64 // batches and configurations
}

const (
	// maxProblems is how many problems an error lists; "more" counts the
	// rest (a PUT of 60,000 bad agents answers in kilobytes, not 11 MB).
	maxProblems = 50
	// maxProblemLen bounds one problem's text, in bytes.
	maxProblemLen = 500
	// maxResponseDefault bounds a response body.
	maxResponseDefault = 64 << 20
)

// openapiJSON is the API's description, built from api/openapi.base.json,
// the Go types of the bodies and the library's configuration schemas by
// TestOpenAPIIsCurrent (go generate rewrites it).
//
//go:generate go test -run TestOpenAPIIsCurrent -update .
//go:embed openapi.json
var openapiJSON []byte

// handler returns the service's routes.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(openapiJSON)
	})
	small, big := s.limits.maxBody, s.limits.maxBigBody
	for _, e := range []struct {
		method, route string
		need          scope
		maxBody       int64
		h             http.HandlerFunc
	}{
		{"GET", "/metrics", scopeRoute, 0, s.tel.metrics.ServeHTTP},
		{"POST", "/v1/route", scopeRoute, small, s.route},
		{"POST", "/v1/route/batch", scopeRoute, big, s.routeBatch},
		{"POST", "/v1/release", scopeRoute, small, s.release},
		{"POST", "/v1/reassign", scopeRoute, small, s.reassign},
		{"POST", "/v1/classify", scopeRoute, small, s.classify},
		{"GET", "/v1/config/{kind}", scopeRoute, 0, s.getConfig},
		{"PUT", "/v1/config/{kind}", scopeAdmin, big, s.putConfig},
	} {
		mux.Handle(e.method+" "+e.route, s.endpoint(e.method, e.route, e.need, e.maxBody, e.h))
	}
	return mux
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var propagator = propagation.TraceContext{}

// endpoint wraps h, the handler of method and route, with what every API
// request goes through, in order: a server span (continuing the caller's
// W3C trace context), the http.server.request.duration metric and the
// access log, authentication (need is the scope it takes), a bounded wait
// for one of maxConcurrent slots, a body limit (0: no body expected) and the
// request timeout, whose context stops rule evaluation and store calls.
// What does not change from one request to the next (the span's name, the
// metric's attribute sets) is built here, once.
func (s *server) endpoint(method, route string, need scope, maxBody int64, h http.HandlerFunc) http.Handler {
	spanName, metrics := method+" "+route, s.tel.httpMetrics(method, route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, span := s.tel.startServer(r, spanName)
		sw := &statusWriter{ResponseWriter: w}
		client := s.serveAPI(ctx, sw, r, apiCall{need: need, maxBody: maxBody, h: h})
		elapsed := time.Since(start)
		metrics.record(ctx, r.Method, sw.status, elapsed)
		if span.IsRecording() {
			span.SetAttributes(attribute.String("http.request.method", r.Method), attribute.String("http.route", route),
				attribute.Int("http.response.status_code", sw.status))
			if sw.status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(sw.status))
			}
			span.End()
		}
		if s.accessLog || sw.status >= 500 {
			s.log.InfoContext(ctx, "request", "method", r.Method, "route", route, "status", sw.status,
				"duration_ms", float64(elapsed.Microseconds())/1000, "client", client)
		}
	})
}

// apiCall is what serveAPI needs of an endpoint.
type apiCall struct {
	need    scope
	maxBody int64
	h       http.HandlerFunc
}

// serveAPI authenticates, waits for a slot and serves r with ctx (the
// request's context with its span) and the request timeout; it returns the
// client's token name for the access log.
func (s *server) serveAPI(ctx context.Context, w http.ResponseWriter, r *http.Request, c apiCall) string {
	client := "-"
	if s.auth != nil {
		t, ok := s.auth.check(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="strata"`)
			fail(w, http.StatusUnauthorized, "a valid bearer token is required", nil)
			return client
		}
		client = t.name
		if t.scope < c.need {
			fail(w, http.StatusForbidden, "this token's scope ("+t.scope.String()+") does not allow this request; it needs "+c.need.String(), nil)
			return client
		}
	}
	if !s.acquire(ctx) {
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusServiceUnavailable, "too many requests in progress; retry", nil)
		return client
	}
	defer func() { <-s.sem }()
	ctx, cancel := context.WithTimeout(ctx, s.limits.requestTimeout)
	defer cancel()
	r = r.WithContext(ctx) // the one copy of the request
	if c.maxBody > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, c.maxBody)
	}
	c.h(w, r)
	return client
}

// acquire takes one of the concurrency slots, waiting at most queueWait;
// the requests waiting are the queue depth the metrics report.
func (s *server) acquire(ctx context.Context) bool {
	select {
	case s.sem <- struct{}{}:
		return true
	default:
	}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	t := time.NewTimer(s.limits.queueWait)
	defer t.Stop()
	select {
	case s.sem <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// readyz answers 200 when a routing configuration is loaded, the stores
// answer and the server is not shutting down, else 503 with the reasons.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var problems []error
	if !s.ready.Load() {
		problems = append(problems, errors.New("not serving (starting or shutting down)"))
	}
	e := s.eng.Load()
	if e.router == nil {
		problems = append(problems, errors.New("no routing configuration loaded"))
	}
	if err := s.state.Ping(ctx); err != nil {
		problems = append(problems, fmt.Errorf("configuration store: %w", err))
	}
	if p, ok := s.rawStore.(interface{ Ping(context.Context) error }); ok {
		if err := p.Ping(ctx); err != nil {
			problems = append(problems, fmt.Errorf("routing store: %w", err))
		}
	}
	if len(problems) > 0 {
		fail(w, http.StatusServiceUnavailable, "not ready", errors.Join(problems...))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "versions": e.versions})
}

// errorOut is every error's body.
type errorOut struct {
	Error    string   `json:"error"`
	Problems []string `json:"problems,omitempty"`
	// More counts the problems left out of Problems.
	More int `json:"more,omitempty"`
}

// newError lists err's problems (every one a joined error holds, see
// strata.Problems), at most maxProblems of them, each at most maxProblemLen
// bytes.
func newError(msg string, err error) *errorOut {
	e := &errorOut{Error: msg}
	if err == nil {
		return e
	}
	all := strata.Problems(err)
	if len(all) == 0 {
		all = []error{err}
	}
	for i, p := range all {
		if i == maxProblems {
			e.More = len(all) - maxProblems
			break
		}
		e.Problems = append(e.Problems, truncate(p.Error(), maxProblemLen))
	}
	return e
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// fail writes an error.
func fail(w http.ResponseWriter, status int, msg string, err error) {
	writeJSON(w, status, newError(msg, err))
}

// encoder is a buffer with a JSON encoder writing into it, reused across
// responses (a sync.Pool of them): a response costs neither a new buffer
// nor a new encoder.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	return e
}}

// jsonContentType is every JSON response's Content-Type header value,
// shared: net/http and the handlers only ever replace a header's values.
var jsonContentType = []string{"application/json; charset=utf-8"}

// writeJSON writes v with its length; a value whose encoding exceeds
// maxResponseDefault is replaced by an error.
func writeJSON(w http.ResponseWriter, status int, v any) {
	e := encoders.Get().(*encoder)
	defer func() {
		if e.buf.Cap() <= 1<<20 { // a huge buffer is left to the collector
			e.buf.Reset()
			encoders.Put(e)
		}
	}()
	if err := e.enc.Encode(v); err != nil || e.buf.Len() > maxResponseDefault {
		e.buf.Reset()
		status = http.StatusUnprocessableEntity
		_ = e.enc.Encode(newError("the response would be too large or could not be encoded; ask for less (routing again is idempotent)", err))
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(e.buf.Len())}
	w.WriteHeader(status)
	_, _ = w.Write(e.buf.Bytes())
}

// batchBuffers are the buffers batch responses are appended to, reused.
var batchBuffers = sync.Pool{New: func() any { return new([]byte) }}

// writeBatch writes a batch's results, as writeJSON would (appendBatch
// writes the same bytes encoding/json does, without reflection); an
// encoding failure or an oversized response is left to writeJSON, which
// answers it as it answers any other.
func writeBatch(w http.ResponseWriter, out *batchOut) {
	bp := batchBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 4<<20 { // a huge buffer is left to the collector
			*bp = (*bp)[:0]
			batchBuffers.Put(bp)
		}
	}()
	b, err := appendBatch((*bp)[:0], out)
	*bp = b
	if err != nil || len(b) > maxResponseDefault {
		writeJSON(w, http.StatusOK, out)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// decode reads r's JSON body into v, refusing unknown fields and trailing
// data; on failure it has written a 400 (413 for a body over the limit) and
// returns false.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, rest := dec.Token(); rest != io.EOF {
			err = errors.New("more than one JSON value in the body")
		}
	}
	if err != nil {
		failBody(w, err)
		return false
	}
	return true
}

// failBody answers a body that could not be read or decoded: 400, or 413
// for a body over the limit.
func failBody(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		status = http.StatusRequestEntityTooLarge
	}
	fail(w, status, "malformed request body", err)
}

// decodeStrict is decode for bytes.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value")
	}
	return nil
}
