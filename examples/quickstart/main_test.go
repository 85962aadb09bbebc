package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartRuns(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out))
	s := out.String()
	assert.Contains(t, s, "Sample book: 700 customers, all valid.")
	assert.Contains(t, s, "Tier distribution")
	assert.Contains(t, s, "but the stay rule")
	assert.Contains(t, s, "Routing: 700 assigned")
	assert.Contains(t, s, "eu-regular-001 → be-")
	assert.Contains(t, s, "undefined field 'revnue'")

	var again bytes.Buffer
	require.NoError(t, run(t.Context(), &again))
	assert.Equal(t, s, again.String(), "the same inputs give the same output")
}
