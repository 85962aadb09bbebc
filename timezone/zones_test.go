package timezone_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/timezone"
)

// TestForCountryMatchesZoneTab checks the generated table against the
// zone.tab it was generated from: every country, every zone, in order, and
// every zone loads in this Go runtime.
func TestForCountryMatchesZoneTab(t *testing.T) {
	f, err := os.Open("testdata/zone.tab")
	require.NoError(t, err)
	defer f.Close()
	want := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		want[fields[0]] = append(want[fields[0]], fields[2])
	}
	require.Greater(t, len(want), 240)
	for country, zones := range want {
		z, ok := timezone.ForCountry(country, "")
		require.True(t, ok, country)
		assert.Equal(t, zones, z.Candidates, country)
		assert.Contains(t, zones, z.Primary, country)
		for _, name := range zones {
			_, err := timezone.Location(name)
			assert.NoError(t, err, "%s zone %s", country, name)
		}
	}
	_, ok := timezone.ForCountry("ZZ", "")
	assert.False(t, ok)
}

func TestSubdivisionOverrides(t *testing.T) {
	for _, tt := range []struct{ country, sub, want string }{
		{"US", "US-CA", "America/Los_Angeles"}, {"US", "US-TX", "America/Chicago"}, {"US", "US-NY", "America/New_York"},
		{"US", "US-AZ", "America/Phoenix"}, {"US", "US-HI", "Pacific/Honolulu"}, {"US", "", "America/New_York"},
		{"CA", "CA-BC", "America/Vancouver"}, {"CA", "CA-NL", "America/St_Johns"}, {"MX", "MX-BCN", "America/Tijuana"},
		{"MX", "MX-NLE", "America/Monterrey"}, {"BR", "BR-SP", "America/Sao_Paulo"}, {"BR", "BR-AM", "America/Manaus"},
		{"RU", "RU-MOW", "Europe/Moscow"}, {"RU", "RU-PRI", "Asia/Vladivostok"}, {"RU", "RU-KGD", "Europe/Kaliningrad"},
		{"AU", "AU-WA", "Australia/Perth"}, {"AU", "AU-NSW", "Australia/Sydney"}, {"ID", "ID-JK", "Asia/Jakarta"},
		{"ID", "ID-BA", "Asia/Makassar"}, {"ID", "ID-PA", "Asia/Jayapura"}, {"KZ", "KZ-15", "Asia/Aqtobe"},
		{"CN", "CN-XJ", "Asia/Shanghai"}, {"CN", "CN-GD", "Asia/Shanghai"}, {"DE", "DE-BY", "Europe/Berlin"},
		{"US", "CA-BC", "America/New_York"}, // a subdivision of another country is ignored
	} {
		z, ok := timezone.ForCountry(tt.country, tt.sub)
		require.True(t, ok)
		assert.Equal(t, tt.want, z.Primary, "%s %s", tt.country, tt.sub)
	}
	cn, _ := timezone.ForCountry("CN", "")
	assert.Equal(t, []string{"Asia/Shanghai", "Asia/Urumqi"}, cn.Candidates)
}

func TestCanonicalAndLocation(t *testing.T) {
	assert.Equal(t, "Europe/Kyiv", timezone.Canonical("Europe/Kiev"))
	assert.Equal(t, "Asia/Kolkata", timezone.Canonical("Asia/Calcutta"))
	assert.Equal(t, "America/Los_Angeles", timezone.Canonical("US/Pacific"))
	assert.Equal(t, "Asia/Shanghai", timezone.Canonical("Asia/Shanghai"))
	a, err := timezone.Location("Europe/Kiev")
	require.NoError(t, err)
	b, err := timezone.Location("Europe/Kyiv")
	require.NoError(t, err)
	assert.Same(t, a, b, "one *Location per zone")
	_, err = timezone.Location("Mars/Olympus")
	assert.Error(t, err)
	_, err = timezone.Location("Local")
	assert.Error(t, err)
}

func TestResolveAndLocalTime(t *testing.T) {
	at := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	lt, err := timezone.LocalTime(at, "", "US", "US-IL")
	require.NoError(t, err)
	assert.Equal(t, "2026-11-21 19:00 CST", lt.Format("2006-01-02 15:04 MST"))
	lt, err = timezone.LocalTime(at, "Asia/Calcutta", "US", "")
	require.NoError(t, err)
	assert.Equal(t, "06:30", lt.Format("15:04"))
	_, err = timezone.Resolve("", "ZZ", "")
	assert.Error(t, err)
	_, err = timezone.Resolve("Nowhere/Land", "US", "")
	assert.Error(t, err)
}

func TestWeekend(t *testing.T) {
	sat, sun, thu, fri := time.Saturday, time.Sunday, time.Thursday, time.Friday
	for country, want := range map[string][]time.Weekday{
		"CN": {sat, sun}, "US": {sat, sun}, "DE": {sat, sun}, "SA": {fri, sat}, "EG": {fri, sat}, "QA": {fri, sat},
		"KW": {fri, sat}, "DZ": {fri, sat}, "IR": {fri}, "AF": {thu, fri}, "IN": {sun}, "": {sat, sun},
		"NP": {sat}, // Council of Ministers, 6 June 2022; CLDR 48 says Saturday–Sunday
	} {
		assert.Equal(t, want, timezone.Weekend(country), country)
	}
	assert.True(t, slices.Contains(timezone.Weekend("AE"), sat))
}
