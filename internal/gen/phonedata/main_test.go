package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTableIsCurrent: the committed zz_phonedata.go is what the pinned
// phonenumbers metadata generates.
func TestTableIsCurrent(t *testing.T) {
	want, err := generate()
	require.NoError(t, err)
	got, err := os.ReadFile("../../../zz_phonedata.go")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "zz_phonedata.go is stale: run go generate github.com/strata-go/strata")
}
