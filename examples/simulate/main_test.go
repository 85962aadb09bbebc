package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSimulateRuns(t *testing.T) {
	in, err := load(files)
	require.NoError(t, err)
	in.month.Days, in.month.LeadsPerDay = 3, 60
	var a, b bytes.Buffer
	require.NoError(t, run(t.Context(), &a, in))
	require.NoError(t, run(t.Context(), &b, in))
	assert.Equal(t, a.String(), b.String(), "the same seed gives the same report")
	assert.Contains(t, a.String(), "tier-to-seniority")
	assert.Contains(t, a.String(), "Gini (assignments)")
}
