package match_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/match"
)

func chinaRouter(t testing.TB) *routing.Router {
	cfg := routing.Config{
		Home: "CN",
		Agents: []routing.Agent{
			{ID: "wang", Seniority: 3, Capacity: 50, Country: "CN"},
			{ID: "zhao", Seniority: 3, Capacity: 50, Country: "CN"},
			{ID: "reviewer", Seniority: 5, Capacity: 50, Country: "CN"},
		},
		Pools: []routing.Pool{
			{Name: "china", Members: []string{"wang", "zhao"}, Strategy: routing.LeastLoaded, Sticky: true},
			{Name: "review", Members: []string{"reviewer"}, Strategy: routing.LeastLoaded},
		},
		Rules:       []routing.Rule{{Name: "possible-duplicates", When: `"match" in lead.attrs && lead.attrs.match == "possible"`, Pool: "review"}},
		DefaultPool: "china",
	}
	r, err := routing.New(cfg, routing.NewMemoryStore())
	require.NoError(t, err)
	return r
}

func TestRoute(t *testing.T) {
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	book := huaxinBook()
	tradeShow := strata.Customer{ID: "L-1", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN",
		Channels: []strata.Channel{ch(strata.ChannelPhone, "+86 755 8888 1234")}}
	maybe := strata.Customer{ID: "L-2", Name: "Shenzhen Huaxin Electronic", Country: "CN"} // like C-103, nothing more

	t.Run("a match goes to the owner", func(t *testing.T) {
		r := chinaRouter(t)
		// zhao has less work, so without the match least-loaded would pick zhao.
		_, err := r.Route(t.Context(), routing.Request{Item: "warm-up", Customer: strata.Customer{ID: "X", Country: "CN"}, Now: now})
		require.NoError(t, err)
		m := newMatcher(t)
		d, err := m.Route(t.Context(), r, routing.Request{Customer: tradeShow, Lead: routing.Lead{ID: "L-1"}, Now: now}, book)
		require.NoError(t, err)
		assert.Equal(t, routing.Assigned, d.Outcome)
		assert.Equal(t, "wang", d.Agent)
		assert.True(t, d.Sticky)
		assert.Equal(t, "L-1", d.Item)
		assert.Equal(t, match.Matched, d.Match.Outcome)
		assert.Equal(t, "C-100", d.Match.Customer)
		assert.Contains(t, d.Why(), "same phone +86 755****1234")
		assert.Equal(t, "L-1", tradeShow.ID, "the caller's lead is not modified")
	})
	t.Run("a possible match is deferred for review", func(t *testing.T) {
		m := newMatcher(t)
		d, err := m.Route(t.Context(), chinaRouter(t), routing.Request{Customer: maybe, Lead: routing.Lead{ID: "L-2"}, Now: now}, book)
		require.NoError(t, err)
		assert.Equal(t, routing.Deferred, d.Outcome)
		assert.Equal(t, now.Add(4*time.Hour), d.RetryAt)
		assert.Equal(t, match.Possible, d.Match.Outcome)
		assert.Contains(t, d.Reason, "C-103")
	})
	t.Run("or routed to a review pool by a rule", func(t *testing.T) {
		cfg := match.StarterConfig()
		cfg.OnPossible = match.RoutePossible
		m, err := match.New(cfg)
		require.NoError(t, err)
		lead := routing.Lead{ID: "L-2", Attrs: map[string]any{"campaign": "canton-fair"}}
		d, err := m.Route(t.Context(), chinaRouter(t), routing.Request{Customer: maybe, Lead: lead, Now: now}, book)
		require.NoError(t, err)
		assert.Equal(t, "reviewer", d.Agent, d.Why())
		assert.Equal(t, "possible-duplicates", d.Rule)
		assert.Equal(t, map[string]any{"campaign": "canton-fair"}, lead.Attrs, "the caller's attrs are not modified")
	})
	t.Run("no match is routed as new", func(t *testing.T) {
		m := newMatcher(t)
		lead := strata.Customer{ID: "L-3", Name: "Ningbo Yongsheng Textile", Country: "CN"}
		d, err := m.Route(t.Context(), chinaRouter(t), routing.Request{Customer: lead, Now: now}, book)
		require.NoError(t, err)
		assert.Equal(t, routing.Assigned, d.Outcome)
		assert.Equal(t, match.NoMatch, d.Match.Outcome)
		assert.False(t, d.Sticky)
	})
}
