package routingtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

func TestMemoryStore(t *testing.T) {
	routingtest.TestStore(t, func(testing.TB) routing.Store { return routing.NewMemoryStore() })
}

func TestMemoryStoreShared(t *testing.T) {
	routingtest.TestSharedStore(t, func(testing.TB) routingtest.Open {
		s := routing.NewMemoryStore()
		return func(testing.TB) routing.Store { return s }
	})
}

func TestZeroMemoryStore(t *testing.T) {
	routingtest.TestStore(t, func(testing.TB) routing.Store { return new(routing.MemoryStore) })
}

func TestFaultyStoreFailingBefore(t *testing.T) {
	var injected int64
	routingtest.TestStore(t, func(t testing.TB) routing.Store {
		f := &routingtest.FaultyStore{Inner: routing.NewMemoryStore(), Every: 3}
		t.Cleanup(func() { injected += f.Fails.Load() })
		return f
	})
	assert.Positive(t, injected, "the wrapper did fail")
}

func TestFaultyStoreLosingAcknowledgements(t *testing.T) {
	routingtest.TestStore(t, func(testing.TB) routing.Store {
		return &routingtest.FaultyStore{Inner: routing.NewMemoryStore(), Every: 4, After: true}
	})
}

func TestFaultyStoresShared(t *testing.T) {
	routingtest.TestSharedStore(t, func(testing.TB) routingtest.Open {
		s := routing.NewMemoryStore()
		return func(testing.TB) routing.Store { return &routingtest.FaultyStore{Inner: s, Every: 7, After: true} } // 7: not a multiple of a route's calls
	})
}

// plainStore hides MemoryStore's Ranker and WindowReserver: FaultyStore then
// ranks with routing.RankByStats, the reference, which must pass its own
// suite, and reserves windows one Reserve at a time.
type plainStore struct{ routing.Store }

func TestFaultyStoreRankingByStats(t *testing.T) {
	routingtest.TestStore(t, func(testing.TB) routing.Store {
		return &routingtest.FaultyStore{Inner: plainStore{routing.NewMemoryStore()}, Every: 5}
	})
}

func TestPlainStoreShared(t *testing.T) {
	routingtest.TestSharedStore(t, func(testing.TB) routingtest.Open {
		s := routing.NewMemoryStore()
		return func(testing.TB) routing.Store { return plainStore{s} }
	})
}
