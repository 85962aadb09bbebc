// Package locale shows every field in each user's language and writes
// numbers, money and names the local way.
//
// # Labels
//
// A Catalog holds field labels and the standard tier, segment, grade,
// channel, kind, cadence and role names. BuiltinCatalog ships them in
// zh-Hans, zh-Hant, en, ja, ko, de, fr, es, pt, ar and ru. A host keeps its
// own labels (custom fields, its tier names, corrections) as a
// CatalogConfig, plain data that ParseCatalogConfig reads from JSON or YAML,
// strictly, and catalog.schema.json describes, so a translator can work on
// the file; NewCatalog builds it, reporting every problem at once, and
// Merge lays it over the built-in one. Catalog.Config gives the data back.
//
// Match picks the language with x/text's matcher (zh-TW → zh-Hant, zh-SG →
// zh-Hans, de-AT → de) and reports its confidence; Label always answers,
// falling back to parent languages, the default, then the key; Missing
// lists what a translation lacks.
//
// # Numbers and money
//
// Formatter formats numbers and money from Unicode CLDR 48 data generated
// into this package for the declared locales of the export markets
// (NumberLocales: more than 60, regional variants included: en-GB, en-AU,
// en-IN, de-AT, de-CH, fr-CA, es-MX, pt-PT, ar-SA …). Every declared locale
// is tested against CLDR's own formatting (ICU through Node's Intl). It
// writes the locale's digits (Arabic-Indic in Saudi and Egyptian Arabic),
// separators and grouping, currency symbols and their place (¥5,000,000.00
// in zh, 1.234,50 € in de, £1,234.50 in en-GB, CHF 1'234.50 in de-CH) and
// compact units (500万, 1.2亿; 萬/億; 万/億; 만/억; lakh/crore; Mio.). Money is
// strata.Money, a decimal, never printed through a float; it is shown with
// the digits CLDR displays its currency with (strata.CurrencyDigits), which
// for 16 currencies differ from the ISO 4217 minor units amounts are
// recorded in (strata.CurrencyMinorUnits).
//
// Rounding: amounts are rounded half away from zero (0.125 USD is $0.13),
// as ECMA-402's Intl.NumberFormat, invoices and strata.Money.Round do; an
// amount that rounds to zero is shown without a minus sign.
//
// # Names and channels
//
// CountryName and LanguageName give names in the viewer's language
// (x/text/display). DisplayName orders names (family first for Chinese,
// Japanese, Korean, Hungarian, Vietnamese …), IsRTL flags right-to-left
// languages, ChannelPrefs gives the contact channels people expect by
// country (WeChat in China, LINE in Japan, KakaoTalk in Korea, Zalo in
// Vietnam, WhatsApp widely), and PreferredLanguage picks the language to
// write to a customer in.
//
// # Zero values, hostile input, determinism
//
// CatalogConfig's two fields are required: the zero configuration is
// refused, as are a default language without labels and two spellings of
// one language. An empty label is "not translated" and falls back. A nil
// Catalog and the zero Localizer label every key with the key; the zero
// Formatter formats as English. Language tags longer than 64 bytes are
// skipped, and at most 32 preferences are read, so input from an
// Accept-Language header costs bounded time; nothing here caches input.
// No map order reaches a label, a list, an error or JSON output. Sources
// lists every built-in table with its source and version.
//
// Everything here is immutable and safe for concurrent use.
package locale

//go:generate go run ../internal/gen/localedata -out .
//go:generate sh -c "cd .. && node internal/gen/localedata/intl.cjs > locale/testdata/intl.json"
