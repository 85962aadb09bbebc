package routingtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

func TestMemoryStore(t *testing.T) {
	routingtest.TestStore(t, func(t *testing.T) routing.Store { return routing.NewMemoryStore() })
}

func TestFaultyStoreFailingBefore(t *testing.T) {
	var injected int64
	routingtest.TestStore(t, func(t *testing.T) routing.Store {
		f := &routingtest.FaultyStore{Inner: routing.NewMemoryStore(), Every: 3}
		t.Cleanup(func() { injected += f.Fails.Load() })
		return f
	})
	assert.Positive(t, injected, "the wrapper did fail")
}

func TestFaultyStoreLosingAcknowledgements(t *testing.T) {
	routingtest.TestStore(t, func(t *testing.T) routing.Store {
		return &routingtest.FaultyStore{Inner: routing.NewMemoryStore(), Every: 4, After: true}
	})
}

// plainStore hides MemoryStore's Ranker: FaultyStore then ranks with
// routing.RankByStats, the reference, which must pass its own suite.
type plainStore struct{ routing.Store }

func TestFaultyStoreRankingByStats(t *testing.T) {
	routingtest.TestStore(t, func(t *testing.T) routing.Store {
		return &routingtest.FaultyStore{Inner: plainStore{routing.NewMemoryStore()}, Every: 5}
	})
}
