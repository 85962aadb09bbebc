package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/strata-go/strata/routing"
)

// config is the service's command line.
type config struct {
	addr                           string
	store                          string
	dsn                            string
	routingFile, tieringFile       string
	ratesFile, tokensFile          string
	insecure                       bool
	tlsCert, tlsKey                string
	logLevel                       slog.Level
	accessLog                      bool
	configPoll                     time.Duration
	limits                         limits
	readHeaderTimeout, readTimeout time.Duration
	writeTimeout, idleTimeout      time.Duration
	shutdownTimeout                time.Duration
	pprofAddr                      string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port, logged)")
	fs.StringVar(&c.store, "store", "memory", "where state lives: memory (lost on exit) or postgres")
	fs.StringVar(&c.dsn, "dsn", "", "PostgreSQL connection string for -store postgres (default: $STRATA_PG_DSN, then $DATABASE_URL)")
	fs.StringVar(&c.routingFile, "routing", "", "routing configuration, JSON or YAML")
	fs.StringVar(&c.tieringFile, "tiering", "", "tiering configuration, JSON or YAML (optional: without one /v1/classify answers 503)")
	fs.StringVar(&c.ratesFile, "rates", "", "exchange rates, JSON or YAML {base, per_base} (optional)")
	fs.StringVar(&c.tokensFile, "tokens", "", `bearer tokens, one "name scope token" a line, scope route or admin (default: $STRATA_TOKENS)`)
	fs.BoolVar(&c.insecure, "insecure", false, "serve without authentication (logged as a warning; never in production)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with -tls-key, serve HTTPS")
	fs.StringVar(&c.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn, error")
	fs.BoolVar(&c.accessLog, "access-log", false, "log every request at info level (else only failures)")
	fs.DurationVar(&c.configPoll, "config-poll", 10*time.Second, "with postgres, how often to check for configuration versions a missed notification did not bring")
	fs.DurationVar(&c.readHeaderTimeout, "read-header-timeout", 5*time.Second, "time to read a request's headers")
	fs.DurationVar(&c.readTimeout, "read-timeout", 30*time.Second, "time to read a whole request, body included")
	fs.DurationVar(&c.writeTimeout, "write-timeout", 60*time.Second, "time from the end of the request's headers to the end of the response")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 60*time.Second, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 25*time.Second, "on SIGTERM, how long requests in flight may take to finish")
	fs.DurationVar(&c.limits.requestTimeout, "request-timeout", 10*time.Second, "how long one request may take; its rules and store calls stop then")
	fs.DurationVar(&c.limits.queueWait, "queue-wait", time.Second, "how long a request waits for a free slot before a 503")
	fs.IntVar(&c.limits.maxConcurrent, "max-concurrent", 256, "requests served at once; more wait (-queue-wait)")
	fs.IntVar(&c.limits.maxBatch, "max-batch", 1000, "requests in one batch at most")
	fs.Int64Var(&c.limits.maxBody, "max-body", 1<<20, "largest request body in bytes for route, release, reassign and classify")
	fs.Int64Var(&c.limits.maxBigBody, "max-config-body", 16<<20, "largest request body in bytes for batches and configurations")
	fs.StringVar(&c.pprofAddr, "pprof", "", "serve net/http/pprof's profiles at /debug/pprof/ on this address, a listener of its own without authentication (default: off; keep it on loopback)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.dsn == "" {
		c.dsn = firstEnv("STRATA_PG_DSN", "DATABASE_URL")
	}
	switch {
	case c.store != "memory" && c.store != "postgres":
		return c, fmt.Errorf("-store %q: want memory or postgres", c.store)
	case c.store == "postgres" && c.dsn == "":
		return c, errors.New("-store postgres needs -dsn (or STRATA_PG_DSN)")
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return c, errors.New("-tls-cert and -tls-key go together")
	case c.limits.maxConcurrent < 1 || c.limits.maxBatch < 1 || c.limits.maxBody < 1 || c.limits.maxBigBody < 1:
		return c, errors.New("-max-concurrent, -max-batch, -max-body and -max-config-body must be positive")
	}
	return c, nil
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, c.logLevel)
	if err != nil {
		return err
	}
	auth, err := loadAuth(c, log)
	if err != nil {
		return err
	}
	tel, err := newTelemetry(ctx)
	if err != nil {
		return err
	}
	defer tel.shutdown(log)
	back, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer back.close(log)
	s, err := newServer(ctx, serverDeps{storeKind: back.kind, store: back.store, state: back.state, tel: tel, auth: auth, log: log,
		now: time.Now, limits: c.limits, accessLog: c.accessLog})
	if err != nil {
		return err
	}
	if err := s.seed(ctx, c); err != nil {
		return err
	}
	defer s.close()
	go s.watch(ctx, c.configPoll)
	return serve(ctx, c, s, log)
}

// serve listens and serves s until ctx is done; then it stops accepting,
// waits for the requests in flight (at most c.shutdownTimeout) and returns.
func serve(ctx context.Context, c config, s *server, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: c.readHeaderTimeout,
		ReadTimeout:       c.readTimeout,
		WriteTimeout:      c.writeTimeout,
		IdleTimeout:       c.idleTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	debug, err := startDebug(c.pprofAddr, log)
	if err != nil {
		return fmt.Errorf("-pprof: %w", err)
	}
	if debug != nil {
		defer debug.Close()
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if c.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("TLS: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln, scheme = tls.NewListener(ln, srv.TLSConfig), "https"
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.ready.Store(true)
	log.Info("listening", "addr", ln.Addr().String(), "scheme", scheme, "store", s.storeKind)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	log.Info("shutting down: finishing requests in flight", "timeout", c.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if err != nil {
		log.Warn("requests still in flight at the shutdown deadline were cut off", "err", err)
		srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// backend is where state lives: the routing store and the configuration
// store, with what closes them.
type backend struct {
	store   routing.Store
	state   configStore
	kind    string
	closeFn func() error
}

func (b *backend) close(log *slog.Logger) {
	if b.state != nil {
		b.state.Close()
	}
	if b.closeFn != nil {
		if err := b.closeFn(); err != nil {
			log.Warn("closing the store", "err", err)
		}
	}
}

func openBackend(ctx context.Context, c config, log *slog.Logger) (*backend, error) {
	if c.store == "memory" {
		log.Warn("the memory store keeps assignments and configuration changes only until the process exits")
		return &backend{store: routing.NewMemoryStore(), state: newMemoryState(), kind: "memory"}, nil
	}
	return openPostgres(ctx, c.dsn, log)
}
