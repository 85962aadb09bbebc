package timezone

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// TestLocalMinute: the day number and minute IsOpen computes from the
// zone offset agree with time's own calendar fields, before 1970 too.
func TestLocalMinute(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, zone := range []string{"UTC", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Europe/Berlin", "America/Sao_Paulo"} {
		c, err := NewCalendar(CalendarConfig{Zone: zone})
		require.NoError(t, err)
		for range 2000 {
			at := time.Unix(r.Int64N(8e9)-4e9, 0)
			n, m := c.localMinute(at)
			local := at.In(c.loc)
			y, mo, d := local.Date()
			require.Equal(t, dayNumber(strata.Date{Year: y, Month: mo, Day: d}), n, "%s %s", zone, at)
			require.Equal(t, local.Hour()*60+local.Minute(), m, "%s %s", zone, at)
		}
	}
}
