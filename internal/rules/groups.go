package rules

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/strata-go/strata"
)

// curatedRegions are the groups CLDR does not define, written out by hand.
// Each is a list of ISO 3166-1 or ISO 3166-2 codes.
var curatedRegions = map[string][]string{
	// The EU: CLDR's 27 member states, plus the territories with their own
	// ISO 3166-1 codes that are part of the Union: the outermost regions
	// with a code (TFEU Art. 349: Guadeloupe, French Guiana, Martinique,
	// Mayotte, Réunion, Saint-Martin) and Åland (Protocol 2 to the 1994 Act
	// of Accession). Overseas countries and territories (TFEU Art. 355 and
	// Annex II: New Caledonia, Aruba …) are not.
	"EU": append(slices.Clone(cldrRegions["EU"]), euTerritories...),
	// EEA: the EU plus Iceland, Liechtenstein and Norway (EEA Agreement),
	// without Svalbard (Protocol 40).
	"EEA": append(append(slices.Clone(cldrRegions["EU"]), euTerritories...), "IS", "LI", "NO"),
	// The euro area. CLDR 48 still lists 19 members; Croatia joined on
	// 1 January 2023 and Bulgaria on 1 January 2026. The EU territories
	// above are in it with their member states.
	"Eurozone": append([]string{"AT", "BE", "BG", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK"}, euTerritories...),
	"DACH":     {"AT", "CH", "DE"},
	"Nordics":  {"AX", "DK", "FI", "FO", "GL", "IS", "NO", "SE", "SJ"},
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

// territories maps ISO 3166-2 subdivision codes to the ISO 3166-1 code the
// same territory also has: ISO 3166-2 lists these territories under their
// sovereign country and ISO 3166-1 gives each its own country code (the
// standard's "also included in ISO 3166-2" entries), so a CRM may record
// Hong Kong as country HK or as subdivision CN-HK of CN. A group that lists
// either code holds both, so in_group answers the same whichever way a
// record spells the territory.
var territories = map[string]string{
	"CN-HK": "HK", "CN-MO": "MO", "CN-TW": "TW",
	"US-AS": "AS", "US-GU": "GU", "US-MP": "MP", "US-PR": "PR", "US-UM": "UM", "US-VI": "VI",
	"FR-971": "GP", "FR-972": "MQ", "FR-973": "GF", "FR-974": "RE", "FR-976": "YT",
	"FR-BL": "BL", "FR-MF": "MF", "FR-NC": "NC", "FR-PF": "PF", "FR-PM": "PM", "FR-TF": "TF", "FR-WF": "WF",
	"NL-AW": "AW", "NL-CW": "CW", "NL-SX": "SX",
	"NO-21": "SJ", "NO-22": "SJ",
	"FI-01": "AX",
}

// withTerritories adds to a group's codes the other code of every
// territory it lists (see territories).
func withTerritories(codes []string) []string {
	out := slices.Clone(codes)
	for _, c := range codes {
		if country, ok := territories[c]; ok {
			out = append(out, country)
		}
	}
	for sub, country := range territories {
		if slices.Contains(codes, country) {
			out = append(out, sub)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// euTerritories are the territories with their own ISO 3166-1 code that
// are part of the EU (see curatedRegions["EU"]).
var euTerritories = []string{"AX", "GF", "GP", "MF", "MQ", "RE", "YT"}

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

// builtin is the index of the built-in groups and aliases, built once:
// every Env shares its sets, which nobody modifies.
var builtin = sync.OnceValue(func() *groups {
	g := &groups{members: map[string]map[string]bool{}, names: map[string]string{}, exact: map[string]map[string]bool{}}
	for _, src := range []map[string][]string{cldrRegions, curatedRegions} {
		for _, n := range slices.Sorted(maps.Keys(src)) {
			g.add(n, src[n])
		}
	}
	g.aliases()
	return g
})

// add indexes one group under its folded name and its name as written.
func (g *groups) add(name string, codes []string) {
	codes = withTerritories(codes)
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[c] = true
	}
	g.members[groupKey(name)] = set
	g.names[groupKey(name)] = name
	g.exact[name] = set
}

// aliases indexes the Chinese and other spellings of groups, unless a
// group of that name exists.
func (g *groups) aliases() {
	for _, alias := range slices.Sorted(maps.Keys(groupAliases)) {
		target := groupAliases[alias]
		if _, taken := g.members[groupKey(alias)]; !taken {
			g.members[groupKey(alias)] = g.members[groupKey(target)]
			g.names[groupKey(alias)] = target
		}
		g.exact[alias] = g.members[groupKey(alias)]
	}
}

func newGroups(host map[string][]string) (*groups, error) {
	base := builtin()
	if len(host) == 0 {
		return base, nil
	}
	g := &groups{members: maps.Clone(base.members), names: maps.Clone(base.names), exact: maps.Clone(base.exact)}
	var errs []error
	hostKeys := map[string]bool{}
	for _, n := range slices.Sorted(maps.Keys(host)) {
		hostKeys[groupKey(n)] = true
		if groupKey(n) == "" {
			errs = append(errs, fmt.Errorf("group %q: empty name", n))
			continue
		}
		for i, c := range host[n] {
			if !strata.IsCountry(c) && !strata.IsSubdivision(c) {
				errs = append(errs, fmt.Errorf("group %q: members[%d]: %q is not an ISO 3166 country or subdivision code", n, i, c))
			}
		}
		g.add(n, host[n]) // host groups replace built-ins of the same name
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	// An alias the host did not take keeps pointing at its group, replaced
	// or not, and every name as written answers for its folded name.
	for alias, target := range groupAliases {
		if !hostKeys[groupKey(alias)] && base.names[groupKey(alias)] == target {
			g.members[groupKey(alias)] = g.members[groupKey(target)]
		}
	}
	for n := range g.exact {
		g.exact[n] = g.members[groupKey(n)]
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
// in the group. A subdivision is in a group that lists it or its country,
// except a territory that also has its own country code (see
// territories): it is in the groups of that code, as a record naming the
// territory by its country code is, and not in those of its sovereign
// (New Caledonia, FR-NC or NC, is not in the EU although France is).
func contains(set map[string]bool, code string) bool {
	if set[code] {
		return true
	}
	if len(code) > 3 && code[2] == '-' {
		if _, own := territories[code]; own {
			return false
		}
		return set[code[:2]]
	}
	return false
}

// customerIn reports whether the customer's subdivision, else its country,
// is in the group; a territory recorded as a subdivision counts as the
// territory alone (see contains).
func customerIn(set map[string]bool, c *strata.Customer) bool {
	if c.Subdivision != "" {
		if contains(set, c.Subdivision) {
			return true
		}
		if _, own := territories[c.Subdivision]; own {
			return false
		}
	}
	return contains(set, c.Country)
}

// groupSet is a group's member set as planned rules test it, answering as
// contains and customerIn do on the set, without hashing: two-letter
// country codes in a bitmap, the other codes (subdivisions) in a sorted
// slice.
type groupSet struct {
	cc     [(26*26 + 63) / 64]uint64
	others []string
	packed []uint64 // others packed (packCode), sorted; nil if one does not pack
	// prefixes has the bit of every country an other code starts with:
	// a subdivision of any other country is not among them.
	prefixes [(26*26 + 63) / 64]uint64
}

// alpha2 returns the index of a code of two capital letters.
func alpha2(code string) (int, bool) {
	if len(code) != 2 {
		return 0, false
	}
	a, b := code[0]-'A', code[1]-'A' // bytes below 'A' wrap past 25
	if a >= 26 || b >= 26 {
		return 0, false
	}
	return int(a)*26 + int(b), true
}

func newGroupSet(set map[string]bool) *groupSet {
	g := &groupSet{}
	for code, in := range set {
		if !in {
			continue
		}
		if i, ok := alpha2(code); ok {
			g.cc[i/64] |= 1 << (i % 64)
		} else {
			g.others = append(g.others, code)
			if i, ok := alpha2(code[:min(2, len(code))]); ok {
				g.prefixes[i/64] |= 1 << (i % 64)
			}
		}
	}
	slices.Sort(g.others)
	g.packed = make([]uint64, 0, len(g.others))
	for _, code := range g.others {
		k, ok := packCode(code)
		if !ok {
			g.packed = nil
			break
		}
		g.packed = append(g.packed, k)
	}
	slices.Sort(g.packed)
	return g
}

// packCode packs a code of 1 to 7 bytes, with its length, into an integer
// that equals another's exactly when the codes are equal.
func packCode(code string) (uint64, bool) {
	if len(code) == 0 || len(code) > 7 {
		return 0, false
	}
	k := uint64(len(code)) << 56
	for i := range len(code) {
		k |= uint64(code[i]) << (8 * (6 - i))
	}
	return k, true
}

// bit reports whether the country of alpha2 index i is in the set.
func (g *groupSet) bit(i int) bool { return g.cc[i/64]&(1<<(i%64)) != 0 }

// region is a customer's subdivision and country, decomposed once per
// binding (Activation.regionOf) for every in_group(customer, …) of the
// rules evaluated on it.
type region struct {
	stamp      uint64 // Activation.gen when computed
	usual      bool   // both codes decomposed: hasRegion answers
	sub        uint64 // the subdivision packed, 0 when there is none
	subAlpha   int    // its alpha2 index, or -1
	dash       bool   // of the form XX-…, as territories are
	territory  bool
	subCountry int // the alpha2 index of its first two letters, or -1
	country    int // the country's alpha2 index
}

func (r *region) decompose(c *strata.Customer) {
	sub := c.Subdivision
	country, ok := alpha2(c.Country)
	*r = region{stamp: r.stamp, usual: ok, country: country, subAlpha: -1, subCountry: -1}
	if sub == "" {
		return
	}
	r.sub, ok = packCode(sub)
	r.usual = r.usual && ok
	if i, ok := alpha2(sub); ok {
		r.subAlpha = i
	}
	if r.dash = len(sub) > 3 && sub[2] == '-'; r.dash {
		r.territory = isTerritory(sub)
		i, ok := alpha2(sub[:2])
		r.subCountry = i
		r.usual = r.usual && ok
	}
}

// hasRegion is hasCustomer(c) for c's decomposed region r.
func (g *groupSet) hasRegion(r *region, c *strata.Customer) bool {
	if !r.usual || (g.packed == nil && len(g.others) > 0) {
		return g.hasCustomer(c)
	}
	if r.sub != 0 {
		if r.subAlpha >= 0 {
			if g.bit(r.subAlpha) {
				return true
			}
		} else if len(g.packed) > 0 && (r.subCountry < 0 || g.prefixes[r.subCountry/64]&(1<<(r.subCountry%64)) != 0) {
			if _, found := slices.BinarySearch(g.packed, r.sub); found {
				return true
			}
		}
		if r.dash {
			if r.territory {
				return false
			}
			if g.bit(r.subCountry) {
				return true
			}
		}
	}
	return g.bit(r.country)
}

// member is set[code].
func (g *groupSet) member(code string) bool {
	if i, ok := alpha2(code); ok {
		return g.cc[i/64]&(1<<(i%64)) != 0
	}
	if len(g.others) == 0 {
		return false
	}
	_, found := slices.BinarySearch(g.others, code)
	return found
}

// has is contains(set, code).
func (g *groupSet) has(code string) bool {
	if g.member(code) {
		return true
	}
	if len(code) > 3 && code[2] == '-' {
		if isTerritory(code) {
			return false
		}
		return g.member(code[:2])
	}
	return false
}

// hasCustomer is customerIn(set, c), looking the subdivision up once.
func (g *groupSet) hasCustomer(c *strata.Customer) bool {
	if sub := c.Subdivision; sub != "" {
		if g.member(sub) {
			return true
		}
		// Every territory code is of this form, so no other code is one.
		if len(sub) > 3 && sub[2] == '-' {
			if isTerritory(sub) {
				return false
			}
			if g.member(sub[:2]) {
				return true
			}
		}
	}
	return g.has(c.Country)
}

// territorySubs lists the subdivisions of territories by their
// country's alpha2 index, so a code is known to be one or not without
// hashing.
var territorySubs = func() (t [26 * 26][]string) {
	for sub := range territories {
		if i, ok := alpha2(sub[:2]); ok {
			t[i] = append(t[i], sub)
		}
	}
	return t
}()

// isTerritory reports whether code is a key of territories.
func isTerritory(code string) bool {
	if len(code) < 2 {
		return false
	}
	i, ok := alpha2(code[:2])
	return ok && slices.Contains(territorySubs[i], code)
}

// groupSet returns the planned set of a group (or alias), shared by every
// rule of the Env that names it.
func (e *Env) groupSet(name string) (*groupSet, bool) {
	set, ok := e.groups.lookup(name)
	if !ok {
		return nil, false
	}
	key := reflect.ValueOf(set).UnsafePointer() // one entry per group, however it is spelt
	if g, ok := e.groupSets.Load(key); ok {
		return g.(*groupSet), true
	}
	g, _ := e.groupSets.LoadOrStore(key, newGroupSet(set))
	return g.(*groupSet), true
}
