package locale_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/locale"
)

// TestBuiltinCatalogFile: the shipped catalogue loads strictly, satisfies
// catalog.schema.json, round-trips and builds.
func TestBuiltinCatalogFile(t *testing.T) {
	data, err := os.ReadFile("catalog/builtin.json")
	require.NoError(t, err)
	cfg := schematest.Check(t, "catalog.schema.json", data, locale.ParseCatalogConfig)
	c, err := locale.NewCatalog(cfg)
	require.NoError(t, err)
	assert.Equal(t, cfg, c.Config(), "the built catalogue gives back its configuration")
	assert.Equal(t, locale.BuiltinCatalog().Keys(), c.Keys())
}

func TestCatalogErrors(t *testing.T) {
	_, err := locale.ParseCatalogConfig([]byte("default: en\nlanguges: {}\n"))
	assert.ErrorContains(t, err, `2:1: languges: unknown field (did you mean "languages"?)`)
	_, err = locale.ParseCatalogConfig([]byte(`{"default":"en"}`))
	assert.ErrorContains(t, err, "languages: required field missing")

	_, err = locale.NewCatalog(locale.CatalogConfig{Default: "!!", Languages: map[string]map[string]string{
		"zh-hans": {"k": "v"}, "zh-Hans": {"k": "w"}, "x y": {}}})
	var got []string
	for _, p := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.ErrorAs(t, p, &ce)
		got = append(got, p.Error())
	}
	assert.Equal(t, []string{
		`default: "!!" is not a BCP 47 language tag`,
		"languages.x y: not a BCP 47 language tag",
		"languages.zh-hans: the same language as zh-Hans",
	}, got, "every problem, in a fixed order")
	_, err = locale.NewCatalog(locale.CatalogConfig{Default: "en", Languages: map[string]map[string]string{"de": {"k": "v"}}})
	assert.ErrorContains(t, err, "languages: no labels for the default language en")
	_, err = locale.NewCatalog(locale.CatalogConfig{})
	assert.ErrorContains(t, err, "default:", "the zero configuration is refused")
}

// TestCatalogDeterminism builds the same catalogue 50 times from maps
// filled in shuffled order and requires identical bytes out.
func TestCatalogDeterminism(t *testing.T) {
	langs := []string{"en", "de", "de-CH", "zh-Hans", "zh-Hant", "ja", "fr", "!!", "zh-hant"}
	r := rand.New(rand.NewPCG(3, 4))
	var first string
	for i := range 50 {
		cfg := locale.CatalogConfig{Default: "en", Languages: map[string]map[string]string{}}
		for _, k := range r.Perm(len(langs)) {
			labels := map[string]string{}
			for _, j := range r.Perm(5) {
				labels[fmt.Sprintf("field.k%d", j)] = fmt.Sprintf("%s-%d", langs[k], j)
			}
			cfg.Languages[langs[k]] = labels
		}
		_, badErr := locale.NewCatalog(cfg)
		require.Error(t, badErr)
		delete(cfg.Languages, "!!")
		delete(cfg.Languages, "zh-hant")
		c, err := locale.NewCatalog(cfg)
		require.NoError(t, err)
		js, jerr := c.MarshalJSON()
		require.NoError(t, jerr)
		out := badErr.Error() + "\n" + string(js) + fmt.Sprint(c.Languages(), c.Keys(), c.Missing(language.German))
		// A second bad catalogue, its languages inserted in shuffled order:
		// both bad catalogues' error texts take part in the comparison.
		clash := []string{"zh-hant", "!!", "zh-Hant", "en"}
		badCfg := locale.CatalogConfig{Default: "en", Languages: map[string]map[string]string{}}
		for _, k := range r.Perm(len(clash)) {
			badCfg.Languages[clash[k]] = map[string]string{}
		}
		bad, clashErr := locale.NewCatalog(badCfg)
		require.Error(t, clashErr)
		assert.Nil(t, bad)
		out += "\n" + clashErr.Error()
		if i == 0 {
			first = out
			continue
		}
		require.Equal(t, first, out, "run %d", i)
	}
}

// TestNilAndZero: a nil Catalog, a zero Localizer and a zero Formatter
// answer safely.
func TestNilAndZero(t *testing.T) {
	var c *locale.Catalog
	assert.Equal(t, "field.name", c.Label("field.name", language.German))
	assert.Equal(t, "field.name", c.MatchStrings("de").Label("field.name"))
	assert.Nil(t, c.Languages())
	assert.Nil(t, c.Keys())
	assert.Nil(t, c.Missing(language.German))
	assert.Equal(t, locale.CatalogConfig{}, c.Config())
	assert.Same(t, locale.BuiltinCatalog(), c.Merge(locale.BuiltinCatalog()))
	assert.Same(t, locale.BuiltinCatalog(), locale.BuiltinCatalog().Merge(nil))
	js, err := c.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"default":"","languages":null}`, string(js))

	var f locale.Formatter
	assert.Equal(t, "$1,234.50", f.Money(money("1234.5", "USD")), "the zero Formatter formats as English")
	assert.Equal(t, "1.2M", f.Compact(decimal.NewFromInt(1_234_567)))
	assert.Equal(t, "en", f.Tag().String())
}

func hostileInputs() []string {
	return []string{"", "null", "{}", "[]", "\x00\xff", strings.Repeat("[", 100_000), strings.Repeat("a-", 50_000),
		`{"default":"en","languages":{"en":{"k":1}}}`, `{"default":"en","languages":{"en":null}}`,
		`{"default":"` + strings.Repeat("x", 1<<16) + `","languages":{}}`, "default: en\nlanguages: &a {en: {k: v}, de: *a}\n",
		"a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
		"zh-Hant-HK-u-nu-hanidec-x-" + strings.Repeat("abcdefgh-", 1000), "de-DE-1996-1996"}
}

// TestHostileInput: every entry point answers hostile input with an error
// or a safe result, in bounded time.
func TestHostileInput(t *testing.T) {
	cat := locale.BuiltinCatalog()
	for i, in := range hostileInputs() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			start := time.Now()
			assert.NotPanics(t, func() {
				if cfg, err := locale.ParseCatalogConfig([]byte(in)); err == nil {
					_, _ = locale.NewCatalog(cfg)
				}
				assert.NotEmpty(t, cat.MatchStrings(in, in).Label("field.name"))
				_ = locale.CountryName(in, language.German)
				_ = locale.LanguageName(in, language.German)
				if tag, err := language.Parse(in); err == nil {
					_ = locale.NewFormatter(tag).Money(money("-1234.5", "EUR"))
				}
				_, _ = locale.PreferredLanguage(&strata.Customer{Country: in, Languages: []string{in}}, locale.NumberLocales())
			})
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHostileInputLeavesNoGarbage: 10,000 distinct invalid inputs to each
// entry point leave the live heap within 1 MiB.
func TestHostileInputLeavesNoGarbage(t *testing.T) {
	cat := locale.BuiltinCatalog()
	_ = cat.MatchStrings("de").Label("field.name")
	_ = locale.NewFormatter(language.German).Money(money("1", "EUR"))
	supported := []language.Tag{language.English, language.German, language.SimplifiedChinese}
	before := liveHeap()
	for i := range 10_000 {
		s := fmt.Sprintf("q%d-!!", i)
		_, err := locale.ParseCatalogConfig([]byte(fmt.Sprintf(`{"default":"en","languages":{},"x%d":1}`, i)))
		require.Error(t, err)
		_, err = locale.NewCatalog(locale.CatalogConfig{Default: s, Languages: map[string]map[string]string{s: {}}})
		require.Error(t, err)
		_ = cat.MatchStrings(s).Label(s)
		_ = locale.CountryName(s, language.German)
		_ = locale.LanguageName(s, language.German)
		_ = locale.NewFormatter(language.Make(s)).Symbol(s)
		_, _ = locale.PreferredLanguage(&strata.Customer{Country: s, Languages: []string{s}}, supported)
	}
	after := liveHeap()
	assert.LessOrEqual(t, int64(after)-int64(before), int64(1<<20), "live heap grew by %d bytes", int64(after)-int64(before))
}

// FuzzParseCatalogConfig: any input is refused with errors or builds a
// catalogue whose labels are never empty and whose configuration
// round-trips.
func FuzzParseCatalogConfig(f *testing.F) {
	f.Add([]byte(`{"default":"en","languages":{"en":{"field.name":"Company Name"},"zh-Hans":{"field.name":"客户名称"}}}`))
	f.Add([]byte("default: de\nlanguages:\n  de: {field.name: Firmenname}\n  de-CH: {}\n"))
	for _, h := range hostileInputs() {
		f.Add([]byte(h))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := locale.ParseCatalogConfig(data)
		if err != nil {
			return
		}
		c, err := locale.NewCatalog(cfg)
		if err != nil {
			for _, p := range strata.Problems(err) {
				var ce *strata.ConfigError
				require.ErrorAs(t, p, &ce)
			}
			return
		}
		for _, k := range c.Keys() {
			require.NotEmpty(t, c.MatchStrings("en").Label(k))
		}
		again, err := locale.NewCatalog(c.Config())
		require.NoError(t, err)
		require.Equal(t, c.Config(), again.Config())
	})
}
