package pgstore_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/pgstore"
)

// BenchmarkStore measures each call from one goroutine, round trip
// included. Set STRATA_PG_DSN with options='-c synchronous_commit=off' to
// see the cost without the wait for the disk.
func BenchmarkStore(b *testing.B) {
	needDB(b)
	ctx := b.Context()
	s := open(b, freshSchema(b))
	agents := make([]string, 40)
	caps := make([]int, 40)
	window := make([]routing.Candidate, 8)
	for i := range agents {
		agents[i], caps[i] = fmt.Sprintf("a%02d", i), 1_000_000
		_, _, err := s.Reserve(ctx, routing.Reservation{Item: "seed" + strconv.Itoa(i), Agent: agents[i], Units: 1, Capacity: -1, At: time.Now()})
		require.NoError(b, err)
	}
	for i := range window {
		window[i] = routing.Candidate{Agent: agents[i], Capacity: 1_000_000}
	}
	k, err := routing.NewRanking(routing.ByLoad, 1, agents, caps)
	require.NoError(b, err)
	b.Run("Lookup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.Lookup(ctx, "seed1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Stats8", func(b *testing.B) {
		b.ReportAllocs()
		var dst []routing.AgentStats
		for b.Loop() {
			if dst, err = s.Stats(ctx, agents[:8], time.Time{}, dst[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Rank40", func(b *testing.B) {
		b.ReportAllocs()
		var dst []routing.Ranked
		for b.Loop() {
			if dst, err = s.Rank(ctx, k, 0, 8, dst[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	reserveRelease(b, s, window)
}

func reserveRelease(b *testing.B, s *pgstore.Store, window []routing.Candidate) {
	ctx := b.Context()
	b.Run("ReserveFirst8", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, _, err := s.ReserveFirst(ctx, routing.Offer{Item: "r" + strconv.Itoa(i), Units: 1, At: time.Now(), Window: window}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Release", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			b.StopTimer()
			_, _, err := s.ReserveFirst(ctx, routing.Offer{Item: "x" + strconv.Itoa(i), Units: 1, At: time.Now(), Window: window})
			require.NoError(b, err)
			b.StartTimer()
			if _, err := s.Release(ctx, "x"+strconv.Itoa(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRankPool measures Rank's front of the line (8 agents) in pools
// of growing size: the server reads every member's row.
func BenchmarkRankPool(b *testing.B) {
	needDB(b)
	ctx := b.Context()
	s := open(b, freshSchema(b))
	for _, size := range []int{40, 1000, 10000} {
		agents := make([]string, size)
		caps := make([]int, size)
		for i := range agents {
			agents[i], caps[i] = fmt.Sprintf("p%d-%05d", size, i), 3+i%5
		}
		_, err := pool(b).Exec(ctx, "INSERT INTO "+s.Schema()+".agents (id, load, last, seq) "+
			"SELECT a, i % 3, now() - (i % 97) * interval '1 minute', i FROM unnest($1::text[]) WITH ORDINALITY AS w(a, i)", agents)
		require.NoError(b, err)
		k, err := routing.NewRanking(routing.ByFreeShare, 1, agents, caps)
		require.NoError(b, err)
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			b.ReportAllocs()
			var dst []routing.Ranked
			for b.Loop() {
				if dst, err = s.Rank(ctx, k, 0, 8, dst[:0]); err != nil || len(dst) != 8 {
					b.Fatal(err, len(dst))
				}
			}
		})
	}
}
