package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/strata-go/strata/routing/pgstore"
)

// defaultPGConns is the connection pool size when the DSN sets none
// (pgxpool's own default is 4, which 16 concurrent clients queue on).
const defaultPGConns = 32

// openPostgres connects to PostgreSQL and opens both stores on one pool:
// the routing store (routing/pgstore, schema strata_routing) and the
// configuration store (table strata_service_configs). Both create what
// they need under advisory locks, so instances may start at once.
func openPostgres(ctx context.Context, dsn string, log *slog.Logger) (*backend, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("-dsn: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultPGConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	store, err := pgstore.New(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	state, err := newPGState(ctx, pool, log)
	if err != nil {
		pool.Close()
		return nil, err
	}
	log.Info("PostgreSQL store", "schema", store.Schema(), "max_conns", cfg.MaxConns)
	return &backend{store: store, state: state, kind: "postgres", closeFn: func() error { pool.Close(); return nil }}, nil
}
