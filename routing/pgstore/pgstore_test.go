package pgstore_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/pgstore"
	"github.com/strata-go/strata/routing/routingtest"
)

// dsn is the database the tests use: STRATA_PG_DSN. Without it the tests
// that need PostgreSQL are skipped, unless STRATA_CI is set, when that is a
// failure: bash .ci/with-postgres provides one.
var dsn = os.Getenv("STRATA_PG_DSN")

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	flag.Parse()
	if dsn == "" {
		if os.Getenv("STRATA_CI") != "" {
			fmt.Fprintln(os.Stderr, "pgstore: STRATA_PG_DSN is unset in CI (STRATA_CI is set): run the tests under bash .ci/with-postgres")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "pgstore: STRATA_PG_DSN is unset: skipping the tests and examples that need PostgreSQL "+
			"(bash .ci/with-postgres go test ./... runs them against a throwaway server)")
		// Examples cannot skip; run only the tests, which skip themselves.
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
			_ = f.Value.Set("^Test")
		}
	}
	os.Exit(m.Run())
}

// needDB skips t when no database is configured (never in CI: TestMain
// fails first).
func needDB(t testing.TB) {
	t.Helper()
	if dsn == "" {
		t.Skip("STRATA_PG_DSN is unset")
	}
}

var schemas atomic.Int64

// freshSchema returns a schema name no other test uses, dropped when t ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), schemas.Add(1))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer pool.Close()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// open opens a handle (its own pool) on schema, closed when t ends.
func open(t testing.TB, schema string, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(t.Context(), dsn, append([]pgstore.Option{pgstore.WithSchema(schema)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestConformance(t *testing.T) {
	needDB(t)
	routingtest.TestStore(t, func(t testing.TB) routing.Store { return open(t, freshSchema(t)) })
}

func TestConformanceShared(t *testing.T) {
	needDB(t)
	routingtest.TestSharedStore(t, func(t testing.TB) routingtest.Open {
		schema := freshSchema(t)
		return func(t testing.TB) routing.Store { return open(t, schema) }
	})
}

// TestConformanceLosingAcknowledgements runs the suite with every fourth
// change made but its acknowledgement lost, as a dropped connection would.
func TestConformanceLosingAcknowledgements(t *testing.T) {
	needDB(t)
	routingtest.TestStore(t, func(t testing.TB) routing.Store {
		return &routingtest.FaultyStore{Inner: open(t, freshSchema(t)), Every: 4, After: true}
	})
}

func TestManyProcessesMigrateAtOnce(t *testing.T) {
	needDB(t)
	schema := freshSchema(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := pgstore.Open(t.Context(), dsn, pgstore.WithSchema(schema))
			if err == nil {
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	s := open(t, schema)
	var versions []int
	rows, err := pool(t).Query(t.Context(), "SELECT version FROM "+s.Schema()+".migrations ORDER BY version")
	require.NoError(t, err)
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int{pgstore.SchemaVersion}, versions, "each migration applied once")
}

func TestNewerSchemaIsRefused(t *testing.T) {
	needDB(t)
	s := open(t, freshSchema(t))
	_, err := pool(t).Exec(t.Context(), "INSERT INTO "+s.Schema()+".migrations (version, name) VALUES (999, 'from the future')")
	require.NoError(t, err)
	_, err = pgstore.Open(t.Context(), dsn, pgstore.WithSchema(s.Schema()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than this package")
}

// pool is a plain pool for the tests' own SQL, closed when t ends.
func pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

func TestBadArguments(t *testing.T) {
	ctx := t.Context()
	_, err := pgstore.New(ctx, nil)
	assert.Error(t, err, "nil pool")
	_, err = pgstore.Open(ctx, "not a dsn ===")
	assert.Error(t, err, "bad DSN")
	var nilStore *pgstore.Store
	_, _, err = nilStore.Reserve(ctx, routing.Reservation{Item: "L1", Agent: "ann", Units: 1, Capacity: 1})
	assert.ErrorIs(t, err, routing.ErrStore, "a nil Store fails, as a store")
	nilStore.Close()
	assert.Equal(t, 1, nilStore.Width())
	needDB(t)
	_, err = pgstore.Open(ctx, dsn, pgstore.WithSchema("Robert'); DROP TABLE students;--"))
	assert.ErrorContains(t, err, "schema name")
	s := open(t, freshSchema(t))
	bad := []string{"nul\x00byte", "\xff\xfe", strings.Repeat("x", pgstore.MaxIDLen+1)}
	for _, id := range bad {
		_, _, err := s.Reserve(ctx, routing.Reservation{Item: id, Agent: "ann", Units: 1, Capacity: 1})
		assert.ErrorIs(t, err, pgstore.ErrInvalidID)
		assert.ErrorIs(t, err, routing.ErrStore)
		_, _, err = s.Reserve(ctx, routing.Reservation{Item: "ok", Agent: id, Units: 1, Capacity: 1})
		assert.ErrorIs(t, err, pgstore.ErrInvalidID)
		_, _, err = s.Lookup(ctx, id)
		assert.ErrorIs(t, err, pgstore.ErrInvalidID)
		_, err = s.Stats(ctx, []string{"ann", id}, time.Time{}, nil)
		assert.ErrorIs(t, err, pgstore.ErrInvalidID)
	}
	_, _, err = s.Reserve(ctx, routing.Reservation{Item: "neg", Agent: "ann", Units: -1, Capacity: 1})
	assert.ErrorIs(t, err, routing.ErrStore, "negative units")
	_, _, err = s.Reserve(ctx, routing.Reservation{Item: strings.Repeat("é", pgstore.MaxIDLen/2), Agent: "ann", Units: 1, Capacity: 1})
	assert.NoError(t, err, "the longest ID fits")
}

// TestClosedStoreFails checks that a closed Store's calls fail as store
// failures.
func TestClosedStoreFails(t *testing.T) {
	needDB(t)
	s, err := pgstore.Open(t.Context(), dsn, pgstore.WithSchema(freshSchema(t)))
	require.NoError(t, err)
	s.Close()
	s.Close()
	_, _, err = s.Lookup(t.Context(), "L1")
	assert.ErrorIs(t, err, routing.ErrStore)
}

func TestNewLeavesThePoolOpen(t *testing.T) {
	needDB(t)
	p := pool(t)
	s, err := pgstore.New(t.Context(), p, pgstore.WithSchema(freshSchema(t)))
	require.NoError(t, err)
	s.Close()
	require.NoError(t, p.Ping(t.Context()), "the caller's pool stays open")
}

func TestUnlimitedLoadDoesNotOverflow(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	s := open(t, freshSchema(t))
	const big = int(^uint(0) >> 1)
	_, _, err := s.Reserve(ctx, routing.Reservation{Item: "L1", Agent: "ann", Units: big - 1, Capacity: routing.NoLimit})
	require.NoError(t, err)
	_, _, err = s.Reserve(ctx, routing.Reservation{Item: "L2", Agent: "ann", Units: 2, Capacity: routing.NoLimit})
	assert.ErrorIs(t, err, routing.ErrOverCapacity, "a load past the store's integers is over capacity")
	_, _, err = s.Reserve(ctx, routing.Reservation{Item: "L3", Agent: "bob", Units: 2, Capacity: routing.NoLimit})
	require.NoError(t, err)
	_, err = s.Move(ctx, "L3", "ann", routing.NoLimit, time.Now())
	assert.ErrorIs(t, err, routing.ErrOverCapacity, "a move past the store's integers is over capacity")
}

func TestPruneHistory(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	s := open(t, freshSchema(t))
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		_, _, err := s.Reserve(ctx, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "ann", Units: 1, Capacity: 5,
			At: t0.AddDate(0, 0, i)})
		require.NoError(t, err)
	}
	n, err := s.PruneHistory(ctx, t0.AddDate(0, 0, 2))
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	st, err := s.Stats(ctx, []string{"ann"}, t0.AddDate(-1, 0, 0), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, st[0].Recent, "pruned history no longer counts")
	assert.Equal(t, 3, st[0].Load, "loads are not history")
	assert.True(t, st[0].Last.Equal(t0.AddDate(0, 0, 2)), "nor is Last")
}

// TestCancelledMidCall checks that a context ending during a call is
// reported as a store failure wrapping the context's error.
func TestCancelledMidCall(t *testing.T) {
	needDB(t)
	s := open(t, freshSchema(t))
	ctx, cancel := context.WithTimeout(t.Context(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	_, _, err := s.Reserve(ctx, routing.Reservation{Item: "L1", Agent: "ann", Units: 1, Capacity: 1, At: time.Now()})
	assert.ErrorIs(t, err, routing.ErrStore)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}
