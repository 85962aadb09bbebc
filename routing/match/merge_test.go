package match_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
)

func TestMerge(t *testing.T) {
	m := newMatcher(t)
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	a := strata.Customer{ID: "C-100", Name: "深圳华信电子有限公司", Country: "CN", City: "Shenzhen", Owner: "wang", Industry: "electronics",
		Channels: []strata.Channel{ch(strata.ChannelPhone, "+86 755 8888 1234"), ch(strata.ChannelEmail, "caigou@huaxin-elec.com")},
		Tags:     []string{"key"}, Revenue: strata.MoneyOf(decimal.NewFromInt(900_000), "CNY"), Orders: 12,
		FirstOrderAt: day(2), LastOrderAt: day(5), CreatedAt: day(1), UpdatedAt: day(10)}
	b := strata.Customer{ID: "C-200", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN", Subdivision: "CN-GD", Owner: "li",
		Channels:  []strata.Channel{ch(strata.ChannelPhone, "0755-8888 1234"), ch(strata.ChannelEmail, "jason.li@huaxin-elec.com")},
		Languages: []string{"en"}, Tags: []string{"trade-show"}, CreatedAt: day(3), UpdatedAt: day(20)}

	p, err := m.Merge([]strata.Customer{b, a})
	require.NoError(t, err)
	assert.Equal(t, "C-100", p.Survivor, "the most complete record survives")
	assert.Equal(t, []string{"C-200"}, p.Absorbed)
	assert.False(t, p.Blocked)
	mg := p.Merged
	assert.Equal(t, "C-100", mg.ID)
	assert.Equal(t, "Shenzhen Huaxin Electronics Co., Ltd.", mg.Name, "the most recent value")
	assert.Equal(t, "CN-GD", mg.Subdivision, "filled from the absorbed record")
	assert.Equal(t, "Shenzhen", mg.City)
	assert.Equal(t, "li", mg.Owner)
	assert.Len(t, mg.Channels, 3, "the phone written twice is one channel")
	assert.Equal(t, []string{"trade-show", "key"}, mg.Tags)
	assert.Equal(t, 12, mg.Orders)
	assert.Equal(t, day(1), mg.CreatedAt)
	assert.Equal(t, day(20), mg.UpdatedAt)
	assert.Contains(t, p.Choices, match.Choice{Path: "subdivision", From: "C-200", Why: "empty in the survivor"})
	require.Len(t, p.Conflicts, 1)
	assert.Equal(t, match.EvidenceOwner, p.Conflicts[0].Kind)
	assert.Equal(t, []string{"C-100", "C-200"}, p.Conflicts[0].IDs)

	t.Run("legal hold blocks", func(t *testing.T) {
		held := b
		held.Tags = []string{"legal_hold"}
		p, err := m.Merge([]strata.Customer{a, held})
		require.NoError(t, err)
		assert.True(t, p.Blocked)
		assert.Equal(t, match.EvidenceHold, p.Conflicts[0].Kind)
		assert.Equal(t, []string{"C-200"}, p.Conflicts[0].IDs)
	})
	t.Run("consent difference blocks", func(t *testing.T) {
		x, y := a, b
		x.Consents = []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: day(1)}}
		y.Consents = []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: day(1)},
			{Purpose: "marketing_email", State: strata.ConsentWithdrawn, At: day(9)}}
		p, err := m.Merge([]strata.Customer{x, y})
		require.NoError(t, err)
		assert.True(t, p.Blocked)
		assert.Equal(t, match.EvidenceConsent, p.Conflicts[0].Kind)
		assert.Contains(t, p.Conflicts[0].Msg, "marketing_email")
		assert.Len(t, p.Merged.Consents, 3, "every consent record is kept, in time order")
	})
	t.Run("refused", func(t *testing.T) {
		for _, recs := range [][]strata.Customer{nil, {a}, {a, a}, {a, {}}} {
			_, err := m.Merge(recs)
			assert.Error(t, err)
		}
	})
}
