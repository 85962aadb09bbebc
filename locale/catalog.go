package locale

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Catalog holds field labels and names (tiers, segments, grades, channels,
// roles) in several languages. Keys are dotted: "field.revenue",
// "tier.vip", "segment.east_china", "channel.wechat". A Catalog is immutable
// and safe for concurrent use; Merge returns a new one.
//
// Its JSON form is {"default":"en","languages":{"zh-Hans":{"field.name":"客户名称",…},…}},
// a file a translator can work on.
type Catalog struct {
	def     language.Tag
	tags    []language.Tag      // the default first
	labels  []map[string]string // by tag index
	chains  [][]int             // fallback chain per tag index: itself, its parents in the catalog, the default
	matcher language.Matcher
}

//go:embed catalog/builtin.json
var builtinJSON []byte

var builtinCatalog = sync.OnceValues(func() (*Catalog, error) { return ParseCatalog(builtinJSON) })

// Builtin returns the catalogue Strata ships: every strata.Customer field
// and the standard tier, segment, grade, channel, kind, cadence and role
// names in zh-Hans, zh-Hant, en, ja, ko, de, fr, es, pt, ar and ru, with
// English as the default.
func Builtin() *Catalog {
	c, err := builtinCatalog()
	if err != nil {
		panic("locale: the built-in catalogue is broken: " + err.Error()) // a test guards this
	}
	return c
}

type catalogJSON struct {
	Default   string                       `json:"default"`
	Languages map[string]map[string]string `json:"languages"`
}

// ParseCatalog reads a catalogue from JSON. It fails on malformed JSON, a
// missing or unknown default language, or a language tag that does not
// parse.
func ParseCatalog(data []byte) (*Catalog, error) {
	var cj catalogJSON
	if err := json.Unmarshal(data, &cj); err != nil {
		return nil, fmt.Errorf("locale: catalogue: %w", err)
	}
	return build(cj)
}

func build(cj catalogJSON) (*Catalog, error) {
	def, err := language.Parse(cj.Default)
	if err != nil || cj.Default == "" {
		return nil, fmt.Errorf("locale: catalogue: default language %q is not a language tag", cj.Default)
	}
	byTag := map[language.Tag]map[string]string{}
	for name, labels := range cj.Languages {
		t, err := language.Parse(name)
		if err != nil {
			return nil, fmt.Errorf("locale: catalogue: %q is not a language tag", name)
		}
		m := byTag[t]
		if m == nil {
			m = map[string]string{}
			byTag[t] = m
		}
		for k, v := range labels {
			if v != "" {
				m[k] = v
			}
		}
	}
	if _, ok := byTag[def]; !ok {
		return nil, fmt.Errorf("locale: catalogue: no labels for the default language %s", def)
	}
	c := &Catalog{def: def, tags: []language.Tag{def}}
	rest := make([]language.Tag, 0, len(byTag))
	for t := range byTag {
		if t != def {
			rest = append(rest, t)
		}
	}
	slices.SortFunc(rest, func(a, b language.Tag) int { return strings.Compare(a.String(), b.String()) })
	c.tags = append(c.tags, rest...)
	for _, t := range c.tags {
		c.labels = append(c.labels, byTag[t])
	}
	for i, t := range c.tags {
		chain := []int{i}
		for p := t.Parent(); p != language.Und; p = p.Parent() {
			if j := slices.Index(c.tags, p); j >= 0 && !slices.Contains(chain, j) {
				chain = append(chain, j)
			}
		}
		if !slices.Contains(chain, 0) {
			chain = append(chain, 0)
		}
		c.chains = append(c.chains, chain)
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// MarshalJSON writes the catalogue in the format ParseCatalog reads.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	cj := catalogJSON{Default: c.def.String(), Languages: map[string]map[string]string{}}
	for i, t := range c.tags {
		cj.Languages[t.String()] = c.labels[i]
	}
	return json.Marshal(cj)
}

// Merge returns a catalogue with other's labels added to or replacing c's:
// a host's custom fields, its own tier names, a corrected translation. The
// default language stays c's.
func (c *Catalog) Merge(other *Catalog) *Catalog {
	cj := catalogJSON{Default: c.def.String(), Languages: map[string]map[string]string{}}
	for _, src := range []*Catalog{c, other} {
		for i, t := range src.tags {
			m := cj.Languages[t.String()]
			if m == nil {
				m = map[string]string{}
				cj.Languages[t.String()] = m
			}
			for k, v := range src.labels[i] {
				m[k] = v
			}
		}
	}
	merged, err := build(cj)
	if err != nil {
		return c // cannot happen: both inputs were valid
	}
	return merged
}

// Languages returns the catalogue's languages, the default first.
func (c *Catalog) Languages() []language.Tag { return slices.Clone(c.tags) }

// Keys returns every key any language has, sorted.
func (c *Catalog) Keys() []string {
	seen := map[string]bool{}
	for _, m := range c.labels {
		for k := range m {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Localizer answers labels in one matched language. Matching once and
// keeping the Localizer makes each Label a few map lookups with no
// allocation. It is a small value, safe for concurrent use.
type Localizer struct {
	cat *Catalog
	idx int
	// Tag is the catalogue language matched; Confidence how well the
	// request matched it (language.No means the default was used).
	Tag        language.Tag
	Confidence language.Confidence
}

// Match picks the catalogue language for the preferred languages, best
// first (a user's setting, an Accept-Language header parsed with
// language.ParseAcceptLanguage, a customer's languages): zh-TW and zh-HK
// get zh-Hant, zh-SG gets zh-Hans, de-AT gets de, and legacy codes such as
// iw and in are understood. With no match it uses the default language.
func (c *Catalog) Match(prefs ...language.Tag) Localizer {
	if len(prefs) == 0 {
		return Localizer{cat: c, Tag: c.def, Confidence: language.No}
	}
	_, idx, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		idx = 0
	}
	return Localizer{cat: c, idx: idx, Tag: c.tags[idx], Confidence: conf}
}

// MatchStrings is Match for tags as strings; unparseable ones are skipped.
func (c *Catalog) MatchStrings(prefs ...string) Localizer {
	tags := make([]language.Tag, 0, len(prefs))
	for _, p := range prefs {
		if t, err := language.Parse(p); err == nil {
			tags = append(tags, t)
		}
	}
	return c.Match(tags...)
}

// Label returns key's label in the matched language, falling back through
// its parent languages in the catalogue, then the default language, then the
// key itself: it always answers, never with an empty string.
func (l Localizer) Label(key string) string {
	if l.cat == nil {
		return key
	}
	for _, i := range l.cat.chains[l.idx] {
		if v, ok := l.cat.labels[i][key]; ok {
			return v
		}
	}
	return key
}

// Label matches tag and returns key's label; see Localizer.Label. Match once
// and keep the Localizer when labelling many keys.
func (c *Catalog) Label(key string, tag language.Tag) string { return c.Match(tag).Label(key) }

// Missing lists the keys some language has but the matched language for
// tag does not have in its own labels (they fall back), sorted: the
// translator's to-do list.
func (c *Catalog) Missing(tag language.Tag) []string {
	l := c.Match(tag)
	var out []string
	for _, k := range c.Keys() {
		if _, ok := c.labels[l.idx][k]; !ok {
			out = append(out, k)
		}
	}
	return out
}
