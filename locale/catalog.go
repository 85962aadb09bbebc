package locale

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
)

// CatalogConfig is a label catalogue as plain data: the format
// ParseCatalogConfig reads, Catalog.Config returns and translators work on:
//
//	{"default": "en", "languages": {"zh-Hans": {"field.name": "客户名称", …}, …}}
//
// Both fields are required. Keys are dotted ("field.revenue", "tier.vip",
// "segment.east_china", "channel.wechat"); an empty label means "not
// translated" and falls back like a missing one.
type CatalogConfig struct {
	// Default is the language (BCP 47) used when nothing matches; it must
	// have labels.
	Default string `json:"default"`
	// Languages maps BCP 47 tags to their labels by key.
	Languages map[string]map[string]string `json:"languages"`
}

// ParseCatalogConfig reads a catalogue from JSON or YAML (JSON when data
// starts with '{'), strictly: unknown keys, values of the wrong type and a
// missing default or languages are errors, each a *strata.ConfigError
// naming its path and its line and column, all returned at once. NewCatalog
// checks the languages. The JSON Schema of the format is
// catalog.schema.json beside this package.
func ParseCatalogConfig(data []byte) (CatalogConfig, error) {
	var cfg CatalogConfig
	if err := load.Decode(data, &cfg); err != nil {
		return CatalogConfig{}, err
	}
	return cfg, nil
}

// Catalog holds field labels and names (tiers, segments, grades, channels,
// roles) in several languages. A Catalog is immutable and safe for
// concurrent use; Merge returns a new one. A nil Catalog labels every key
// with the key itself.
type Catalog struct {
	def     language.Tag
	tags    []language.Tag      // the default first, the rest sorted
	labels  []map[string]string // by tag index
	chains  [][]int             // fallback chain per tag index: itself, its parents in the catalog, the default
	matcher language.Matcher
}

//go:embed catalog/builtin.json
var builtinJSON []byte

var builtinCatalog = sync.OnceValue(func() *Catalog {
	cfg, err := ParseCatalogConfig(builtinJSON)
	if err == nil {
		var c *Catalog
		if c, err = NewCatalog(cfg); err == nil {
			return c
		}
	}
	// Cannot happen (TestBuiltinCatalog guards the file); a catalogue
	// that labels every key with itself is the safe answer.
	c, _ := NewCatalog(CatalogConfig{Default: "en", Languages: map[string]map[string]string{"en": {}}})
	return c
})

// BuiltinCatalog returns the catalogue Strata ships: every strata.Customer
// field and the standard tier, segment, grade, channel, kind, cadence and
// role names in zh-Hans, zh-Hant, en, ja, ko, de, fr, es, pt, ar and ru,
// with English as the default. Hosts add their own labels with Merge.
func BuiltinCatalog() *Catalog { return builtinCatalog() }

// NewCatalog checks a configuration and builds the catalogue, reporting
// every problem at once, each a *strata.ConfigError naming its path
// ("languages.zh-hans"), in a fixed order: the default language missing or
// not a tag, or without labels; a language that is not a BCP 47 tag; two
// spellings of one language ("zh-hans" and "zh-Hans").
func NewCatalog(cfg CatalogConfig) (*Catalog, error) {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	def, err := language.Parse(cfg.Default)
	if err != nil || cfg.Default == "" {
		bad("default", "%.32q is not a BCP 47 language tag", cfg.Default)
	}
	byTag := map[language.Tag]map[string]string{}
	spelling := map[language.Tag]string{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Languages)) {
		t, err := language.Parse(name)
		if err != nil {
			bad("languages."+name, "not a BCP 47 language tag")
			continue
		}
		if first, dup := spelling[t]; dup {
			bad("languages."+name, "the same language as %s", first)
			continue
		}
		spelling[t] = name
		m := make(map[string]string, len(cfg.Languages[name]))
		for k, v := range cfg.Languages[name] {
			if v != "" {
				m[k] = v
			}
		}
		byTag[t] = m
	}
	if _, ok := byTag[def]; !ok && err == nil && cfg.Default != "" {
		bad("languages", "no labels for the default language %s", def)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(def, byTag), nil
}

// build makes a catalogue from checked languages.
func build(def language.Tag, byTag map[language.Tag]map[string]string) *Catalog {
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
	return c
}

// Config returns the catalogue as plain data: a copy, with languages by
// their canonical tags.
func (c *Catalog) Config() CatalogConfig {
	if c == nil {
		return CatalogConfig{}
	}
	cfg := CatalogConfig{Default: c.def.String(), Languages: make(map[string]map[string]string, len(c.tags))}
	for i, t := range c.tags {
		cfg.Languages[t.String()] = maps.Clone(c.labels[i])
	}
	return cfg
}

// MarshalJSON writes the catalogue's configuration.
func (c *Catalog) MarshalJSON() ([]byte, error) { return json.Marshal(c.Config()) }

// Merge returns a catalogue with other's labels added to or replacing c's:
// a host's custom fields, its own tier names, a corrected translation. The
// default language stays c's. Merging a nil catalogue returns c; merging
// into a nil one returns other.
func (c *Catalog) Merge(other *Catalog) *Catalog {
	switch {
	case other == nil:
		return c
	case c == nil:
		return other
	}
	byTag := map[language.Tag]map[string]string{}
	for _, src := range []*Catalog{c, other} {
		for i, t := range src.tags {
			m := byTag[t]
			if m == nil {
				m = map[string]string{}
				byTag[t] = m
			}
			maps.Copy(m, src.labels[i])
		}
	}
	return build(c.def, byTag)
}

// Languages returns the catalogue's languages, the default first.
func (c *Catalog) Languages() []language.Tag {
	if c == nil {
		return nil
	}
	return slices.Clone(c.tags)
}

// Keys returns every key any language has, sorted.
func (c *Catalog) Keys() []string {
	if c == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, m := range c.labels {
		for k := range m {
			seen[k] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// Localizer answers labels in one matched language. Matching once and
// keeping the Localizer makes each Label a few map lookups with no
// allocation. It is a small value, safe for concurrent use; the zero
// Localizer labels every key with the key itself.
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
	if c == nil {
		return Localizer{Confidence: language.No}
	}
	if len(prefs) == 0 {
		return Localizer{cat: c, Tag: c.def, Confidence: language.No}
	}
	_, idx, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		idx = 0
	}
	return Localizer{cat: c, idx: idx, Tag: c.tags[idx], Confidence: conf}
}

// maxPrefs bounds how many preferences MatchStrings reads, and maxTag how
// long a tag may be (BCP 47 tags in use are far shorter).
const (
	maxPrefs = 32
	maxTag   = 64
)

// MatchStrings is Match for tags as strings; unparseable or overlong ones
// are skipped, and only the first 32 are read.
func (c *Catalog) MatchStrings(prefs ...string) Localizer {
	prefs = prefs[:min(len(prefs), maxPrefs)]
	tags := make([]language.Tag, 0, len(prefs))
	for _, p := range prefs {
		if len(p) > maxTag {
			continue
		}
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
	if c == nil {
		return nil
	}
	l := c.Match(tag)
	var out []string
	for _, k := range c.Keys() {
		if _, ok := c.labels[l.idx][k]; !ok {
			out = append(out, k)
		}
	}
	return out
}
