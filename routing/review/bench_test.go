package review_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
)

// BenchmarkReviewMillion reviews a million decision records (a recorded
// quarter of the sample team, cycled): first contact in each rep's business
// time, SLA, conversions, won value, fairness and loads, on all cores.
func BenchmarkReviewMillion(b *testing.B) {
	team := sample.Team()
	base := recordQuarter(b, team, 7, 91, 40)
	r, err := review.New(review.Config{Currency: "USD", SLA: strata.Duration(4 * time.Hour)}, team)
	require.NoError(b, err)
	const n = 1_000_000
	records := func(yield func(review.Record) bool) {
		for i := range n {
			if !yield(base[i%len(base)]) {
				return
			}
		}
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		rep, err := r.Review(b.Context(), records)
		require.NoError(b, err)
		require.Equal(b, n, rep.Total.Leads)
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkReplayQuarter replays a recorded quarter (3,640 decisions)
// through a proposed configuration.
func BenchmarkReplayQuarter(b *testing.B) {
	team := sample.Team()
	recs := recordQuarter(b, team, 7, 91, 40)
	proposed := sample.Team()
	proposed.Pools[3].Strategy = routing.RoundRobin
	r, err := review.New(review.Config{Currency: "USD"}, team)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		_, err := r.Replay(b.Context(), proposed, func(yield func(review.Record) bool) {
			for _, rec := range recs {
				if !yield(rec) {
					return
				}
			}
		}, routing.WithConverter(sample.Rates))
		require.NoError(b, err)
	}
}
