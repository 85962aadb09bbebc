package timezone

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata"
)

// TestSubdivisionTable: every override is a real ISO 3166-2 code whose zone
// zone.tab lists for its country (or, for US territories with their own
// ISO country code, for that code).
func TestSubdivisionTable(t *testing.T) {
	index()
	for sub, zone := range subdivisionZones {
		assert.True(t, strata.IsSubdivision(sub), "%s is not an ISO 3166-2 code", sub)
		country, own := sub[:2], sub[3:]
		ok := slices.Contains(byCountry[country], zone) || slices.Contains(byCountry[own], zone)
		assert.True(t, ok, "%s → %s is not a zone of %s in zone.tab", sub, zone, country)
	}
	for country, zone := range primaryZones {
		assert.Contains(t, byCountry[country], zone, country)
	}
}
