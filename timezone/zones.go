package timezone

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strata-go/strata"
)

type zoneRow struct{ country, zone, comment string }

// Zones are the IANA time zones of a place: the one to use, and every zone
// the country has (from zone.tab, in its order).
type Zones struct {
	Primary    string   `json:"primary"`
	Candidates []string `json:"candidates"`
	// FromSubdivision says Primary was chosen by the subdivision, not just
	// the country.
	FromSubdivision bool `json:"from_subdivision,omitempty"`
}

var (
	byCountry   map[string][]string
	indexOnce   sync.Once
	locationMap sync.Map // canonical name -> *time.Location
)

func index() {
	indexOnce.Do(func() {
		byCountry = map[string][]string{}
		for _, r := range zoneTab {
			byCountry[r.country] = append(byCountry[r.country], r.zone)
		}
	})
}

// primaryZones picks the zone most of a multi-zone country's business runs
// on, where zone.tab's first row is not it.
var primaryZones = map[string]string{
	"US": "America/New_York", "CA": "America/Toronto", "MX": "America/Mexico_City", "BR": "America/Sao_Paulo",
	"RU": "Europe/Moscow", "AU": "Australia/Sydney", "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "CN": "Asia/Shanghai",
	"UA": "Europe/Kyiv", "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago", "ES": "Europe/Madrid",
	"PT": "Europe/Lisbon", "NZ": "Pacific/Auckland", "EC": "America/Guayaquil", "MN": "Asia/Ulaanbaatar",
	"CD": "Africa/Kinshasa", "DE": "Europe/Berlin", "MY": "Asia/Kuala_Lumpur", "UZ": "Asia/Tashkent",
	"PF": "Pacific/Tahiti", "KI": "Pacific/Tarawa", "FM": "Pacific/Pohnpei", "GL": "America/Nuuk", "CY": "Asia/Nicosia",
	"PS": "Asia/Gaza", "PG": "Pacific/Port_Moresby", "MH": "Pacific/Majuro", "AQ": "Antarctica/McMurdo",
}

// ForCountry returns the zones of a country (ISO 3166-1 alpha-2) and, when
// the subdivision (ISO 3166-2, e.g. "US-CA") settles it, the zone of that
// part: the US, Canada, Mexico, Brazil, Russia, Australia, Indonesia and
// Kazakhstan span several zones. China is always Asia/Shanghai (Beijing
// time is official across the country). The second result is false for a
// country zone.tab does not list.
func ForCountry(country, subdivision string) (Zones, bool) {
	index()
	zones, ok := byCountry[country]
	if !ok {
		return Zones{}, false
	}
	z := Zones{Primary: zones[0], Candidates: append([]string(nil), zones...)}
	if p, ok := primaryZones[country]; ok {
		z.Primary = p
	}
	if subdivision != "" && strings.HasPrefix(subdivision, country+"-") {
		if p, ok := subdivisionZones[subdivision]; ok {
			z.Primary, z.FromSubdivision = p, true
		}
	}
	return z, true
}

// Canonical returns the current IANA name for a zone, following the tz
// database's links from old names (Europe/Kiev → Europe/Kyiv,
// Asia/Calcutta → Asia/Kolkata, US/Pacific → America/Los_Angeles).
func Canonical(name string) string {
	for range 4 { // links may chain
		next, ok := zoneLinks[name]
		if !ok {
			break
		}
		name = next
	}
	return name
}

// Location loads a zone by name, following links, and caches it: unlike
// time.LoadLocation it returns the same *time.Location for the same zone.
// Compare zones by name all the same. Only valid zones are cached, and at
// most 1024 of them.
func Location(name string) (*time.Location, error) {
	if name == "" {
		return nil, fmt.Errorf("timezone: empty zone name")
	}
	name = Canonical(name)
	if loc, ok := locationMap.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if !strata.IsTimeZone(name) { // refuses what is not spelt like a zone name, cheaply
		return nil, fmt.Errorf("timezone: unknown zone %.64q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("timezone: unknown zone %.64q", name)
	}
	if locationsCached.Load() >= maxLocations {
		return loc, nil
	}
	actual, loaded := locationMap.LoadOrStore(strings.Clone(name), loc)
	if !loaded {
		locationsCached.Add(1)
	}
	return actual.(*time.Location), nil
}

// maxLocations bounds the Location cache (the tz database has about 600
// zones and links).
const maxLocations = 1024

var locationsCached atomic.Int32

// Resolve returns the zone to use for a record: its explicit zone when set
// (canonicalised), else the primary zone of its subdivision or country.
func Resolve(explicit, country, subdivision string) (string, error) {
	if explicit != "" {
		if _, err := Location(explicit); err != nil {
			return "", err
		}
		return Canonical(explicit), nil
	}
	z, ok := ForCountry(country, subdivision)
	if !ok {
		return "", fmt.Errorf("timezone: no zone for country %q", country)
	}
	return z.Primary, nil
}

// LocalTime returns t in the zone of a record (see Resolve): what the clock
// on the customer's wall says, so nobody calls at 3 a.m.
func LocalTime(t time.Time, explicit, country, subdivision string) (time.Time, error) {
	name, err := Resolve(explicit, country, subdivision)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := Location(name)
	if err != nil {
		return time.Time{}, err
	}
	return t.In(loc), nil
}

// Weekend returns a country's weekend days from CLDR: Saturday and Sunday
// for most, Friday and Saturday in Saudi Arabia, Egypt, Qatar, Kuwait and
// Algeria, Friday alone in Iran, Thursday and Friday in Afghanistan,
// Sunday alone in India.
func Weekend(country string) []time.Weekday {
	w, ok := weekendDays[country]
	if !ok {
		w = weekendDays["001"]
	}
	var out []time.Weekday
	for d := w[0]; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == w[1] {
			return out
		}
	}
}
