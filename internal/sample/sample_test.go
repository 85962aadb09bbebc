package sample_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/sample"
)

func TestBookIsValidAndDeterministic(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	a, b := sample.Book(now), sample.Book(now)
	require.Len(t, a, 700)
	assert.Equal(t, a, b)
	ids := map[string]bool{}
	for _, c := range a {
		require.NoError(t, c.Validate(), c.ID)
		assert.False(t, ids[c.ID], "duplicate id %s", c.ID)
		ids[c.ID] = true
	}
}
