// Command sidecar serves Strata's routing and tiering engines over HTTP and
// JSON, for CRMs not written in Go: run it beside the CRM and call it
// instead of linking the library.
//
//	go run ./examples/sidecar                       # the sample team and starter tiers
//	go run ./examples/sidecar -routing team.json -tiering tiers.json -addr :8080
//
// Endpoints (JSON in and out, snake_case as in the library's types):
//
//	POST /v1/route              a routing.Request  → a routing.Decision, with "why"
//	POST /v1/release            {"item"}           → the ended routing.Assignment
//	POST /v1/reassign           {"item", "to", "reason", "now"} → a routing.Decision
//	POST /v1/classify           a strata.Customer  → a tiering.Placement, with "why"
//	PUT  /v1/config/routing     a routing.Config   → swaps the router; the store stays
//	PUT  /v1/config/tiering     a tiering.Config   → swaps the tiering engine
//	GET  /healthz
//
// A request without "now" is decided at the server's clock; send it to get
// the same decision every time. Errors come back as {"error", "problems"}:
// 400 for malformed JSON, 422 for an invalid record or configuration (every
// problem listed, rules with line and column), 404 for an unknown item, 409
// when the target agent is full, 503 when the store fails. State lives in
// an in-memory store: this example keeps no data across restarts; a real
// deployment passes its own routing.Store to newServer.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/tiering"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	routingFile := flag.String("routing", "", "routing configuration (JSON); default: the sample team")
	tieringFile := flag.String("tiering", "", "tiering configuration (JSON); default: the starter tiers")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, *routingFile, *tieringFile, log); err != nil {
		log.Error("sidecar stopped", "err", err)
		os.Exit(1)
	}
}

func run(addr, routingFile, tieringFile string, log *slog.Logger) error {
	rcfg, tcfg := sample.Team(), tiering.StarterConfig(sample.Home)
	if err := readJSON(routingFile, &rcfg); err != nil {
		return err
	}
	if err := readJSON(tieringFile, &tcfg); err != nil {
		return err
	}
	s, err := newServer(rcfg, tcfg, routing.NewMemoryStore(), time.Now, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv := &http.Server{Addr: addr, Handler: s.handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("sidecar listening", "addr", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func readJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// server holds the current engines. Each is immutable; a configuration
// change compiles a new one and swaps the pointer, so requests in flight
// finish on the engine they started with.
type server struct {
	router atomic.Pointer[routing.Router]
	tiers  atomic.Pointer[tiering.Engine]
	store  routing.Store
	now    func() time.Time
	log    *slog.Logger
}

func newServer(rcfg routing.Config, tcfg tiering.Config, store routing.Store, now func() time.Time, log *slog.Logger) (*server, error) {
	s := &server{store: store, now: now, log: log}
	if err := s.setRouting(rcfg); err != nil {
		return nil, fmt.Errorf("routing configuration: %w", err)
	}
	if err := s.setTiering(tcfg); err != nil {
		return nil, fmt.Errorf("tiering configuration: %w", err)
	}
	return s, nil
}

func (s *server) setRouting(cfg routing.Config) error {
	r, err := routing.New(cfg, s.store, routing.WithConverter(sample.Rates), routing.WithLogger(s.log))
	if err != nil {
		return err
	}
	s.router.Store(r)
	return nil
}

func (s *server) setTiering(cfg tiering.Config) error {
	e, err := tiering.New(cfg, tiering.WithConverter(sample.Rates))
	if err != nil {
		return err
	}
	s.tiers.Store(e)
	return nil
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST /v1/route", s.route)
	mux.HandleFunc("POST /v1/release", s.release)
	mux.HandleFunc("POST /v1/reassign", s.reassign)
	mux.HandleFunc("POST /v1/classify", s.classify)
	mux.HandleFunc("PUT /v1/config/routing", s.putRouting)
	mux.HandleFunc("PUT /v1/config/tiering", s.putTiering)
	return mux
}

// decisionOut is a decision with its explanation for people.
type decisionOut struct {
	routing.Decision
	Why string `json:"why"`
}

func (s *server) route(w http.ResponseWriter, r *http.Request) {
	var req routing.Request
	if !decode(w, r, &req) {
		return
	}
	if req.Now.IsZero() {
		req.Now = s.now()
	}
	if err := req.Customer.Validate(); err != nil {
		fail(w, http.StatusUnprocessableEntity, "invalid customer", err)
		return
	}
	d, err := s.router.Load().Route(r.Context(), req)
	if err != nil {
		s.storeOr(w, http.StatusUnprocessableEntity, "cannot route", err)
		return
	}
	writeJSON(w, http.StatusOK, decisionOut{d, d.Why()})
}

func (s *server) release(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Item string `json:"item"`
	}
	if !decode(w, r, &in) {
		return
	}
	a, err := s.router.Load().Release(r.Context(), in.Item)
	switch {
	case errors.Is(err, routing.ErrUnknownItem):
		fail(w, http.StatusNotFound, "unknown item", err)
	case err != nil:
		s.storeOr(w, http.StatusInternalServerError, "cannot release", err)
	default:
		writeJSON(w, http.StatusOK, a)
	}
}

func (s *server) reassign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Item   string    `json:"item"`
		To     string    `json:"to"`
		Reason string    `json:"reason"`
		Now    time.Time `json:"now"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Now.IsZero() {
		in.Now = s.now()
	}
	d, err := s.router.Load().Reassign(r.Context(), in.Item, in.To, in.Reason, in.Now)
	switch {
	case errors.Is(err, routing.ErrUnknownItem), errors.Is(err, routing.ErrUnknownAgent):
		fail(w, http.StatusNotFound, "cannot reassign", err)
	case errors.Is(err, routing.ErrOverCapacity), errors.Is(err, routing.ErrAgentUnavailable):
		fail(w, http.StatusConflict, "cannot reassign", err)
	case err != nil:
		s.storeOr(w, http.StatusInternalServerError, "cannot reassign", err)
	default:
		writeJSON(w, http.StatusOK, decisionOut{d, d.Why()})
	}
}

// placementOut is a placement with its explanation for people.
type placementOut struct {
	tiering.Placement
	Why string `json:"why"`
}

func (s *server) classify(w http.ResponseWriter, r *http.Request) {
	var c strata.Customer
	if !decode(w, r, &c) {
		return
	}
	if err := c.Validate(); err != nil {
		fail(w, http.StatusUnprocessableEntity, "invalid customer", err)
		return
	}
	now := s.now()
	if q := r.URL.Query().Get("now"); q != "" {
		t, err := time.Parse(time.RFC3339, q)
		if err != nil {
			fail(w, http.StatusBadRequest, "now must be RFC 3339", err)
			return
		}
		now = t
	}
	p, err := s.tiers.Load().Classify(r.Context(), &c, now)
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, "cannot classify", err)
		return
	}
	writeJSON(w, http.StatusOK, placementOut{p, p.Why()})
}

func (s *server) putRouting(w http.ResponseWriter, r *http.Request) {
	var cfg routing.Config
	if !decode(w, r, &cfg) {
		return
	}
	if err := s.setRouting(cfg); err != nil {
		fail(w, http.StatusUnprocessableEntity, "invalid routing configuration; the current one stays", err)
		return
	}
	s.log.Info("routing configuration replaced", "agents", len(cfg.Agents), "pools", len(cfg.Pools), "rules", len(cfg.Rules))
	writeJSON(w, http.StatusOK, map[string]int{"agents": len(cfg.Agents), "pools": len(cfg.Pools), "rules": len(cfg.Rules)})
}

func (s *server) putTiering(w http.ResponseWriter, r *http.Request) {
	var cfg tiering.Config
	if !decode(w, r, &cfg) {
		return
	}
	if err := s.setTiering(cfg); err != nil {
		fail(w, http.StatusUnprocessableEntity, "invalid tiering configuration; the current one stays", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"ladders": len(cfg.Ladders), "segments": len(cfg.Segments)})
}

// maxBody bounds a request body: a routing configuration of thousands of
// agents fits with room to spare.
const maxBody = 8 << 20

// decode reads r's JSON body into v, refusing unknown fields and trailing
// data; on failure it has written a 400 and returns false.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value in the body")
	}
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		fail(w, status, "malformed request body", err)
		return false
	}
	return true
}

// storeOr answers 503 for a store failure (the client may retry), else
// status.
func (s *server) storeOr(w http.ResponseWriter, status int, msg string, err error) {
	if errors.Is(err, routing.ErrStore) {
		s.log.Warn("store failed", "err", err)
		status, msg = http.StatusServiceUnavailable, "the routing store failed; retry"
	}
	fail(w, status, msg, err)
}

type errorOut struct {
	Error    string   `json:"error"`
	Problems []string `json:"problems"`
}

// fail writes an error with every problem err joins, one per entry.
func fail(w http.ResponseWriter, status int, msg string, err error) {
	var problems []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			problems = append(problems, e.Error())
		}
	} else {
		problems = []string{err.Error()}
	}
	writeJSON(w, status, errorOut{Error: msg, Problems: problems})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
