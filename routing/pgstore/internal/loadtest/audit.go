package loadtest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/strata-go/strata/routing"
)

// InstallAudit adds to schema (which pgstore.New created) a load_audit
// table and a trigger on agents that records every change of an agent's
// load: the old and new load and the transaction. It is test setup, not
// part of pgstore's schema.
func InstallAudit(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	s := pgx.Identifier{schema}.Sanitize()
	_, err := pool.Exec(ctx, `
CREATE TABLE `+s+`.load_audit (
	id       bigserial PRIMARY KEY,
	agent    text NOT NULL,
	old_load bigint NOT NULL,
	new_load bigint NOT NULL,
	xid      bigint NOT NULL DEFAULT txid_current()
);
CREATE FUNCTION `+s+`.audit_load() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.load <> 0 THEN
			INSERT INTO `+s+`.load_audit (agent, old_load, new_load) VALUES (NEW.id, 0, NEW.load);
		END IF;
	ELSIF NEW.load IS DISTINCT FROM OLD.load THEN
		INSERT INTO `+s+`.load_audit (agent, old_load, new_load) VALUES (NEW.id, OLD.load, NEW.load);
	END IF;
	RETURN NULL;
END
$fn$;
CREATE TRIGGER audit_load AFTER INSERT OR UPDATE ON `+s+`.agents
	FOR EACH ROW EXECUTE FUNCTION `+s+`.audit_load();`)
	return err
}

// Audit is what the audit table and the schema say after a load.
type Audit struct {
	// Changes counts recorded load changes, Increases those that added
	// units (reservations and the receiving side of moves).
	Changes, Increases int64
	// OverCapacity lists "agent: load/capacity" for every recorded load
	// above the agent's capacity in cfg; empty when none ever was.
	OverCapacity []string
	// Negative counts recorded loads below zero.
	Negative int64
	// Mismatched lists "agent: load L, items U, audit A" for every agent
	// whose load is not the units of the items it holds, or not the sum of
	// its recorded changes.
	Mismatched []string
	// Held counts the items still assigned.
	Held int64
}

// Check reads the audit table and the schema, against cfg's capacities.
func Check(ctx context.Context, pool *pgxpool.Pool, schema string, cfg routing.Config) (Audit, error) {
	s := pgx.Identifier{schema}.Sanitize()
	ids := make([]string, len(cfg.Agents))
	caps := make([]int64, len(cfg.Agents))
	for i, a := range cfg.Agents {
		ids[i], caps[i] = a.ID, int64(a.Capacity)
		if a.Uncapped {
			caps[i] = routing.NoLimit
		}
	}
	var au Audit
	err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE new_load > old_load),
		count(*) FILTER (WHERE new_load < 0) FROM `+s+`.load_audit`).Scan(&au.Changes, &au.Increases, &au.Negative)
	if err != nil {
		return au, err
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+s+`.items`).Scan(&au.Held); err != nil {
		return au, err
	}
	over, err := pool.Query(ctx, `SELECT l.agent || ': ' || l.new_load || '/' || c.cap
		FROM `+s+`.load_audit l JOIN unnest($1::text[], $2::bigint[]) AS c(agent, cap) ON c.agent = l.agent
		WHERE c.cap >= 0 AND l.new_load > c.cap ORDER BY l.id`, ids, caps)
	if err != nil {
		return au, err
	}
	if au.OverCapacity, err = pgx.CollectRows(over, pgx.RowTo[string]); err != nil {
		return au, err
	}
	mism, err := pool.Query(ctx, `SELECT a.id || ': load ' || a.load || ', items ' || coalesce(i.units, 0) || ', audit ' || coalesce(l.sum, 0)
		FROM `+s+`.agents a
		LEFT JOIN (SELECT agent, sum(units) AS units FROM `+s+`.items GROUP BY agent) i ON i.agent = a.id
		LEFT JOIN (SELECT agent, sum(new_load - old_load) AS sum FROM `+s+`.load_audit GROUP BY agent) l ON l.agent = a.id
		WHERE a.load <> coalesce(i.units, 0) OR a.load <> coalesce(l.sum, 0) ORDER BY a.id`)
	if err != nil {
		return au, err
	}
	if au.Mismatched, err = pgx.CollectRows(mism, pgx.RowTo[string]); err != nil {
		return au, err
	}
	return au, nil
}

// String summarises the audit.
func (au Audit) String() string {
	return fmt.Sprintf("%d load changes (%d increases), %d over capacity, %d negative, %d mismatched, %d items held",
		au.Changes, au.Increases, len(au.OverCapacity), au.Negative, len(au.Mismatched), au.Held)
}
