package sim_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/routing/sim"
)

func TestSampleConfigFile(t *testing.T) {
	data, err := os.ReadFile("testdata/month.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, sim.ParseConfig)
	assert.Equal(t, 30, cfg.Days)
	assert.Len(t, cfg.Markets, 8)
	rep, err := sim.Run(t.Context(), simTeam(6, "least_loaded"), func() sim.Config { c := cfg; c.Days = 2; return c }())
	require.NoError(t, err)
	assert.Equal(t, 300, rep.Leads)
}

func TestParseConfigRefusesMistakes(t *testing.T) {
	_, err := sim.ParseConfig([]byte("start: 2026-11-02T00:00:00Z\ndays: 3\nleads_per_day: x\nmarkets: []\nservice: 1h\nsla: 2h\nslaa: 1h\n"))
	require.Error(t, err)
	assert.ErrorContains(t, err, "leads_per_day")
	assert.ErrorContains(t, err, "slaa: unknown field")
	_, err = sim.ParseConfig([]byte(`{"days": 1}`))
	for _, p := range []string{"start", "leads_per_day", "markets", "service"} {
		assert.ErrorContains(t, err, p+": required")
	}
	for _, p := range strata.Problems(err) {
		var ce *strata.ConfigError
		assert.ErrorAs(t, p, &ce)
	}
}

func FuzzParseConfig(f *testing.F) {
	data, err := os.ReadFile("testdata/month.yaml")
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"start":"2026-11-02T00:00:00Z","days":1,"leads_per_day":3,"markets":[{"country":"CN","zone":"Asia/Shanghai","weight":1}],"service":"1h"}`))
	f.Add([]byte("days: 99999999999999999999\n"))
	team := simTeam(3, "least_loaded")
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := sim.ParseConfig(data)
		if err != nil {
			return
		}
		if cfg.Days*cfg.LeadsPerDay > 500 || cfg.Days > 20 { // keep each run short
			return
		}
		rep, err := sim.Run(t.Context(), team, cfg)
		if err == nil {
			require.Equal(t, rep.Leads, rep.Assigned+rep.Unassigned)
		}
	})
}
