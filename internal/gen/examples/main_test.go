package main

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/sim"
	"github.com/strata-go/strata/scoring"
	"github.com/strata-go/strata/tiering"
)

// TestExampleFilesAreCurrent fails when a starter file, the sample team or
// the sample book changed and the examples' copies were not regenerated.
func TestExampleFilesAreCurrent(t *testing.T) {
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	files, err := Generate(root)
	require.NoError(t, err)
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err, "run go generate github.com/strata-go/strata")
		require.Equal(t, string(want), string(got), "%s is stale: run go generate github.com/strata-go/strata", name)
	}
}

// TestShippedConfigsSatisfyTheirSchemas checks every configuration file the
// examples ship (the simulator's, the service's test data, the
// quickstart's) against its package's JSON Schema, the strict loader and a
// round trip. The service is a nested module; its files are read by path.
func TestShippedConfigsSatisfyTheirSchemas(t *testing.T) {
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	schema := func(pkg string) string { return filepath.Join(root, pkg, "config.schema.json") }
	checks := map[string]func(t *testing.T, data []byte){
		"routing": func(t *testing.T, data []byte) { schematest.Check(t, schema("routing"), data, routing.ParseConfig) },
		"sim":     func(t *testing.T, data []byte) { schematest.Check(t, schema("routing/sim"), data, sim.ParseConfig) },
		"tiering": func(t *testing.T, data []byte) { schematest.Check(t, schema("tiering"), data, tiering.ParseConfig) },
		"scoring": func(t *testing.T, data []byte) { schematest.Check(t, schema("scoring"), data, scoring.ParseConfig) },
		"policy": func(t *testing.T, data []byte) {
			schematest.Check(t, schema("compliance"), data, compliance.ParseConfig)
		},
	}
	files := map[string]string{
		"examples/simulate/config/month.yaml":               "sim",
		"examples/service/testdata/team.yaml":               "routing",
		"examples/service/testdata/tiers.yaml":              "tiering",
		"examples/quickstart/config/team.yaml":              "routing",
		"examples/quickstart/config/tiering.yaml":           "tiering",
		"examples/quickstart/config/scoring-value.yaml":     "scoring",
		"examples/quickstart/config/scoring-potential.yaml": "scoring",
		"examples/quickstart/config/policy.yaml":            "policy",
	}
	teams, err := filepath.Glob(filepath.Join(root, "examples/simulate/config/*.yaml"))
	require.NoError(t, err)
	for _, f := range teams {
		rel, err := filepath.Rel(root, f)
		require.NoError(t, err)
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			files[filepath.ToSlash(rel)] = "routing" // the simulator's teams
		}
	}
	require.GreaterOrEqual(t, len(teams), 4, "the simulator ships a month and three teams")
	for _, name := range slices.Sorted(maps.Keys(files)) {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, name))
			require.NoError(t, err)
			checks[files[name]](t, data)
		})
	}
}
