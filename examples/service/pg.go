package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// openPostgres connects to PostgreSQL: the configuration store, and the
// routing store (routing/pgstore).
func openPostgres(ctx context.Context, dsn string, log *slog.Logger) (*backend, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	state, err := newPGState(ctx, pool, log)
	if err != nil {
		pool.Close()
		return nil, err
	}
	_ = state
	pool.Close()
	return nil, errors.New("-store postgres: routing/pgstore is not available yet")
}
