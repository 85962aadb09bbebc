package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartRuns(t *testing.T) {
	in, err := load(files)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, in, "en"))
	s := out.String()
	assert.Contains(t, s, "Sample book: 700 customers, all valid.")
	assert.Contains(t, s, "Tier distribution")
	assert.Contains(t, s, "but the stay rule")
	assert.Contains(t, s, "Routing: 700 assigned")
	assert.Contains(t, s, "eu-regular-001 → be-")
	assert.Contains(t, s, "undefined field 'revnue'")

	assert.Contains(t, s, "Key Account")
	assert.Contains(t, s, "Marketing Specialist: S*** T***", "masked for marketing")
	assert.Contains(t, s, "A transfer refused while routing")
	assert.Contains(t, s, "needs_scc")
	assert.Contains(t, s, "Sales Director")

	var again bytes.Buffer
	require.NoError(t, run(t.Context(), &again, in, "en"))
	assert.Equal(t, s, again.String(), "the same inputs give the same output")

	var zh bytes.Buffer
	require.NoError(t, run(t.Context(), &zh, in, "zh-Hans"))
	assert.Contains(t, zh.String(), "客户分层")
	assert.Contains(t, zh.String(), "重点客户")
	assert.Contains(t, zh.String(), "亿", "revenue in 万/亿")
}
