package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSimulateRuns(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(t.Context(), &a, 3, 60, 7))
	require.NoError(t, run(t.Context(), &b, 3, 60, 7))
	assert.Equal(t, a.String(), b.String(), "the same seed gives the same report")
	assert.Contains(t, a.String(), "tier-to-seniority")
	assert.Contains(t, a.String(), "Gini (assignments)")
}
