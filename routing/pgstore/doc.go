// Package pgstore keeps routing's state in PostgreSQL: a routing.Store that
// any number of Routers, in any number of processes, share without pushing
// an agent past capacity and without all reaching for the same agent. It is
// also a routing.WindowReserver, a routing.Ranker and a
// routing.RankingCloser, and passes routingtest.TestStore and
// routingtest.TestSharedStore against a real server. It lives in its own
// module, so that programs which do not use it do not build pgx.
//
//	s, err := pgstore.Open(ctx, "postgres://routing@db/crm") // or pgstore.New(ctx, pool)
//	if err != nil { ... }
//	defer s.Close()
//	router, err := routing.New(cfg, s)
//
// Open takes a DSN and owns the connection pool it makes (Close closes it);
// New takes the host's *pgxpool.Pool and leaves it open. Both create or
// migrate the schema first. It is tested on PostgreSQL 15.
//
// # Schema and migrations
//
// Everything lives in one schema (DefaultSchema, or WithSchema): agents
// (load, latest assignment time and its sequence number), items (the
// assignments held), history (one row per assignment, for Stats' Recent;
// see PruneHistory), rankings (the lines Rank orders), and the functions
// reserve_first and move. A migrations table records the applied versions
// (SchemaVersion). New migrates under a transaction-scoped advisory lock
// keyed by the schema name, so processes starting at once wait for the
// first and then find nothing to do; a current schema costs one query and
// needs no DDL privilege. A schema newer than the program is refused.
// So in a rolling upgrade, once a process of the new version has migrated
// the schema, a process of the old version that restarts refuses to
// start, while those already running keep working: migrations up to
// version 2 change reserve_first's body, never its signature, and no
// statement the store sends.
//
// # One round trip per call
//
// Every call is one statement in autocommit, so there is no transaction
// to forget: Reserve and ReserveFirst run one plain statement that locks
// the first free candidate with room, inserts the item and adds its load,
// and only when that assigns nothing (the item is already assigned, a
// candidate has no row yet, or every candidate with room is held by
// another transaction) call reserve_first, which waits for held
// candidates; Move calls move (both functions PL/pgSQL, under READ
// COMMITTED); Release is one DELETE … UPDATE statement, Lookup, Stats and
// Rank one SELECT each. A route and its release thus cost two commits, and
// two to four round trips with the Router's reads (Rank, and Stats of a
// sticky owner). Under load the commits, not the round trips, set the
// pace: a single statement that ranked the line and reserved its first
// free eligible agent was measured, and while it cut one client's rank and
// reservation from 0.99 ms to 0.75 ms (durable commits), 16 clients in 4
// processes routed 5–15% fewer leads per second with it, waiting on the
// write-ahead log's flushes as before, so Rank and the reservation stay
// separate statements. Capacity is checked in
// the database, under the agent's row lock, against the capacity the call
// brings; the store keeps no load, and no capacity, in process memory. A
// call the database aborts for a deadlock or a serialization failure (rare:
// calls on one item at once, such as a re-delivery during its release)
// changed nothing and is retried, up to five times.
//
// # Windows and herding
//
// ReserveFirst gives the item to the first candidate of the window with
// room whose row no other transaction holds (SELECT … FOR NO KEY UPDATE
// SKIP LOCKED), and waits for the skipped ones only when no candidate is
// left, as routing.WindowReserver describes: for the first of them alone.
// Each try is a subtransaction, rolled back with its locks when it assigns
// nothing, so a waiting call holds no lock on an agent's row but those of
// the rows it inserted itself: a window's agents the schema does not know
// yet get a row first, inserted in ID order, and held until the call
// commits. So waiting reservations do not deadlock one another over
// agents' rows, whatever their windows' orders. A call tries at most 32
// times, so it never uses more subtransactions than half PostgreSQL's
// per-connection cache of 64; past them it assigns nothing and reports
// routing.ErrOverCapacity, as when the whole window is taken, and the
// Router reads the workloads again. A reservation holds its agent's row
// until its commit is on disk, so concurrent Routers that read the same
// workloads and offer the same window spread over it instead of queueing
// on its first agent. Width (DefaultWidth, 8, or WithWidth) should be
// about the number of reservations in flight at once across all
// processes; a Router that offers a window of one queues, and one whose
// whole window is taken reads the workloads again.
//
// # Times
//
// Times are stored as timestamptz: the instant, to the microsecond
// (nanoseconds are dropped, rounding toward the past, as the driver sends
// them), without its zone; they come back in UTC, equal (time.Time.Equal)
// to what the Router gave, whose times are already whole microseconds. The
// server's and the session's TimeZone settings play no part. Times outside
// PostgreSQL's range (4713 BC to 294276 AD) fail.
//
// # IDs
//
// Item, agent, customer and pool IDs are PostgreSQL text, compared byte by
// byte (COLLATE "C", as Go compares strings): valid UTF-8, without NUL
// bytes, at most MaxIDLen bytes. Other IDs fail with ErrInvalidID before
// anything is sent.
//
// # Errors
//
// As routing.Store asks: routing.ErrOverCapacity and routing.ErrUnknownItem
// for the two conditions a Router acts on, and every other failure wrapped
// in routing.ErrStore (a lost connection, a server error, a cancelled or
// expired context, whose error is then wrapped too). A call whose
// acknowledgement is lost may have made its change; a Router finds out with
// Lookup.
//
// # Ranking
//
// Rank orders a ranking's agents inside the database with the ORDER BY
// routing.Ranking documents, and sends back only the positions asked for.
// The agents, capacities and tie keys of a ranking are stored once per
// Ranking.Key, shared by every process with the same configuration;
// CloseRanking (Router.Close) deletes them, and a process still using an
// equal ranking stores it again on its next Rank. Each Rank reads every
// member's row, so its cost grows with the pool, about 2 µs a member (a
// top-N sort in the server, not a transfer; see Store.Rank).
//
// # Concurrency
//
// A Store is safe for concurrent use. The database serialises what must
// be: an agent's load changes under its row lock, an item's assignment
// under its primary key.
package pgstore
