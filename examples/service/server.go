package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/tiering"
)

// engines are the compiled configurations a request uses, all from one
// moment: each is immutable, and a change builds a new engines value and
// swaps the pointer, so requests in flight finish on the ones they started
// with.
type engines struct {
	router     *routing.Router // nil until a routing configuration is loaded
	tiers      *tiering.Engine // nil without a tiering configuration
	routingCfg routing.Config
	tieringCfg *tiering.Config
	rates      *strata.Rates
	versions   map[string]int64 // by kind; 0: none
}

// server is the HTTP service over the current engines.
type server struct {
	serverDeps
	eng      atomic.Pointer[engines]
	swap     sync.Mutex // serializes rebuilds
	ready    atomic.Bool
	sem      chan struct{}
	waiting  atomic.Int64
	rawStore routing.Store // the store as given, for Ping
}

// serverDeps is what a server is built from.
type serverDeps struct {
	store     routing.Store // the routing store, instrumented
	state     configStore
	tel       *telemetry
	auth      *authenticator // nil: no authentication
	log       *slog.Logger
	now       func() time.Time
	limits    limits
	accessLog bool
	storeKind string // memory or postgres, for the log
}

func newServer(_ context.Context, d serverDeps) (*server, error) {
	if d.store == nil || d.state == nil || d.tel == nil || d.log == nil || d.now == nil {
		return nil, errors.New("newServer: missing dependency")
	}
	s := &server{serverDeps: d, rawStore: d.store, sem: make(chan struct{}, d.limits.maxConcurrent)}
	if _, mem := d.store.(*routing.MemoryStore); !mem || d.tel.tracing {
		// A memory store answers in a few hundred nanoseconds: timing each
		// call would cost more than the call (17% of a batch's CPU). Its
		// calls are timed when spans are exported, and always on PostgreSQL.
		s.store = d.tel.strata.Store(d.store)
	}
	if err := d.tel.queueGauge(func() int64 { return s.waiting.Load() }); err != nil {
		return nil, err
	}
	s.eng.Store(&engines{versions: map[string]int64{}})
	return s, nil
}

// seed stores the configuration files the command line names for kinds the
// configuration store has no version of (the database wins over the files
// once it holds one), then loads every kind's latest version.
func (s *server) seed(ctx context.Context, c config) error {
	files := map[string]string{kindRouting: c.routingFile, kindTiering: c.tieringFile, kindRates: c.ratesFile}
	for _, kind := range kinds {
		if files[kind] == "" {
			continue
		}
		data, err := os.ReadFile(files[kind])
		if err != nil {
			return err
		}
		body, err := s.validate(kind, data)
		if err != nil {
			return fmt.Errorf("%s: %w", files[kind], err)
		}
		stored, err := s.state.Seed(ctx, kind, body)
		if err != nil {
			return err
		}
		if !stored {
			s.log.Info("the configuration store already holds this kind; the file was not used", "kind", kind, "file", files[kind])
		}
	}
	for _, kind := range kinds {
		if err := s.reload(ctx, kind); err != nil {
			return err
		}
	}
	if s.eng.Load().router == nil {
		return errors.New("no routing configuration: pass -routing FILE (or PUT one to another instance on the same database)")
	}
	return nil
}

// parsed is one kind's configuration, read and checked.
type parsed struct {
	routing routing.Config
	tiering tiering.Config
	rates   strata.Rates
}

// parse reads a configuration of kind from JSON or YAML, strictly.
func parse(kind string, data []byte) (parsed, error) {
	var p parsed
	var err error
	switch kind {
	case kindRouting:
		p.routing, err = routing.ParseConfig(data)
	case kindTiering:
		p.tiering, err = tiering.ParseConfig(data)
	case kindRates:
		p.rates, err = parseRates(data)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	return p, err
}

// validate parses data as kind and builds it against the current
// configuration (so a routing or tiering configuration is compiled, every
// problem reported); it returns the canonical JSON to store.
func (s *server) validate(kind string, data []byte) ([]byte, error) {
	p, err := parse(kind, data)
	if err != nil {
		return nil, err
	}
	cur := *s.eng.Load()
	if err := cur.set(kind, p); err != nil {
		return nil, err
	}
	r, _, err := s.build(&cur, kind)
	if err != nil {
		return nil, err
	}
	if r != nil {
		_ = r.Close(context.Background()) // built to check, never used
	}
	switch kind {
	case kindRouting:
		return json.Marshal(p.routing)
	case kindTiering:
		return json.Marshal(p.tiering)
	}
	return json.Marshal(p.rates)
}

// set puts p, of kind, into e.
func (e *engines) set(kind string, p parsed) error {
	switch kind {
	case kindRouting:
		e.routingCfg = p.routing
	case kindTiering:
		e.tieringCfg = &p.tiering
	case kindRates:
		e.rates = &p.rates
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return nil
}

// build compiles what a change of kind affects (rates affect both engines)
// into e, and returns the engines it built.
func (s *server) build(e *engines, kind string) (*routing.Router, *tiering.Engine, error) {
	var r *routing.Router
	var t *tiering.Engine
	var err error
	if kind != kindTiering && (kind == kindRouting || e.router != nil) {
		opts := []routing.Option{routing.WithLogger(s.log), routing.WithObserver(s.tel.strata.Observer()),
			routing.WithLogLevel(routing.Unassigned, slog.LevelInfo)}
		if e.rates != nil {
			opts = append(opts, routing.WithConverter(*e.rates))
		}
		if r, err = routing.New(e.routingCfg, s.store, opts...); err != nil {
			return nil, nil, err
		}
	}
	if kind != kindRouting && e.tieringCfg != nil {
		opts := []tiering.Option{tiering.WithObserver(s.tel.strata.Observer()), tiering.WithLogger(s.log)}
		if e.rates != nil {
			opts = append(opts, tiering.WithConverter(*e.rates))
		}
		if t, err = tiering.New(*e.tieringCfg, opts...); err != nil {
			if r != nil {
				_ = r.Close(context.Background())
			}
			return nil, nil, err
		}
	}
	return r, t, nil
}

// reload loads kind's latest stored version if it is newer than the one in
// use, builds it and swaps it in. A version that does not build (stored by
// an instance running another release, say) is logged and the engines in
// use stay.
func (s *server) reload(ctx context.Context, kind string) error {
	d, ok, err := s.state.Latest(ctx, kind)
	if err != nil || !ok {
		return err
	}
	s.swap.Lock()
	defer s.swap.Unlock()
	cur := s.eng.Load()
	if d.Version <= cur.versions[kind] {
		return nil
	}
	p, err := parse(kind, d.Body)
	if err != nil {
		return fmt.Errorf("stored %s configuration version %d: %w", kind, d.Version, err)
	}
	next := *cur
	next.versions = map[string]int64{}
	for k, v := range cur.versions {
		next.versions[k] = v
	}
	next.versions[kind] = d.Version
	if err := next.set(kind, p); err != nil {
		return err
	}
	r, t, err := s.build(&next, kind)
	if err != nil {
		return fmt.Errorf("stored %s configuration version %d: %w", kind, d.Version, err)
	}
	if r != nil {
		next.router = r
	}
	if t != nil {
		next.tiers = t
	}
	s.eng.Store(&next)
	if r != nil && cur.router != nil {
		// Requests in flight on the old router finish; Close only drops
		// the store's lines for its pools, and a closed router still routes.
		if err := cur.router.Close(context.WithoutCancel(ctx)); err != nil {
			s.log.WarnContext(ctx, "closing the replaced router", "err", err)
		}
	}
	s.log.InfoContext(ctx, "configuration loaded", "kind", kind, "version", d.Version)
	return nil
}

// watch reloads every kind another instance changes, until ctx is done.
func (s *server) watch(ctx context.Context, poll time.Duration) {
	s.state.Listen(ctx, poll, func(kind string) {
		if err := s.reload(ctx, kind); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "a stored configuration could not be loaded; the one in use stays", "kind", kind, "err", err)
		}
	})
}

// close closes the current router, once the server has stopped.
func (s *server) close() {
	if r := s.eng.Load().router; r != nil {
		_ = r.Close(context.Background())
	}
}

// parseRates reads exchange rates from JSON or YAML, strictly: base and
// every currency must be ISO 4217 codes, and every rate positive.
func parseRates(data []byte) (strata.Rates, error) {
	var r strata.Rates
	text := strings.TrimSpace(string(data))
	if !strings.HasPrefix(text, "{") {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return r, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return r, err
		}
		data = b
	}
	if err := decodeStrict(data, &r); err != nil {
		return r, err
	}
	var errs []error
	if !strata.IsCurrency(r.Base) {
		errs = append(errs, fmt.Errorf("base: %q is not an ISO 4217 currency", r.Base))
	}
	if len(r.PerBase) == 0 {
		errs = append(errs, errors.New("per_base: no rates"))
	}
	for _, c := range sortedKeys(r.PerBase) {
		if !strata.IsCurrency(c) {
			errs = append(errs, fmt.Errorf("per_base.%s: not an ISO 4217 currency", c))
		}
		if !r.PerBase[c].IsPositive() {
			errs = append(errs, fmt.Errorf("per_base.%s: the rate must be positive", c))
		}
	}
	return r, errors.Join(errs...)
}
