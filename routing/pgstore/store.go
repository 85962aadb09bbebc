package pgstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/strata-go/strata/routing"
)

// Store is a routing.Store in a PostgreSQL schema, shared by any number of
// Routers in any number of processes. It is also a routing.WindowReserver,
// a routing.Ranker and a routing.RankingCloser. It keeps nothing in
// process memory but its connection pool: every read and every capacity
// check happens in the database. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	own    bool // Open made the pool, and Close closes it
	schema string
	width  int
	q      queries
}

var (
	_ routing.Store          = (*Store)(nil)
	_ routing.WindowReserver = (*Store)(nil)
	_ routing.Ranker         = (*Store)(nil)
	_ routing.RankingCloser  = (*Store)(nil)
)

// DefaultSchema is the schema a Store uses unless WithSchema names another.
const DefaultSchema = "strata_routing"

// DefaultWidth is the window width a Store asks Routers for unless
// WithWidth says otherwise (see Store.Width).
const DefaultWidth = 8

// MaxIDLen is the longest item, agent, customer or pool ID a Store accepts,
// in bytes: IDs are primary keys, and PostgreSQL's index entries are
// bounded.
const MaxIDLen = 1024

// ErrInvalidID is joined to the error (which wraps routing.ErrStore, as
// every failure that is not about capacity or an unknown item must) when an
// ID is not PostgreSQL text: longer than MaxIDLen bytes, not valid UTF-8, or
// holding a NUL byte. Nothing was sent to the database.
var ErrInvalidID = errors.New("pgstore: ID must be valid UTF-8 without NUL bytes, at most 1024 bytes")

// Option configures a Store.
type Option func(*options)

type options struct {
	schema string
	width  int
}

// WithSchema keeps the store's tables in schema name (default
// DefaultSchema), created if missing. Stores on different schemas of one
// database are independent: one per tenant, or one per test.
func WithSchema(name string) Option { return func(o *options) { o.schema = name } }

// WithWidth sets the window width the store asks Routers for (see
// Store.Width), 1 to routing.MaxWindow; values out of range are clamped.
func WithWidth(n int) Option {
	return func(o *options) { o.width = min(max(n, 1), routing.MaxWindow) }
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Open connects to the database dsn names (a PostgreSQL URL or key=value
// string, as pgxpool.ParseConfig reads it, pool settings such as
// pool_max_conns included) and returns a Store on it, its schema created or
// migrated as New does. Close closes the connections.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	if ctx == nil {
		return nil, errors.New("pgstore: nil context")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// New returns a Store over pool, which stays the caller's: Close leaves it
// open. It creates the schema (WithSchema) and its tables and functions, or
// migrates them to SchemaVersion, under an advisory lock, so any number of
// processes may start at once; a schema already current costs one query. A
// schema newer than SchemaVersion is refused.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	o := options{schema: DefaultSchema, width: DefaultWidth}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	switch {
	case ctx == nil:
		return nil, errors.New("pgstore: nil context")
	case pool == nil:
		return nil, errors.New("pgstore: nil pool")
	case !schemaName.MatchString(o.schema):
		return nil, fmt.Errorf("pgstore: schema name %q: want lower-case letters, digits and _, at most 63, not starting with a digit", o.schema)
	}
	if err := migrate(ctx, pool, o.schema); err != nil {
		return nil, fmt.Errorf("pgstore: schema %s: %w", o.schema, err)
	}
	return &Store{pool: pool, schema: o.schema, width: o.width, q: newQueries(pgx.Identifier{o.schema}.Sanitize())}, nil
}

// Close closes the store's connections if Open made them, after which
// every call fails (wrapping routing.ErrStore); a Store from New leaves its
// pool to the caller, who closes it. Close is safe to call more than once.
func (s *Store) Close() {
	if s != nil && s.own && s.pool != nil {
		s.pool.Close()
	}
}

// Schema returns the name of the store's schema.
func (s *Store) Schema() string {
	if s == nil {
		return ""
	}
	return s.schema
}

// Width implements routing.WindowReserver: DefaultWidth unless WithWidth
// set it. A reservation holds its agent's row lock until its commit is on
// disk, so concurrent Routers that offer the same window skip the locked
// agents and take the next: the window should be about as wide as the
// number of reservations in flight at once, across all processes.
func (s *Store) Width() int {
	if s == nil || s.width < 1 {
		return 1
	}
	return s.width
}

// queries are the statements of one schema.
type queries struct {
	reserveFast, reserve, move, release, lookup  string
	stats, statsRecent, statsOne, statsOneRecent string
	rank                                         [4]string // by routing.Order
	register, closeRanking, prune                string
}

func newQueries(s string) queries {
	q := queries{
		reserveFast: reserveFastSQL(s),
		reserve:     "SELECT r_agent, r_customer, r_pool, r_units, r_at, r_created FROM " + s + ".reserve_first($1, $2, $3, $4, $5, $6, $7)",
		move:        "SELECT r_status, r_customer, r_agent, r_pool, r_units, r_at FROM " + s + ".move($1, $2, $3, $4)",
		release: "WITH d AS (DELETE FROM " + s + ".items WHERE item = $1 RETURNING customer, agent, pool, units, at), " +
			"u AS (UPDATE " + s + ".agents a SET load = a.load - d.units FROM d WHERE a.id = d.agent) " +
			"SELECT customer, agent, pool, units, at FROM d",
		lookup: "SELECT customer, agent, pool, units, at FROM " + s + ".items WHERE item = $1",
		stats: "SELECT coalesce(a.load, 0), a.last, coalesce(a.seq, 0), 0::bigint " +
			"FROM unnest($1::text[]) WITH ORDINALITY AS w(id, ord) LEFT JOIN " + s + ".agents a ON a.id = w.id ORDER BY w.ord",
		// One agent, the Router's usual Stats (a sticky owner): a plan
		// the server caches, which it does not for the unnest join.
		statsOne: "SELECT coalesce(max(a.load), 0), max(a.last), coalesce(max(a.seq), 0), 0::bigint " +
			"FROM " + s + ".agents a WHERE a.id = $1",
		statsOneRecent: "SELECT coalesce(max(a.load), 0), max(a.last), coalesce(max(a.seq), 0), " +
			"(SELECT count(*) FROM " + s + ".history h WHERE h.agent = $1 AND h.at >= $2) " +
			"FROM " + s + ".agents a WHERE a.id = $1",
		statsRecent: "SELECT coalesce(a.load, 0), a.last, coalesce(a.seq, 0), " +
			"(SELECT count(*) FROM " + s + ".history h WHERE h.agent = w.id AND h.at >= $2) " +
			"FROM unnest($1::text[]) WITH ORDINALITY AS w(id, ord) LEFT JOIN " + s + ".agents a ON a.id = w.id ORDER BY w.ord",
		register: "WITH k AS (INSERT INTO " + s + ".rankings (key, scale) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key) " +
			"INSERT INTO " + s + ".ranking_members (key, idx, agent, cap, tie_key) " +
			"SELECT k.key, w.i - 1, w.agent, w.cap, w.tie FROM k, unnest($3::text[], $4::bigint[], $5::bigint[]) WITH ORDINALITY AS w(agent, cap, tie, i)",
		closeRanking: "WITH k AS (DELETE FROM " + s + ".rankings WHERE key = $1) DELETE FROM " + s + ".ranking_members WHERE key = $1",
		prune:        "DELETE FROM " + s + ".history WHERE at < $1",
	}
	for _, o := range []routing.Order{routing.ByLoad, routing.ByFreeShare, routing.ByIdle} {
		q.rank[o] = rankQuery(s, o)
	}
	return q
}

// reserveFastSQL is ReserveFirst's first try, one statement, no PL/pgSQL:
// it gives the item ($1) to the first candidate of the window ($6, $7) with
// room whose row no other transaction holds, if the item has no assignment
// and every candidate ahead of the pick has an agents row, and returns the
// agent; else it changes nothing and returns no row, and the caller calls
// reserve_first, which handles the rest (an item already assigned, agents
// without a row, waiting for locked candidates). The insert, the load, Last
// and Seq, and the history row happen only together: the update and the
// history insert read the item insert's RETURNING, which is empty when a
// concurrent re-delivery inserted the item first. The update finds the row
// the first CTE locked (its newest version, as READ COMMITTED re-reads a
// row updated since the snapshot), whose room was checked on that version.
func reserveFastSQL(s string) string {
	return `WITH c AS (
	SELECT a.id FROM unnest($6::text[], $7::bigint[]) WITH ORDINALITY AS w(id, cap, ord)
	JOIN ` + s + `.agents a ON a.id = w.id
	WHERE a.load <= CASE WHEN w.cap < 0 THEN 9223372036854775807 ELSE w.cap END - $4
	AND w.ord < (SELECT coalesce(min(x.ord), 9223372036854775807) FROM unnest($6::text[]) WITH ORDINALITY AS x(id, ord)
		WHERE NOT EXISTS (SELECT FROM ` + s + `.agents y WHERE y.id = x.id))
	AND NOT EXISTS (SELECT FROM ` + s + `.items i WHERE i.item = $1)
	ORDER BY w.ord LIMIT 1
	FOR NO KEY UPDATE OF a SKIP LOCKED
), i AS (
	INSERT INTO ` + s + `.items (item, customer, agent, pool, units, at)
	SELECT $1, $2, c.id, $3, $4, $5 FROM c
	ON CONFLICT (item) DO NOTHING RETURNING agent
), u AS (
	UPDATE ` + s + `.agents a SET load = a.load + $4,
		seq = CASE WHEN a.last IS NULL OR $5 >= a.last THEN nextval('` + s + `.assignment_seq') ELSE a.seq END,
		last = CASE WHEN a.last IS NULL OR $5 >= a.last THEN $5 ELSE a.last END
	FROM i WHERE a.id = i.agent RETURNING a.id
), h AS (
	INSERT INTO ` + s + `.history (agent, at) SELECT u.id, $5 FROM u
)
SELECT u.id FROM u`
}

// maxAttempts bounds how often a call is retried after the database
// aborted it for a deadlock or a serialization failure (it then changed
// nothing).
const maxAttempts = 5

// retryable reports whether the database aborted the statement as a whole
// for a reason that goes away on retry.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// begin checks what every call needs.
func (s *Store) begin(ctx context.Context, op string) error {
	switch {
	case s == nil || s.pool == nil:
		return routing.StoreError(op, errors.New("pgstore: nil Store"))
	case ctx == nil:
		return routing.StoreError(op, errors.New("pgstore: nil context"))
	}
	if err := ctx.Err(); err != nil {
		return routing.StoreError(op, err)
	}
	return nil
}

// fail prepares a failed call's error: wrapped in routing.ErrStore, and in
// ctx's error when ctx ended (the driver does not always say so).
func fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w (%w)", err, cerr)
	}
	return routing.StoreError(op, err)
}

// checkIDs refuses IDs PostgreSQL text cannot hold.
func checkIDs(op string, ids ...string) error {
	for _, id := range ids {
		if len(id) > MaxIDLen || strings.IndexByte(id, 0) >= 0 || !utf8.ValidString(id) {
			return routing.StoreError(op, ErrInvalidID)
		}
	}
	return nil
}

var errBadOffer = errors.New("pgstore: an offer needs an item, agents with IDs, and units ≥ 0")

// Reserve implements routing.Store: ReserveFirst with a window of one, in
// one round trip.
func (s *Store) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	return s.ReserveFirst(ctx, routing.Offer{Item: r.Item, Customer: r.Customer, Pool: r.Pool, Units: r.Units, At: r.At,
		Window: []routing.Candidate{{Agent: r.Agent, Capacity: r.Capacity}}})
}

// ReserveFirst implements routing.WindowReserver, under READ COMMITTED:
// the item's assignment if it has one; else the first candidate with room
// whose row no other transaction holds (FOR NO KEY UPDATE SKIP LOCKED);
// else, if some were skipped, the first with room once their locks are
// released, waiting as long as ctx allows. The usual reservation (a new
// item, a free candidate with room, every candidate ahead of it known to
// the schema) is one plain statement and one round trip; any other case
// takes a second round trip, a call of the schema's reserve_first
// function, which handles them all. Either way each statement commits on
// its own, so a reservation is durable when it returns.
func (s *Store) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	const op = "reserve"
	if err := s.begin(ctx, op); err != nil {
		return routing.Assignment{}, false, err
	}
	if o.Item == "" || o.Units < 0 {
		return routing.Assignment{}, false, routing.StoreError(op, errBadOffer)
	}
	if err := checkIDs(op, o.Item, o.Customer, o.Pool); err != nil {
		return routing.Assignment{}, false, err
	}
	agents := make([]string, len(o.Window))
	caps := make([]int64, len(o.Window))
	for i, c := range o.Window {
		if c.Agent == "" {
			return routing.Assignment{}, false, routing.StoreError(op, errBadOffer)
		}
		if err := checkIDs(op, c.Agent); err != nil {
			return routing.Assignment{}, false, err
		}
		agents[i], caps[i] = c.Agent, int64(max(c.Capacity, routing.NoLimit))
	}
	if a, ok, err := s.reserveFast(ctx, &o, agents, caps); ok || err != nil {
		return a, ok, err
	}
	a := routing.Assignment{Item: o.Item}
	var created pgtype.Bool
	err := s.retry(ctx, op, func() error {
		var agent, customer, pool pgtype.Text
		var units pgtype.Int8
		var at pgtype.Timestamptz
		err := s.pool.QueryRow(ctx, s.q.reserve, o.Item, o.Customer, o.Pool, int64(o.Units), o.At, agents, caps).
			Scan(&agent, &customer, &pool, &units, &at, &created)
		a.Agent, a.Customer, a.Pool, a.Units, a.At = agent.String, customer.String, pool.String, int(units.Int64), utc(at)
		return err
	})
	switch {
	case err != nil:
		return routing.Assignment{}, false, err
	case a.Agent == "":
		return routing.Assignment{}, false, routing.ErrOverCapacity
	}
	return a, created.Bool, nil
}

// reserveFast runs reserveFastSQL: ok reports that it assigned the item.
func (s *Store) reserveFast(ctx context.Context, o *routing.Offer, agents []string, caps []int64) (routing.Assignment, bool, error) {
	var agent string
	err := s.retry(ctx, "reserve", func() error {
		return s.pool.QueryRow(ctx, s.q.reserveFast, o.Item, o.Customer, o.Pool, int64(o.Units), o.At, agents, caps).Scan(&agent)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return routing.Assignment{}, false, nil
	case err != nil:
		return routing.Assignment{}, false, err
	}
	return routing.Assignment{Item: o.Item, Customer: o.Customer, Agent: agent, Pool: o.Pool, Units: o.Units,
		At: o.At.Truncate(time.Microsecond).UTC()}, true, nil
}

// retry runs f, again while the database aborts it for a deadlock or a
// serialization failure, and prepares its error.
func (s *Store) retry(ctx context.Context, op string, f func() error) error {
	var err error
	for range maxAttempts {
		if err = f(); !retryable(err) {
			break
		}
	}
	if err == nil || errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return fail(ctx, op, err)
}

// Release implements routing.Store in one statement: it deletes the item
// and takes its units off its agent's load.
func (s *Store) Release(ctx context.Context, item string) (routing.Assignment, error) {
	return s.readAssignment(ctx, "release", s.q.release, item)
}

// Lookup implements routing.Store: one SELECT by the item's primary key.
func (s *Store) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	a, err := s.readAssignment(ctx, "lookup", s.q.lookup, item)
	if errors.Is(err, routing.ErrUnknownItem) {
		return routing.Assignment{}, false, nil
	}
	return a, err == nil, err
}

// readAssignment runs sql, which returns the customer, agent, pool, units
// and time of item's assignment, or no row (ErrUnknownItem).
func (s *Store) readAssignment(ctx context.Context, op, sql, item string) (routing.Assignment, error) {
	if err := s.begin(ctx, op); err != nil {
		return routing.Assignment{}, err
	}
	if err := checkIDs(op, item); err != nil {
		return routing.Assignment{}, err
	}
	a := routing.Assignment{Item: item}
	var units int64
	err := s.retry(ctx, op, func() error {
		return s.pool.QueryRow(ctx, sql, item).Scan(&a.Customer, &a.Agent, &a.Pool, &units, &a.At)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return routing.Assignment{}, routing.ErrUnknownItem
	case err != nil:
		return routing.Assignment{}, err
	}
	a.Units, a.At = int(units), a.At.UTC()
	return a, nil
}

// Move implements routing.Store in one round trip (one call of the
// schema's move function): it locks the item's row, then both agents' rows
// in ID order, so concurrent moves between two agents do not deadlock.
func (s *Store) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (routing.Assignment, error) {
	const op = "move"
	if err := s.begin(ctx, op); err != nil {
		return routing.Assignment{}, err
	}
	if agent == "" {
		return routing.Assignment{}, routing.StoreError(op, errors.New("pgstore: a move needs an agent"))
	}
	if err := checkIDs(op, item, agent); err != nil {
		return routing.Assignment{}, err
	}
	a := routing.Assignment{Item: item}
	var status int32
	err := s.retry(ctx, op, func() error {
		var customer, to, pool pgtype.Text
		var units pgtype.Int8
		var when pgtype.Timestamptz
		err := s.pool.QueryRow(ctx, s.q.move, item, agent, int64(max(capacity, routing.NoLimit)), at).
			Scan(&status, &customer, &to, &pool, &units, &when)
		a.Customer, a.Agent, a.Pool, a.Units, a.At = customer.String, to.String, pool.String, int(units.Int64), utc(when)
		return err
	})
	switch {
	case err != nil:
		return routing.Assignment{}, err
	case status == 1:
		return routing.Assignment{}, routing.ErrUnknownItem
	case status == 2:
		return routing.Assignment{}, routing.ErrOverCapacity
	}
	return a, nil
}

// Stats implements routing.Store in one statement. With a zero since it
// reads only the agents' rows; with a non-zero one it also counts each
// agent's history rows at or after since (an index range scan per agent).
// One agent (a Router's sticky owner) is read by primary key, with a plan
// the server keeps; several with a join on the list, which the server plans
// on each call.
func (s *Store) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	const op = "stats"
	if err := s.begin(ctx, op); err != nil {
		return dst, err
	}
	if err := checkIDs(op, agents...); err != nil {
		return dst, err
	}
	if len(agents) == 0 {
		return dst, nil
	}
	mark := len(dst)
	err := s.retry(ctx, op, func() error {
		dst = dst[:mark]
		rows, err := s.queryStats(ctx, agents, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var load, seq, recent int64
			var last pgtype.Timestamptz
			if err := rows.Scan(&load, &last, &seq, &recent); err != nil {
				return err
			}
			i := len(dst) - mark
			if i >= len(agents) {
				return fmt.Errorf("pgstore: more workloads than agents")
			}
			dst = append(dst, routing.AgentStats{Agent: agents[i], Load: int(load), Recent: int(recent), Last: utc(last), Seq: uint64(seq)})
		}
		return rows.Err()
	})
	if err != nil {
		return dst[:mark], err
	}
	return dst, nil
}

// queryStats runs the Stats statement that suits agents and since.
func (s *Store) queryStats(ctx context.Context, agents []string, since time.Time) (pgx.Rows, error) {
	switch {
	case len(agents) == 1 && since.IsZero():
		return s.pool.Query(ctx, s.q.statsOne, agents[0])
	case len(agents) == 1:
		return s.pool.Query(ctx, s.q.statsOneRecent, agents[0], since)
	case since.IsZero():
		return s.pool.Query(ctx, s.q.stats, agents)
	}
	return s.pool.Query(ctx, s.q.statsRecent, agents, since)
}

// utc is t's time in UTC, or the zero time for NULL.
func utc(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// PruneHistory deletes the assignment history (what Stats counts as
// Recent) from before before, and returns how many assignments it forgot.
// Loads and Last are not history and stay. The schema keeps history until
// it is pruned: a host calls this now and then (MemoryStore keeps 400
// days), with a cut-off older than any fairness window or catch-up period
// its Routers use.
func (s *Store) PruneHistory(ctx context.Context, before time.Time) (int64, error) {
	const op = "prune"
	if err := s.begin(ctx, op); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, s.q.prune, before)
	if err != nil {
		return 0, fail(ctx, op, err)
	}
	return tag.RowsAffected(), nil
}
