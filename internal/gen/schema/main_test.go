package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSchemasAreCurrent fails when a configuration type changed and its
// committed schema was not regenerated.
func TestSchemasAreCurrent(t *testing.T) {
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	out, err := Generate(root)
	require.NoError(t, err)
	for file, want := range out {
		got, err := os.ReadFile(filepath.Join(root, file))
		require.NoError(t, err, "run go generate github.com/strata-go/strata")
		require.Equal(t, string(want), string(got), "%s is stale: run go generate github.com/strata-go/strata", file)
	}
}
