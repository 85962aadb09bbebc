package match_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
)

func TestDuplicates(t *testing.T) {
	m := newMatcher(t)
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	book := append(huaxinBook(),
		strata.Customer{ID: "C-200", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN", City: "Shenzhen",
			Channels: []strata.Channel{ch(strata.ChannelPhone, "+86 755 8888 1234")}}, // the trade-show record of C-100
		strata.Customer{ID: "C-201", Country: "CN", Channels: []strata.Channel{ch(strata.ChannelEmail, "sales@huaxin-elec.com")},
			Tags: []string{"legal_hold"}}, // the web-form record, under hold
		strata.Customer{ID: "C-300", Name: "Acme Inc.", Country: "US", Channels: []strata.Channel{ch(strata.ChannelEmail, "jo@acme.com")},
			Consents: []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: at}}},
		strata.Customer{ID: "C-301", Name: "ACME, Inc", Country: "US", Channels: []strata.Channel{ch(strata.ChannelEmail, "ann@acme.com")},
			Consents: []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentWithdrawn, At: at}}},
		strata.Customer{ID: "C-400", Name: "Lone Buyer GmbH", Country: "DE", Channels: []strata.Channel{ch(strata.ChannelEmail, "x@gmail.com")}},
		strata.Customer{ID: "C-401", Name: "Other Buyer GmbH", Country: "DE", Channels: []strata.Channel{ch(strata.ChannelEmail, "y@gmail.com")}},
	)
	rep, err := m.Duplicates(t.Context(), slices.Values(book))
	require.NoError(t, err)
	assert.Equal(t, len(book), rep.Records)
	require.Len(t, rep.Clusters, 2, "%+v", rep.Clusters)

	hx := rep.Clusters[0]
	assert.Equal(t, []string{"C-100", "C-200", "C-201"}, hx.IDs)
	assert.Equal(t, []string{"C-201"}, hx.Holds)
	assert.False(t, hx.ConsentDiffers)
	require.Len(t, hx.Links, 2)
	assert.Equal(t, match.Link{A: "C-100", B: "C-200", Score: 75, Evidence: []match.Kind{match.EvidencePhone, match.EvidenceCountry, match.EvidenceCity}}, hx.Links[0])
	assert.Equal(t, "C-201", hx.Links[1].B)

	acme := rep.Clusters[1]
	assert.Equal(t, []string{"C-300", "C-301"}, acme.IDs)
	assert.True(t, acme.ConsentDiffers)

	// The same book in another order gives the same clusters.
	rev := slices.Clone(book)
	slices.Reverse(rev)
	again, err := m.Duplicates(t.Context(), slices.Values(rev))
	require.NoError(t, err)
	assert.Equal(t, rep.Clusters, again.Clusters)
}

func TestDuplicatesStopsWithContext(t *testing.T) {
	m := newMatcher(t)
	ctx, cancel := context.WithCancel(t.Context())
	n := 0
	book := func(yield func(strata.Customer) bool) {
		for {
			n++
			if n == 5000 {
				cancel()
			}
			if !yield(strata.Customer{ID: "C", Country: "CN"}) {
				return
			}
		}
	}
	_, err := m.Duplicates(ctx, book)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, n, 10_000)
}
