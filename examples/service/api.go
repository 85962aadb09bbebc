package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/tiering"
)

// decisionOut is a decision with its explanation for people.
type decisionOut struct {
	routing.Decision
	Why string `json:"why,omitempty"`
}

func (s *server) route(w http.ResponseWriter, r *http.Request) {
	var req routing.Request
	if !decode(w, r, &req) {
		return
	}
	var out decisionOut
	status, e := s.routeOne(r.Context(), s.eng.Load(), &req, &out)
	if e != nil {
		writeJSON(w, status, e)
		return
	}
	writeJSON(w, http.StatusOK, &out)
}

// routeOne routes one request on e into out; on failure it returns the
// status and error to answer with, and out is left as it was.
func (s *server) routeOne(ctx context.Context, e *engines, req *routing.Request, out *decisionOut) (int, *errorOut) {
	if req.Now.IsZero() {
		req.Now = s.now()
	}
	if err := req.Customer.Validate(); err != nil {
		return http.StatusUnprocessableEntity, newError("invalid customer", err)
	}
	ctx, span := s.tel.strata.Start(ctx, "routing", "route")
	d, err := e.router.Route(ctx, *req)
	span.End()
	if err != nil {
		status, msg := s.failure(ctx, err, http.StatusUnprocessableEntity, "cannot route")
		return status, newError(msg, err)
	}
	out.Decision = d
	if !req.Quiet {
		out.Why = d.Why()
	}
	return http.StatusOK, nil
}

// failure maps an engine error to a status: 503 for a failing store or a
// request out of time (the client may retry; routing is idempotent), else
// status.
func (s *server) failure(ctx context.Context, err error, status int, msg string) (int, string) {
	switch {
	case errors.Is(err, routing.ErrStore):
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return http.StatusServiceUnavailable, "the request ran out of time; retry"
		}
		return http.StatusServiceUnavailable, "the routing store failed; retry"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "the request ran out of time; retry"
	}
	return status, msg
}

// batchIn is a batch of routing requests.
type batchIn struct {
	Requests []routing.Request `json:"requests"`
	// Quiet drops every decision's trace and explanation (the decisions
	// are otherwise the same), for bulk intake.
	Quiet bool `json:"quiet,omitempty"`
}

// batchResult is one request's answer: a decision, or an error with the
// status a single request would have had.
type batchResult struct {
	Status   int          `json:"status"`
	Decision *decisionOut `json:"decision,omitempty"`
	Error    *errorOut    `json:"error,omitempty"`
}

type batchOut struct {
	Results []batchResult `json:"results"`
}

// routeBatch routes many requests in one HTTP request, in order, one
// result each: the per-request HTTP and JSON overhead was 95% of the
// server's CPU for single requests. Requests are routed one after another,
// as they would be one by one, so the decisions are the same. If the
// request's time runs out, the remaining requests answer 503.
func (s *server) routeBatch(w http.ResponseWriter, r *http.Request) {
	b := batchScratches.Get().(*batchScratch)
	defer b.release()
	if err := decodeBatch(r.Body, &b.in, s.limits.maxBatch); err != nil {
		if errors.Is(err, errTooMany) {
			fail(w, http.StatusRequestEntityTooLarge, "too many requests in one batch: at most "+strconv.Itoa(s.limits.maxBatch), nil)
			return
		}
		failBody(w, err)
		return
	}
	e, in := s.eng.Load(), &b.in
	results, decisions := b.sized(len(in.Requests))
	ctx, flush := s.tel.strata.Tally(r.Context()) // one strata.decisions Add per series, not per request
	defer flush(ctx)                              // counted even if a request panics the handler
	for i := range in.Requests {
		req := &in.Requests[i]
		req.Quiet = req.Quiet || in.Quiet
		status, err := s.routeOne(ctx, e, req, &decisions[i])
		results[i] = batchResult{Status: status, Error: err}
		if err == nil {
			results[i].Decision = &decisions[i]
		}
	}
	writeBatch(w, &batchOut{Results: results})
}

// releaseIn names the item to release.
type releaseIn struct {
	Item string `json:"item"`
}

func (s *server) release(w http.ResponseWriter, r *http.Request) {
	var in releaseIn
	if !decode(w, r, &in) {
		return
	}
	ctx, span := s.tel.strata.Start(r.Context(), "routing", "release")
	a, err := s.eng.Load().router.Release(ctx, in.Item)
	span.End()
	switch {
	case errors.Is(err, routing.ErrUnknownItem):
		fail(w, http.StatusNotFound, "unknown item", err)
	case err != nil:
		status, msg := s.failure(ctx, err, http.StatusUnprocessableEntity, "cannot release")
		fail(w, status, msg, err)
	default:
		writeJSON(w, http.StatusOK, a)
	}
}

// reassignIn moves an item to agent To, for Reason, at Now (default the
// server's clock).
type reassignIn struct {
	Item   string    `json:"item"`
	To     string    `json:"to"`
	Reason string    `json:"reason,omitempty"`
	Now    time.Time `json:"now,omitzero"`
}

func (s *server) reassign(w http.ResponseWriter, r *http.Request) {
	var in reassignIn
	if !decode(w, r, &in) {
		return
	}
	if in.Now.IsZero() {
		in.Now = s.now()
	}
	ctx, span := s.tel.strata.Start(r.Context(), "routing", "reassign")
	d, err := s.eng.Load().router.Reassign(ctx, in.Item, in.To, in.Reason, in.Now)
	span.End()
	switch {
	case errors.Is(err, routing.ErrUnknownItem), errors.Is(err, routing.ErrUnknownAgent):
		fail(w, http.StatusNotFound, "cannot reassign", err)
	case errors.Is(err, routing.ErrOverCapacity), errors.Is(err, routing.ErrAgentUnavailable):
		fail(w, http.StatusConflict, "cannot reassign", err)
	case err != nil:
		status, msg := s.failure(ctx, err, http.StatusUnprocessableEntity, "cannot reassign")
		fail(w, status, msg, err)
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
	e := s.eng.Load().tiers
	if e == nil {
		fail(w, http.StatusServiceUnavailable, "no tiering configuration loaded (PUT /v1/config/tiering)", nil)
		return
	}
	p, err := s.classifyOne(r.Context(), e, &c, now)
	if err != nil {
		status, msg := s.failure(r.Context(), err, http.StatusUnprocessableEntity, "cannot classify")
		fail(w, status, msg, err)
		return
	}
	writeJSON(w, http.StatusOK, placementOut{p, p.Why()})
}

// classifyOne classifies c in a span, and reports it to the observer as
// tiering's batches report themselves (tiering.Engine.Classify reports
// nothing of its own): outcome "classified" with the primary tier as its
// label, or "error".
func (s *server) classifyOne(ctx context.Context, e *tiering.Engine, c *strata.Customer, now time.Time) (tiering.Placement, error) {
	ctx, span := s.tel.strata.Start(ctx, "tiering", "classify")
	start := time.Now()
	p, err := e.Classify(ctx, c, now)
	ev := strata.Event{Package: "tiering", Op: "classify", Outcome: "classified", Start: start, Duration: time.Since(start), Err: err}
	if err != nil {
		ev.Outcome = "error"
	} else if tier := p.Tier(); tier != "" {
		ev.Labels = []strata.Label{{Key: "tier", Value: tier}}
	}
	s.tel.strata.Observer()(ctx, ev)
	span.End()
	return p, err
}

// configOut answers a configuration change.
type configOut struct {
	Kind    string `json:"kind"`
	Version int64  `json:"version"`
}

// getConfig answers the configuration in use, its version in the ETag.
func (s *server) getConfig(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if !knownKind(kind) {
		fail(w, http.StatusNotFound, "unknown configuration kind: want routing, tiering or rates", nil)
		return
	}
	e := s.eng.Load()
	var v any
	switch {
	case kind == kindRouting && e.router != nil:
		v = e.router.Config()
	case kind == kindTiering && e.tiers != nil:
		v = e.tiers.Config()
	case kind == kindRates && e.rates != nil:
		v = e.rates
	default:
		fail(w, http.StatusNotFound, "no "+kind+" configuration loaded", nil)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(e.versions[kind], 10)))
	writeJSON(w, http.StatusOK, v)
}

func knownKind(kind string) bool {
	return kind == kindRouting || kind == kindTiering || kind == kindRates
}

// putConfig replaces a configuration, JSON or YAML: it is checked and
// compiled first (422 with every problem; the one in use stays), then
// stored as the next version, which every instance on the same store loads.
// If-Match: "<version>" refuses the change (412) unless that version is
// still the latest.
func (s *server) putConfig(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if !knownKind(kind) {
		fail(w, http.StatusNotFound, "unknown configuration kind: want routing, tiering or rates", nil)
		return
	}
	expect := int64(-1)
	if m := r.Header.Get("If-Match"); m != "" {
		v, err := strconv.ParseInt(strings.Trim(m, `"`), 10, 64)
		if err != nil || v < 0 {
			fail(w, http.StatusBadRequest, `If-Match must be a version, "3"`, nil)
			return
		}
		expect = v
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		fail(w, status, "cannot read the body", err)
		return
	}
	body, err := s.validate(kind, data)
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, "invalid "+kind+" configuration; the current one stays", err)
		return
	}
	d, err := s.state.Put(r.Context(), kind, body, expect)
	switch {
	case errors.Is(err, errVersionConflict):
		fail(w, http.StatusPreconditionFailed, err.Error(), nil)
		return
	case err != nil:
		fail(w, http.StatusServiceUnavailable, "the configuration store failed; nothing changed", err)
		return
	}
	if err := s.reload(r.Context(), kind); err != nil {
		fail(w, http.StatusServiceUnavailable, "stored as version "+strconv.FormatInt(d.Version, 10)+" but not loaded here yet", err)
		return
	}
	s.log.InfoContext(r.Context(), "configuration replaced", "kind", kind, "version", d.Version)
	writeJSON(w, http.StatusOK, configOut{Kind: kind, Version: d.Version})
}
