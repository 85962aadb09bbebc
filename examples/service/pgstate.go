package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgState keeps versioned configurations in PostgreSQL, in one table:
//
//	strata_service_configs(kind, version, body jsonb, created_at), primary key (kind, version)
//
// Put takes a transaction-scoped advisory lock, reads the latest version,
// inserts the next one and sends NOTIFY strata_service_config with the kind
// as payload; PostgreSQL delivers the notification only when the
// transaction commits, so no instance ever hears of a version it cannot
// read. Every instance LISTENs on one connection of its own and reloads the
// kind it hears of; since a notification sent while a listener is
// reconnecting is lost, each instance also polls the latest versions every
// poll interval, and once after every reconnection. Rows are never updated
// or deleted: the table is the history of every configuration.
type pgState struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

const (
	pgChannel = "strata_service_config"
	// pgLockKey is the advisory lock that serializes schema creation and
	// version numbering (an arbitrary constant: "strata" in ASCII).
	pgLockKey = 0x737472617461
)

const pgSchema = `CREATE TABLE IF NOT EXISTS strata_service_configs (
	kind       text        NOT NULL,
	version    bigint      NOT NULL CHECK (version > 0),
	body       jsonb       NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (kind, version)
)`

func newPGState(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) (*pgState, error) {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgLockKey)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, pgSchema)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("creating the configuration table: %w", err)
	}
	return &pgState{pool: pool, log: log}, nil
}

func (p *pgState) Latest(ctx context.Context, kind string) (doc, bool, error) {
	d := doc{Kind: kind}
	err := p.pool.QueryRow(ctx, `SELECT version, body::text, created_at FROM strata_service_configs
		WHERE kind = $1 ORDER BY version DESC LIMIT 1`, kind).Scan(&d.Version, &d.Body, &d.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return doc{}, false, nil
	}
	return d, err == nil, err
}

func (p *pgState) Put(ctx context.Context, kind string, body []byte, expect int64) (doc, error) {
	d := doc{Kind: kind, Body: body}
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgLockKey)); err != nil {
			return err
		}
		var cur int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM strata_service_configs WHERE kind = $1`, kind).Scan(&cur); err != nil {
			return err
		}
		if expect >= 0 && cur != expect {
			return errVersionConflict
		}
		d.Version = cur + 1
		if err := tx.QueryRow(ctx, `INSERT INTO strata_service_configs (kind, version, body) VALUES ($1, $2, $3::jsonb)
			RETURNING created_at`, kind, d.Version, string(body)).Scan(&d.At); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, pgChannel, kind)
		return err
	})
	return d, err
}

func (p *pgState) Seed(ctx context.Context, kind string, body []byte) (bool, error) {
	_, err := p.Put(ctx, kind, body, 0)
	if errors.Is(err, errVersionConflict) {
		return false, nil
	}
	return err == nil, err
}

// Listen calls changed for every notification, for every kind after each
// (re)connection of the listener, and for every kind every poll interval.
func (p *pgState) Listen(ctx context.Context, poll time.Duration, changed func(kind string)) {
	if poll <= 0 {
		poll = 10 * time.Second
	}
	go func() {
		t := time.NewTicker(poll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				for _, k := range kinds {
					changed(k)
				}
			}
		}
	}()
	for ctx.Err() == nil {
		err := p.listenOnce(ctx, changed)
		if ctx.Err() != nil {
			return
		}
		p.log.WarnContext(ctx, "configuration listener lost its connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// listenOnce listens on one connection until it fails or ctx is done. The
// connection is closed afterwards rather than returned to the pool, which
// would otherwise hand out a connection still listening.
func (p *pgState) listenOnce(ctx context.Context, changed func(kind string)) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Conn().Close(cctx)
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
		return err
	}
	for _, k := range kinds { // catch up with what changed while not listening
		changed(k)
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		changed(strings.TrimSpace(n.Payload))
	}
}

func (p *pgState) Ping(ctx context.Context) error { return p.pool.Ping(ctx) }

func (p *pgState) Close() {}
