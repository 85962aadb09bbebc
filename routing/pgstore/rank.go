package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/strata-go/strata/routing"
)

// rankQuery is the statement that returns positions $2 to $2+$3-1 of the
// line of the ranking whose key is $1, in routing.Ranking's SQL order for
// o; by free share, $4 is the ranking's share scale. It returns no row when
// the schema does not know the ranking (its members are stored and deleted
// together with it).
func rankQuery(s string, o routing.Order) string {
	var key string
	switch o {
	case routing.ByLoad:
		key = "coalesce(a.load, 0), "
	case routing.ByFreeShare:
		key = "CASE WHEN m.cap < 0 THEN 0 ELSE div(coalesce(a.load, 0)::numeric * $4::numeric, m.cap) END, "
	}
	return "SELECT m.idx, m.agent, coalesce(a.load, 0), a.last, coalesce(a.seq, 0) " +
		"FROM " + s + ".ranking_members m LEFT JOIN " + s + ".agents a ON a.id = m.agent WHERE m.key = $1 " +
		"ORDER BY " + key + "a.last NULLS FIRST, coalesce(a.seq, 0), m.tie_key, m.agent COLLATE \"C\" OFFSET $2 LIMIT $3"
}

// Rank implements routing.Ranker in one statement: it orders the ranking's
// agents by their rows with routing.Ranking's SQL ORDER BY and returns the
// requested positions. The schema keeps each ranking's members as rows
// (agent, capacity, tie key), once per Ranking.Key, shared by all processes
// with the same configuration; the first Rank of a ranking the schema does
// not know stores it, which costs two more round trips. A Rank reads every
// member's row inside the database and sends back only the positions asked
// for, so it costs about 2 µs of server time per member: measured on a
// 2-core machine, round trip included, 0.4 ms for 40 agents, 2 ms for
// 1,000, 21 ms for 10,000 (BenchmarkRankPool).
func (s *Store) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	const op = "rank"
	if err := s.begin(ctx, op); err != nil {
		return dst, err
	}
	switch {
	case k == nil:
		return dst, routing.StoreError(op, errors.New("pgstore: rank needs a ranking"))
	case skip < 0 || n < 0:
		return dst, routing.StoreError(op, errors.New("pgstore: rank: negative skip or count"))
	case k.Order() < routing.ByLoad || k.Order() > routing.ByIdle:
		return dst, routing.StoreError(op, fmt.Errorf("pgstore: rank: unknown order %d", k.Order()))
	case n == 0 || skip >= k.Len():
		return dst, nil
	}
	mark := len(dst)
	for range 3 {
		var known bool
		var err error
		dst, known, err = s.rank(ctx, k, skip, n, dst[:mark])
		if err != nil || known {
			return dst, err
		}
		if err := s.register(ctx, k); err != nil {
			return dst[:mark], err
		}
	}
	return dst[:mark], routing.StoreError(op, errors.New("pgstore: rank: the ranking keeps disappearing (closed concurrently?)"))
}

// rank appends the line's positions (skip < k.Len()); known is false when
// the schema does not have the ranking.
func (s *Store) rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, bool, error) {
	mark := len(dst)
	args := []any{[]byte(k.Key()), int64(skip), int64(n)}
	if k.Order() == routing.ByFreeShare {
		args = append(args, pgtype.Numeric{Int: k.ShareScale(), Valid: true})
	}
	err := s.retry(ctx, "rank", func() error {
		dst = dst[:mark]
		rows, err := s.pool.Query(ctx, s.q.rank[k.Order()], args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var idx, load, seq int64
			var id string
			var last pgtype.Timestamptz
			if err := rows.Scan(&idx, &id, &load, &last, &seq); err != nil {
				return err
			}
			if idx < 0 || idx >= int64(k.Len()) || k.Agent(int(idx)) != id {
				return fmt.Errorf("pgstore: rank: the stored ranking does not match (index %d)", idx)
			}
			dst = append(dst, routing.Ranked{Index: int(idx),
				AgentStats: routing.AgentStats{Agent: id, Load: int(load), Last: utc(last), Seq: uint64(seq)}})
		}
		return rows.Err()
	})
	if err != nil {
		return dst[:mark], false, err
	}
	return dst, len(dst) > mark, nil
}

// register stores k's agents, capacities, tie keys and free-share scale
// under its key.
func (s *Store) register(ctx context.Context, k *routing.Ranking) error {
	agents := make([]string, k.Len())
	caps := make([]int64, k.Len())
	ties := make([]int64, k.Len())
	for i := range agents {
		agents[i], caps[i], ties[i] = k.Agent(i), int64(k.Capacity(i)), k.TieKey(i)
	}
	if err := checkIDs("rank", agents...); err != nil {
		return err
	}
	scale := pgtype.Numeric{Int: k.ShareScale(), Valid: true}
	return s.retry(ctx, "rank", func() error {
		_, err := s.pool.Exec(ctx, s.q.register, []byte(k.Key()), scale, agents, caps, ties)
		return err
	})
}

// CloseRanking implements routing.RankingCloser: it deletes k from the
// schema. Another process still ranking by an equal Ranking stores it again
// on its next Rank.
func (s *Store) CloseRanking(ctx context.Context, k *routing.Ranking) error {
	const op = "close ranking"
	if err := s.begin(ctx, op); err != nil {
		return err
	}
	if k == nil {
		return nil
	}
	if _, err := s.pool.Exec(ctx, s.q.closeRanking, []byte(k.Key())); err != nil {
		return fail(ctx, op, err)
	}
	return nil
}
