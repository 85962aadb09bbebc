package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migration is one step of the schema, applied once, in order, in the
// transaction that holds the schema's advisory lock. Its SQL names the
// schema as {{S}}, replaced by the quoted schema name.
type migration struct {
	version int
	name    string
	sql     string
}

// SchemaVersion is the version of the schema this package creates and
// expects: the highest version in the migrations table after New.
const SchemaVersion = 2

// migrations are the schema's steps. Never edit a released one: add a new
// version.
var migrations = []migration{
	{version: 1, name: "agents, items, history, rankings, and the functions", sql: schemaV1},
	{version: 2, name: "reserve_first waits for one held candidate at a time, holding no row", sql: schemaV2},
}

// lockClass is the first key of the advisory lock migrations take ("STRA"
// in ASCII); the second is hashtext of the schema name, so schemas migrate
// independently.
const lockClass = 0x53545241

// migrate brings schema to SchemaVersion. A schema already at it costs one
// query and needs no privilege beyond reading the migrations table; else it
// takes the schema's advisory lock in a transaction, so processes starting
// at once wait for the first to finish and then find nothing to do. A
// schema newer than this package knows is refused.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	return migrateTo(ctx, pool, schema, SchemaVersion)
}

// migrateTo brings schema to version target (SchemaVersion, but for tests
// that make a schema of an earlier version), as migrate describes.
func migrateTo(ctx context.Context, pool *pgxpool.Pool, schema string, target int) error {
	q := pgx.Identifier{schema}.Sanitize()
	var v int
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+q+".migrations").Scan(&v)
	if err == nil && v == target {
		return nil
	}
	if err != nil && !isUndefined(err) {
		return err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", lockClass, schema); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+q+";"+
		"CREATE TABLE IF NOT EXISTS "+q+".migrations (version integer PRIMARY KEY, name text NOT NULL, "+
		"applied_at timestamptz NOT NULL DEFAULT now())"); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+q+".migrations").Scan(&v); err != nil {
		return err
	}
	if v > target {
		return fmt.Errorf("schema %s is at version %d, newer than this package's %d: upgrade the program", schema, v, target)
	}
	for _, m := range migrations {
		if m.version <= v || m.version > target {
			continue
		}
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.sql, "{{S}}", q)); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+q+".migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// isUndefined reports whether err says a schema or table does not exist.
func isUndefined(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000")
}

// schemaV1 is the first schema.
//
// agents holds each agent's load, latest assignment time (last, NULL if
// never) and the sequence number of the assignment recorded at last; items
// the assignments held; history one row per assignment (reserve or move),
// for Recent; rankings and ranking_members the lines Rank orders, by
// Ranking.Key, one row per member. Agents' capacities are
// not stored: each call brings them, and the functions check them under the
// agent's row lock.
//
// reserve_first gives an item to the first candidate of a window with room:
// the item's row if it exists; else it locks the first candidate with room,
// skipping rows other transactions hold (SKIP LOCKED), then, if none, the
// same waiting for the locks; then it inserts the item (its primary key makes
// concurrent re-deliveries meet), adds the load and records the history. It
// returns NULLs when no candidate had room, and raises 40001 (a
// serialization failure, which the caller retries) in the rare case that a
// concurrent re-delivery took the item and a release ended it before this
// call could read it.
const schemaV1 = `
CREATE TABLE {{S}}.agents (
	id   text COLLATE "C" PRIMARY KEY,
	load bigint NOT NULL DEFAULT 0 CHECK (load >= 0),
	last timestamptz,
	seq  bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 50);

CREATE TABLE {{S}}.items (
	item     text COLLATE "C" PRIMARY KEY,
	customer text NOT NULL,
	agent    text COLLATE "C" NOT NULL,
	pool     text NOT NULL,
	units    bigint NOT NULL CHECK (units >= 0),
	at       timestamptz NOT NULL
);

CREATE TABLE {{S}}.history (
	agent text COLLATE "C" NOT NULL,
	at    timestamptz NOT NULL
);
CREATE INDEX history_agent_at ON {{S}}.history (agent, at);

CREATE SEQUENCE {{S}}.assignment_seq;

CREATE TABLE {{S}}.rankings (
	key   bytea PRIMARY KEY,
	scale numeric NOT NULL
);

-- One row per agent of a ranking (not arrays: element access to a large
-- TOASTed array detoasts it again and again).
CREATE TABLE {{S}}.ranking_members (
	key     bytea NOT NULL,
	idx     integer NOT NULL,
	agent   text COLLATE "C" NOT NULL,
	cap     bigint NOT NULL,
	tie_key bigint NOT NULL,
	PRIMARY KEY (key, idx)
);

-- reserve_first: see the comment on schemaV1. Agents that have rows are
-- filtered out by NOT EXISTS, on the snapshot, before the insert: ON
-- CONFLICT would wait for a transaction updating the row. Rows are made
-- only when a candidate ahead of the pick has none, so the usual call
-- (every agent seen before) runs no insert on agents.
CREATE FUNCTION {{S}}.reserve_first(p_item text, p_customer text, p_pool text, p_units bigint, p_at timestamptz,
	p_agents text[], p_caps bigint[],
	OUT r_agent text, OUT r_customer text, OUT r_pool text, OUT r_units bigint, OUT r_at timestamptz, OUT r_created boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
	v_agent text;
	v_ord bigint;
BEGIN
	SELECT i.agent, i.customer, i.pool, i.units, i.at, false INTO r_agent, r_customer, r_pool, r_units, r_at, r_created
	FROM {{S}}.items i WHERE i.item = p_item;
	IF FOUND THEN
		RETURN;
	END IF;
	SELECT a.id, w.ord INTO v_agent, v_ord
	FROM {{S}}.agents a JOIN unnest(p_agents, p_caps) WITH ORDINALITY AS w(id, cap, ord) ON a.id = w.id
	WHERE CASE WHEN w.cap < 0 THEN a.load <= 9223372036854775807 - p_units ELSE a.load <= w.cap - p_units END
	ORDER BY w.ord LIMIT 1
	FOR NO KEY UPDATE OF a SKIP LOCKED;
	-- Candidates ahead of the pick (all of them if none) may have no row
	-- yet: give them one, and pick again.
	IF v_ord IS DISTINCT FROM 1 AND EXISTS (
		SELECT FROM unnest(p_agents[1:coalesce(v_ord - 1, cardinality(p_agents))]) AS w(id)
		WHERE NOT EXISTS (SELECT FROM {{S}}.agents x WHERE x.id = w.id)
	) THEN
		INSERT INTO {{S}}.agents (id)
		SELECT w.id FROM unnest(p_agents) AS w(id)
		WHERE NOT EXISTS (SELECT FROM {{S}}.agents x WHERE x.id = w.id)
		ON CONFLICT (id) DO NOTHING;
		SELECT a.id, w.ord INTO v_agent, v_ord
		FROM {{S}}.agents a JOIN unnest(p_agents, p_caps) WITH ORDINALITY AS w(id, cap, ord) ON a.id = w.id
		WHERE CASE WHEN w.cap < 0 THEN a.load <= 9223372036854775807 - p_units ELSE a.load <= w.cap - p_units END
		ORDER BY w.ord LIMIT 1
		FOR NO KEY UPDATE OF a SKIP LOCKED;
	END IF;
	IF v_agent IS NULL THEN
		SELECT a.id INTO v_agent
		FROM {{S}}.agents a JOIN unnest(p_agents, p_caps) WITH ORDINALITY AS w(id, cap, ord) ON a.id = w.id
		WHERE CASE WHEN w.cap < 0 THEN a.load <= 9223372036854775807 - p_units ELSE a.load <= w.cap - p_units END
		ORDER BY w.ord LIMIT 1
		FOR NO KEY UPDATE OF a;
	END IF;
	IF v_agent IS NOT NULL THEN
		-- The item, the agent's load, Last and Seq, and the history, in one
		-- statement: it inserts a history row only if it inserted the item.
		WITH i AS (
			INSERT INTO {{S}}.items (item, customer, agent, pool, units, at)
			VALUES (p_item, p_customer, v_agent, p_pool, p_units, p_at)
			ON CONFLICT (item) DO NOTHING RETURNING agent
		), u AS (
			UPDATE {{S}}.agents a SET load = a.load + p_units,
				seq = CASE WHEN a.last IS NULL OR p_at >= a.last THEN nextval('{{S}}.assignment_seq') ELSE a.seq END,
				last = CASE WHEN a.last IS NULL OR p_at >= a.last THEN p_at ELSE a.last END
			FROM i WHERE a.id = i.agent RETURNING a.id
		)
		INSERT INTO {{S}}.history (agent, at) SELECT u.id, p_at FROM u;
		IF FOUND THEN
			r_agent := v_agent; r_customer := p_customer; r_pool := p_pool;
			r_units := p_units; r_at := p_at; r_created := true;
			RETURN;
		END IF;
	END IF;
	-- Nobody had room (no row: all NULL), or a concurrent re-delivery took
	-- the item first.
	SELECT i.agent, i.customer, i.pool, i.units, i.at, false INTO r_agent, r_customer, r_pool, r_units, r_at, r_created
	FROM {{S}}.items i WHERE i.item = p_item;
	IF NOT FOUND AND v_agent IS NOT NULL THEN
		RAISE EXCEPTION 'item taken and released concurrently' USING ERRCODE = 'serialization_failure';
	END IF;
END
$fn$;

-- move: r_status 0 moved (or already there), 1 unknown item, 2 over
-- capacity.
CREATE FUNCTION {{S}}.move(p_item text, p_agent text, p_cap bigint, p_at timestamptz,
	OUT r_status integer, OUT r_customer text, OUT r_agent text, OUT r_pool text, OUT r_units bigint, OUT r_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
	v_from text;
	v_load bigint;
BEGIN
	SELECT i.customer, i.agent, i.pool, i.units, i.at INTO r_customer, v_from, r_pool, r_units, r_at
	FROM {{S}}.items i WHERE i.item = p_item FOR UPDATE;
	IF NOT FOUND THEN
		r_status := 1;
		RETURN;
	END IF;
	r_status := 0;
	r_agent := v_from;
	IF v_from = p_agent THEN
		RETURN;
	END IF;
	INSERT INTO {{S}}.agents (id) SELECT p_agent
	WHERE NOT EXISTS (SELECT FROM {{S}}.agents x WHERE x.id = p_agent)
	ON CONFLICT (id) DO NOTHING;
	-- Both agents, in ID order, so that moves between the same two agents
	-- in opposite directions do not deadlock.
	PERFORM FROM {{S}}.agents a WHERE a.id IN (v_from, p_agent) ORDER BY a.id FOR NO KEY UPDATE;
	SELECT a.load INTO v_load FROM {{S}}.agents a WHERE a.id = p_agent;
	IF (p_cap < 0 AND v_load > 9223372036854775807 - r_units) OR (p_cap >= 0 AND v_load > p_cap - r_units) THEN
		r_status := 2;
		RETURN;
	END IF;
	UPDATE {{S}}.agents a SET load = a.load - r_units WHERE a.id = v_from;
	UPDATE {{S}}.agents a SET load = a.load + r_units,
		seq = CASE WHEN a.last IS NULL OR p_at >= a.last THEN nextval('{{S}}.assignment_seq') ELSE a.seq END,
		last = CASE WHEN a.last IS NULL OR p_at >= a.last THEN p_at ELSE a.last END
	WHERE a.id = p_agent;
	INSERT INTO {{S}}.history (agent, at) VALUES (p_agent, p_at);
	UPDATE {{S}}.items i SET agent = p_agent, at = p_at WHERE i.item = p_item;
	r_agent := p_agent;
	r_at := p_at;
END
$fn$;
`

// schemaV2 replaces reserve_first's waiting. In version 1 one SELECT …
// FOR NO KEY UPDATE (without SKIP LOCKED) walked the window, waiting for
// each held candidate and keeping the lock of every one it found full once
// its holder committed, while it waited for the next: two windows in
// different orders (Routers that read the loads at different moments)
// deadlocked, and each deadlock stalled both reservations, and the rows
// they held, for deadlock_timeout (a second by default; a pgload run of
// 20,000 routes met 1 to 31). Now each try runs in a subtransaction that is
// rolled back, releasing its row locks, when it assigns nothing, and waits
// for one candidate only: a waiting reservation holds no lock on an agent's
// row but those of the rows it inserted itself (the window's agents the
// schema did not know yet, inserted in ID order before the first try, and
// held until it commits), so waiting reservations do not form a cycle
// through the rows they lock. Capacity is checked as before, on the locked
// row's newest version. At most 32 tries per call: past them the call
// assigns nothing (routing.ErrOverCapacity, and the Router reads the
// workloads again).
const schemaV2 = `
-- reserve_first: the item's assignment if it has one; else, in a loop, the
-- first candidate with room that no other transaction holds (SKIP LOCKED);
-- else the first with room at all, waiting for its lock alone, and
-- checking its room again once it holds it. Each try runs in a
-- subtransaction (a block with an EXCEPTION clause) that is rolled back
-- when it assigns nothing, releasing every row lock it took, so a
-- reservation never waits while it holds the lock of an agent's row it
-- did not insert itself (version 1's single waiting SELECT kept the rows
-- it locked and found full, and waited for the next).
CREATE OR REPLACE FUNCTION {{S}}.reserve_first(p_item text, p_customer text, p_pool text, p_units bigint, p_at timestamptz,
	p_agents text[], p_caps bigint[],
	OUT r_agent text, OUT r_customer text, OUT r_pool text, OUT r_units bigint, OUT r_at timestamptz, OUT r_created boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
	v_agent text;
	v_wait text;
	v_cap bigint;
BEGIN
	SELECT i.agent, i.customer, i.pool, i.units, i.at, false INTO r_agent, r_customer, r_pool, r_units, r_at, r_created
	FROM {{S}}.items i WHERE i.item = p_item;
	IF FOUND THEN
		RETURN;
	END IF;
	-- Candidates without a row get one, inserted in ID order: calls that
	-- insert the same new agents wait for one another's uncommitted rows in
	-- one order, so they do not deadlock whatever their windows' orders.
	-- These rows stay held (unique key) until the call commits.
	IF EXISTS (SELECT FROM unnest(p_agents) AS w(id) WHERE NOT EXISTS (SELECT FROM {{S}}.agents x WHERE x.id = w.id)) THEN
		INSERT INTO {{S}}.agents (id)
		SELECT w.id FROM unnest(p_agents) AS w(id)
		WHERE NOT EXISTS (SELECT FROM {{S}}.agents x WHERE x.id = w.id)
		ORDER BY w.id COLLATE "C"
		ON CONFLICT (id) DO NOTHING;
	END IF;
	-- At most 32 tries (subtransactions) per call: past them the call
	-- assigns nothing, as when nobody has room, and the caller reads the
	-- workloads again.
	FOR v_try IN 1..least(2 * cardinality(p_agents) + 2, 32) LOOP
		BEGIN
			SELECT a.id INTO v_agent
			FROM {{S}}.agents a
			JOIN unnest(p_agents, p_caps) WITH ORDINALITY AS w(id, cap, ord) ON a.id = w.id
			WHERE a.load <= 9223372036854775807 - p_units AND (w.cap < 0 OR a.load <= w.cap - p_units)
			ORDER BY w.ord LIMIT 1
			FOR NO KEY UPDATE OF a SKIP LOCKED;
			IF v_agent IS NULL THEN
				-- Every candidate with room is held: wait for the first.
				SELECT a.id, w.cap INTO v_wait, v_cap
				FROM {{S}}.agents a
				JOIN unnest(p_agents, p_caps) WITH ORDINALITY AS w(id, cap, ord) ON a.id = w.id
				WHERE a.load <= 9223372036854775807 - p_units AND (w.cap < 0 OR a.load <= w.cap - p_units)
				ORDER BY w.ord LIMIT 1;
				IF v_wait IS NULL THEN
					RAISE EXCEPTION USING ERRCODE = 'SR001'; -- nobody has room
				END IF;
				PERFORM FROM {{S}}.agents a WHERE a.id = v_wait FOR NO KEY UPDATE;
				SELECT a.id INTO v_agent
				FROM {{S}}.agents a
				WHERE a.id = v_wait AND a.load <= 9223372036854775807 - p_units
				AND (v_cap < 0 OR a.load <= v_cap - p_units);
				IF v_agent IS NULL THEN
					RAISE EXCEPTION USING ERRCODE = 'SR002'; -- its holder took the room: again
				END IF;
			END IF;
		EXCEPTION
			WHEN SQLSTATE 'SR001' THEN
				v_agent := NULL;
				EXIT;
			WHEN SQLSTATE 'SR002' THEN
				v_agent := NULL;
		END;
		EXIT WHEN v_agent IS NOT NULL;
	END LOOP;
	IF v_agent IS NOT NULL THEN
		-- The item, the agent's load, Last and Seq, and the history, in one
		-- statement: it inserts a history row only if it inserted the item.
		WITH i AS (
			INSERT INTO {{S}}.items (item, customer, agent, pool, units, at)
			VALUES (p_item, p_customer, v_agent, p_pool, p_units, p_at)
			ON CONFLICT (item) DO NOTHING RETURNING agent
		), u AS (
			UPDATE {{S}}.agents a SET load = a.load + p_units,
				seq = CASE WHEN a.last IS NULL OR p_at >= a.last THEN nextval('{{S}}.assignment_seq') ELSE a.seq END,
				last = CASE WHEN a.last IS NULL OR p_at >= a.last THEN p_at ELSE a.last END
			FROM i WHERE a.id = i.agent RETURNING a.id
		)
		INSERT INTO {{S}}.history (agent, at) SELECT u.id, p_at FROM u;
		IF FOUND THEN
			r_agent := v_agent; r_customer := p_customer; r_pool := p_pool;
			r_units := p_units; r_at := p_at; r_created := true;
			RETURN;
		END IF;
	END IF;
	-- Nobody had room (no row: all NULL), or a concurrent re-delivery took
	-- the item first.
	SELECT i.agent, i.customer, i.pool, i.units, i.at, false INTO r_agent, r_customer, r_pool, r_units, r_at, r_created
	FROM {{S}}.items i WHERE i.item = p_item;
	IF NOT FOUND AND v_agent IS NOT NULL THEN
		RAISE EXCEPTION 'item taken and released concurrently' USING ERRCODE = 'serialization_failure';
	END IF;
END
$fn$;
`
