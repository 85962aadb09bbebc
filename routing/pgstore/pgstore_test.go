package pgstore_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
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
	assert.Equal(t, allVersions(), versions(t, pool(t), s.Schema()), "each migration applied once")
}

// allVersions is 1 to SchemaVersion.
func allVersions() []int {
	v := make([]int, pgstore.SchemaVersion)
	for i := range v {
		v[i] = i + 1
	}
	return v
}

// versions lists the schema's applied migrations.
func versions(t *testing.T, p *pgxpool.Pool, schema string) []int {
	t.Helper()
	rows, err := p.Query(t.Context(), "SELECT version FROM "+schema+".migrations ORDER BY version")
	require.NoError(t, err)
	v, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return v
}

// TestMigrateFromVersion1 makes a schema as version 1 of the package did,
// holds and releases work in it with version 1's own SQL, and then starts
// several stores on it at once: they migrate it once, and the loads, the
// assignments and the capacity checks carry over.
func TestMigrateFromVersion1(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	p := pool(t)
	schema := freshSchema(t)
	require.NoError(t, pgstore.MigrateTo(ctx, p, schema, 1))
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, it := range []struct{ item, agent string }{{"L1", "ann"}, {"L2", "ann"}, {"L3", "bob"}, {"L4", "bob"}} {
		var agent string
		require.NoError(t, p.QueryRow(ctx, "SELECT r_agent FROM "+schema+".reserve_first($1, 'c1', 'inbound', 1, $2, $3, $4)",
			it.item, at, []string{it.agent}, []int64{2}).Scan(&agent))
		require.Equal(t, it.agent, agent)
	}
	_, err := p.Exec(ctx, "WITH d AS (DELETE FROM "+schema+".items WHERE item = 'L4' RETURNING agent, units) "+
		"UPDATE "+schema+".agents a SET load = a.load - d.units FROM d WHERE a.id = d.agent")
	require.NoError(t, err, "version 1's release")

	var wg sync.WaitGroup
	stores := make([]*pgstore.Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = pgstore.Open(ctx, dsn, pgstore.WithSchema(schema)) })
	}
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i])
		t.Cleanup(s.Close)
	}
	assert.Equal(t, allVersions(), versions(t, p, schema), "migrated once")

	s := stores[0]
	st, err := s.Stats(ctx, []string{"ann", "bob"}, time.Time{}, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 1}, []int{st[0].Load, st[1].Load}, "loads carry over")
	window := []routing.Candidate{{Agent: "ann", Capacity: 2}, {Agent: "bob", Capacity: 1}}
	_, _, err = s.ReserveFirst(ctx, routing.Offer{Item: "L5", Units: 1, At: at, Window: window})
	assert.ErrorIs(t, err, routing.ErrOverCapacity, "ann and bob are still full")
	a, err := stores[1].Release(ctx, "L1")
	require.NoError(t, err)
	assert.Equal(t, routing.Assignment{Item: "L1", Customer: "c1", Agent: "ann", Pool: "inbound", Units: 1, At: at}, a)
	a, _, err = stores[2].ReserveFirst(ctx, routing.Offer{Item: "L5", Units: 1, At: at, Window: window})
	require.NoError(t, err, "the release made room")
	assert.Equal(t, "ann", a.Agent)
	_, err = stores[3].Move(ctx, "L3", "ann", 3, at)
	require.NoError(t, err)
	st, err = s.Stats(ctx, []string{"ann", "bob"}, time.Time{}, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{3, 0}, []int{st[0].Load, st[1].Load}, "after a release, a reservation and a move")
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
// serverDeadlocks returns how many deadlocks the server has detected in
// the test database so far.
func serverDeadlocks(t *testing.T, p *pgxpool.Pool) int64 {
	t.Helper()
	var n int64
	require.NoError(t, p.QueryRow(t.Context(), "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()").Scan(&n))
	return n
}

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

// TestWindowsSkipLockedAgents holds an agent's row in another transaction,
// as a concurrent reservation would until its commit is on disk: a window
// passes over it at once to the next agent with room, and waits for it only
// when no other candidate is left, never reporting it as full.
func TestWindowsSkipLockedAgents(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	s := open(t, freshSchema(t))
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, agent := range []string{"ann", "bob"} { // rows for both
		_, _, err := s.Reserve(ctx, routing.Reservation{Item: "seed-" + agent, Agent: agent, Units: 0, Capacity: 1, At: at})
		require.NoError(t, err)
	}
	tx, err := pool(t).Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	_, err = tx.Exec(ctx, "SELECT FROM "+s.Schema()+".agents WHERE id = 'ann' FOR UPDATE")
	require.NoError(t, err)

	window := []routing.Candidate{{Agent: "ann", Capacity: 1}, {Agent: "bob", Capacity: 1}}
	a, _, err := s.ReserveFirst(ctx, routing.Offer{Item: "L1", Units: 1, At: at, Window: window})
	require.NoError(t, err)
	assert.Equal(t, "bob", a.Agent, "ann's row is held: bob, next in the window, takes the work without waiting")

	done := make(chan routing.Assignment, 1)
	go func() {
		a, _, err := s.ReserveFirst(ctx, routing.Offer{Item: "L2", Units: 1, At: at, Window: window})
		assert.NoError(t, err, "a locked candidate is never reported as full")
		done <- a
	}()
	select {
	case a := <-done:
		t.Fatalf("bob is full and ann held: the reservation should wait, got %+v", a)
	case <-time.After(300 * time.Millisecond):
	}
	require.NoError(t, tx.Rollback(ctx))
	select {
	case a := <-done:
		assert.Equal(t, "ann", a.Agent, "once ann's row is free, she takes the work")
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting reservation did not finish")
	}
}

func TestRankEdges(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	s := open(t, freshSchema(t))
	empty, err := routing.NewRanking(routing.ByLoad, 1, nil, nil)
	require.NoError(t, err)
	got, err := s.Rank(ctx, empty, 0, 5, nil)
	require.NoError(t, err)
	assert.Empty(t, got, "an empty line")
	_, err = s.Rank(ctx, nil, 0, 5, nil)
	assert.ErrorIs(t, err, routing.ErrStore, "no ranking")
	k, err := routing.NewRanking(routing.ByIdle, 1, []string{"ann", "bob"}, []int{1, 1})
	require.NoError(t, err)
	got, err = s.Rank(ctx, k, 0, 0, nil)
	require.NoError(t, err)
	assert.Empty(t, got, "n = 0 asks for nothing")
	other := open(t, s.Schema())
	got, err = s.Rank(ctx, k, 0, 2, nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.NoError(t, other.CloseRanking(ctx, k), "another handle closes the ranking")
	again, err := s.Rank(ctx, k, 0, 2, nil)
	require.NoError(t, err, "this handle stores it again")
	assert.Equal(t, got, again)
}

// TestWaitingWindowsDoNotDeadlock makes two windows in opposite orders wait
// for both of their candidates, each held by a transaction that fills it.
// In schema version 1 each window kept the lock of the row it found full
// and waited for the other's: the server detected a deadlock (after
// deadlock_timeout) and the store retried the aborted call. A waiting
// window now holds no row while it waits: no deadlock, and both calls
// report the agents full.
func TestWaitingWindowsDoNotDeadlock(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	s := open(t, freshSchema(t))
	p := pool(t)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, agent := range []string{"ann", "bob"} {
		_, _, err := s.Reserve(ctx, routing.Reservation{Item: "seed-" + agent, Agent: agent, Units: 0, Capacity: 1, At: at})
		require.NoError(t, err)
	}
	deadlocks0 := serverDeadlocks(t, p)
	var fill [2]interface {
		Commit(context.Context) error
		Rollback(context.Context) error
	}
	for i, agent := range []string{"ann", "bob"} { // fill each agent in a transaction that holds its row
		tx, err := p.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		_, err = tx.Exec(ctx, "UPDATE "+s.Schema()+".agents SET load = 1 WHERE id = $1", agent)
		require.NoError(t, err)
		fill[i] = tx
	}
	errs := make(chan error, 2)
	for i, window := range [][]routing.Candidate{
		{{Agent: "ann", Capacity: 1}, {Agent: "bob", Capacity: 1}},
		{{Agent: "bob", Capacity: 1}, {Agent: "ann", Capacity: 1}},
	} {
		go func() {
			_, _, err := s.ReserveFirst(ctx, routing.Offer{Item: fmt.Sprint("L", i), Units: 1, At: at, Window: window})
			errs <- err
		}()
	}
	time.Sleep(300 * time.Millisecond) // both wait for the filled rows
	for _, tx := range fill {
		require.NoError(t, tx.Commit(ctx))
	}
	for range 2 {
		select {
		case err := <-errs:
			assert.ErrorIs(t, err, routing.ErrOverCapacity, "both agents are full: no deadlock error escapes")
		case <-time.After(20 * time.Second):
			t.Fatal("a window did not finish")
		}
	}
	assert.Zero(t, serverDeadlocks(t, p)-deadlocks0, "deadlocks detected by the server")
}

// TestRoutingStatementsUseCachedPlans runs reservations, ranks, one-agent
// Stats and releases on one connection, and then asks the server how it
// planned each statement: a statement the server plans anew on every call
// (a custom plan each time) costs more than its execution. Stats of one
// agent as a join on an unnest of the list was planned on every call.
func TestRoutingStatementsUseCachedPlans(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.MaxConns = 1
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	s, err := pgstore.New(ctx, p, pgstore.WithSchema(freshSchema(t)))
	require.NoError(t, err)
	agents := []string{"ann", "bob", "cyd"}
	k, err := routing.NewRanking(routing.ByFreeShare, 1, agents, []int{3, 3, 3})
	require.NoError(t, err)
	window := []routing.Candidate{{Agent: "ann", Capacity: 3}, {Agent: "bob", Capacity: 3}, {Agent: "cyd", Capacity: 3}}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i := range 12 {
		_, err := s.Rank(ctx, k, 0, 3, nil)
		require.NoError(t, err)
		_, err = s.Stats(ctx, agents[:1], time.Time{}, nil)
		require.NoError(t, err)
		item := fmt.Sprint("L", i)
		_, _, err = s.ReserveFirst(ctx, routing.Offer{Item: item, Units: 1, At: at, Window: window})
		require.NoError(t, err)
		_, err = s.Release(ctx, item)
		require.NoError(t, err)
	}
	rows, err := p.Query(ctx, "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "+
		"WHERE statement LIKE '%"+s.Schema()+"%' AND generic_plans + custom_plans >= 12")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var stmt string
		var generic, custom int64
		require.NoError(t, rows.Scan(&stmt, &generic, &custom))
		n++
		assert.Positive(t, generic, "planned on every call (%d custom plans): %.120s", custom, stmt)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 4, n, "Rank, Stats, the reservation and Release ran 12 times each")
}

// TestNewAgentsInsertedWithoutDeadlock calls reserve_first directly (the
// store would retry a deadlock) from two transactions at once, whose
// windows hold the same fresh agents in opposite orders, repeatedly (the
// windows are longer than a Router's, so that the calls' inserts overlap
// every time).
// reserve_first inserted the agents it did not know in window order, so
// each call could insert one agent and wait for the other's insert of the
// next: a deadlock, stalling both for deadlock_timeout. It now inserts them
// in ID order: no deadlock.
func TestNewAgentsInsertedWithoutDeadlock(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	s := open(t, freshSchema(t))
	p := pool(t)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	call := "SELECT r_agent FROM " + s.Schema() + ".reserve_first($1, '', '', 1, $2, $3, $4)"
	deadlocks0 := serverDeadlocks(t, p)
	const rounds, width = 10, 1000
	for r := range rounds {
		agents, caps := make([]string, width), make([]int64, width)
		for i := range agents {
			agents[i], caps[i] = fmt.Sprintf("r%d-agent-%04d", r, i), 0 // no room: every call inserts them all
		}
		reversed := slices.Clone(agents)
		slices.Reverse(reversed)
		start := make(chan struct{})
		errs := make(chan error, 2)
		for i, window := range [][]string{agents, reversed} {
			go func() {
				<-start
				var agent pgtype.Text
				errs <- p.QueryRow(ctx, call, fmt.Sprint("L", r, i), at, window, caps).Scan(&agent)
			}()
		}
		close(start)
		for range 2 {
			assert.NoError(t, <-errs, "round %d", r)
		}
	}
	assert.Zero(t, serverDeadlocks(t, p)-deadlocks0, "deadlocks detected by the server")
}

// TestVersion1ConnectionKeepsWorkingAfterMigration: a process of version 1
// of the package (whose statements are this version's; only reserve_first's
// body changed) keeps its connections and their prepared statements while
// another process migrates the schema to version 2: its cached call of
// reserve_first, prepared against version 1, still runs, as the function's
// signature did not change.
func TestVersion1ConnectionKeepsWorkingAfterMigration(t *testing.T) {
	needDB(t)
	ctx := t.Context()
	schema := freshSchema(t)
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.MaxConns = 1
	old, err := pgxpool.NewWithConfig(ctx, cfg) // the version 1 process's one connection
	require.NoError(t, err)
	t.Cleanup(old.Close)
	require.NoError(t, pgstore.MigrateTo(ctx, old, schema, 1))
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	call := "SELECT r_agent FROM " + schema + ".reserve_first($1, 'c1', 'inbound', 1, $2, $3, $4)"
	var agent pgtype.Text
	require.NoError(t, old.QueryRow(ctx, call, "L1", at, []string{"ann"}, []int64{1}).Scan(&agent))
	require.Equal(t, "ann", agent.String)

	s := open(t, schema) // a version 2 process migrates
	assert.Equal(t, allVersions(), versions(t, pool(t), schema))

	require.NoError(t, old.QueryRow(ctx, call, "L2", at, []string{"ann", "bob"}, []int64{1, 1}).Scan(&agent))
	assert.Equal(t, "bob", agent.String, "ann is full")
	st, err := s.Stats(ctx, []string{"ann", "bob"}, time.Time{}, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1}, []int{st[0].Load, st[1].Load})
}
