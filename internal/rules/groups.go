package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata"
)

// curatedRegions are the groups CLDR does not define, written out by hand.
// Each is a list of ISO 3166-1 or ISO 3166-2 codes.
var curatedRegions = map[string][]string{
	// EEA: the EU plus Iceland, Liechtenstein and Norway (EEA Agreement).
	"EEA": append(slices.Clone(cldrRegions["EU"]), "IS", "LI", "NO"),
	// The euro area. CLDR 48 still lists 19 members; Croatia joined on
	// 1 January 2023 and Bulgaria on 1 January 2026.
	"Eurozone": {"AT", "BE", "BG", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK"},
	"DACH":     {"AT", "CH", "DE"},
	"Nordics":  {"AX", "DK", "FI", "FO", "GL", "IS", "NO", "SE"},
	// ASEAN's eleven members; Timor-Leste joined on 26 October 2025.
	"ASEAN": {"BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"},
	// The Middle East as trade statistics usually draw it: the Gulf, the
	// Levant, Egypt, Iran, Iraq, Turkey and Yemen.
	"MiddleEast": {"AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE"},
	// North America in the business sense: Northern America plus Mexico.
	"NorthAmerica": append(slices.Clone(cldrRegions["NorthernAmerica"]), "MX"),
	// Asia-Pacific: East, South-East and South Asia plus Oceania.
	"APAC": {
		"AU", "BD", "BN", "BT", "CN", "FJ", "HK", "ID", "IN", "JP", "KH", "KI", "KR", "LA", "LK", "MH", "MM", "MN",
		"MO", "MV", "MY", "NP", "NR", "NZ", "PG", "PH", "PK", "PW", "SB", "SG", "TH", "TL", "TO", "TV", "TW", "VN", "VU", "WS",
	},
	// China's seven macro-regions (七大地理分区) by ISO 3166-2:CN code.
	"CN-East":      {"CN-SH", "CN-JS", "CN-ZJ", "CN-AH", "CN-FJ", "CN-JX", "CN-SD"}, // 华东
	"CN-South":     {"CN-GD", "CN-GX", "CN-HI", "CN-HK", "CN-MO"},                   // 华南
	"CN-North":     {"CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-NM"},                   // 华北
	"CN-Central":   {"CN-HA", "CN-HB", "CN-HN"},                                     // 华中
	"CN-Southwest": {"CN-CQ", "CN-SC", "CN-GZ", "CN-YN", "CN-XZ"},                   // 西南
	"CN-Northwest": {"CN-SN", "CN-GS", "CN-QH", "CN-NX", "CN-XJ"},                   // 西北
	"CN-Northeast": {"CN-LN", "CN-JL", "CN-HL"},                                     // 东北
	// 欧美: Europe and Northern America, as Chinese exporters use the word.
	"EuropeAmerica": append(slices.Clone(cldrRegions["Europe"]), cldrRegions["NorthernAmerica"]...),
}

// groupAliases maps other spellings, including Chinese ones, to group names.
var groupAliases = map[string]string{
	"华东": "CN-East", "华南": "CN-South", "华北": "CN-North", "华中": "CN-Central",
	"西南": "CN-Southwest", "西北": "CN-Northwest", "东北": "CN-Northeast",
	"欧盟": "EU", "欧洲": "Europe", "东南亚": "ASEAN", "中东": "MiddleEast", "拉美": "LatinAmerica",
	"北美": "NorthAmerica", "亚太": "APAC", "欧美": "EuropeAmerica", "美洲": "Americas",
}

// BuiltinGroups returns the names of the built-in region groups, sorted.
func BuiltinGroups() []string {
	names := make([]string, 0, len(cldrRegions)+len(curatedRegions))
	for n := range cldrRegions {
		names = append(names, n)
	}
	for n := range curatedRegions {
		names = append(names, n)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// groupKey folds a group name for lookup: case, spaces, '-' and '_' do not
// matter, so "Middle East", "middle_east" and "MiddleEast" are one group.
func groupKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == ' ' || r == '-' || r == '_' {
			continue
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

// groups is an immutable index from folded group name to its member codes.
type groups struct {
	members map[string]map[string]bool // folded name -> codes
	names   map[string]string          // folded name -> display name
	exact   map[string]map[string]bool // every name and alias as written -> codes
}

func newGroups(host map[string][]string) (*groups, error) {
	g := &groups{members: map[string]map[string]bool{}, names: map[string]string{}}
	add := func(name string, codes []string) {
		set := make(map[string]bool, len(codes))
		for _, c := range codes {
			set[c] = true
		}
		g.members[groupKey(name)] = set
		g.names[groupKey(name)] = name
	}
	for n, codes := range cldrRegions {
		add(n, codes)
	}
	for n, codes := range curatedRegions {
		add(n, codes)
	}
	var errs []error
	for _, n := range slices.Sorted(mapsKeys(host)) {
		if groupKey(n) == "" {
			errs = append(errs, fmt.Errorf("group %q: empty name", n))
			continue
		}
		for i, c := range host[n] {
			if !strata.IsCountry(c) && !strata.IsSubdivision(c) {
				errs = append(errs, fmt.Errorf("group %q: members[%d]: %q is not an ISO 3166 country or subdivision code", n, i, c))
			}
		}
		add(n, host[n]) // host groups replace built-ins of the same name
	}
	for alias, target := range groupAliases {
		if _, taken := g.members[groupKey(alias)]; !taken {
			g.members[groupKey(alias)] = g.members[groupKey(target)]
			g.names[groupKey(alias)] = target
		}
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	g.exact = map[string]map[string]bool{}
	for _, src := range []map[string][]string{cldrRegions, curatedRegions, host} {
		for n := range src {
			g.exact[n] = g.members[groupKey(n)]
		}
	}
	for alias := range groupAliases {
		g.exact[alias] = g.members[groupKey(alias)]
	}
	return g, nil
}

// lookup returns the member set of a group.
func (g *groups) lookup(name string) (map[string]bool, bool) {
	if m, ok := g.exact[name]; ok {
		return m, true
	}
	m, ok := g.members[groupKey(name)]
	return m, ok
}

// contains reports whether code (a country or an ISO 3166-2 subdivision) is
// in the group. A subdivision is in a group that lists it or its country.
func contains(set map[string]bool, code string) bool {
	if set[code] {
		return true
	}
	if len(code) > 3 && code[2] == '-' {
		return set[code[:2]]
	}
	return false
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
