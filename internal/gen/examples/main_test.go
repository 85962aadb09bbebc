package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
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
