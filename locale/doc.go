// Package locale shows every field in each user's language and writes
// numbers, money and names the local way.
//
// Catalog holds field labels and the standard tier, segment, grade, channel,
// kind, cadence and role names; Builtin ships them in zh-Hans, zh-Hant, en,
// ja, ko, de, fr, es, pt, ar and ru, and hosts add or override labels for
// their custom fields and tiers with Merge, importing and exporting JSON so
// a translator can work on a file. Match picks the language with x/text's
// matcher (zh-TW → zh-Hant, zh-SG → zh-Hans, de-AT → de) and reports its
// confidence; Label always answers, falling back to parent languages, the
// default, then the key; Missing lists what a translation lacks.
//
// CountryName and LanguageName give names in the viewer's language
// (x/text/display). Formatter formats numbers and money from current CLDR
// data generated into this package (x/text's CLDR 32 tables cannot format
// 万/亿 and list stale currencies): currency digits and symbol placement
// (¥5,000,000.00 in zh, 1.234,50 € in de) and compact large-number units
// (500万, 1.2亿; 萬/億; 万/億; 만/억; lakh/crore). Money is strata.Money, a
// decimal, never printed through a float.
//
// DisplayName orders names (family first for Chinese, Japanese, Korean,
// Hungarian, Vietnamese …), IsRTL flags right-to-left languages,
// ChannelPrefs gives the contact channels people expect by country (WeChat
// in China, LINE in Japan, KakaoTalk in Korea, Zalo in Vietnam, WhatsApp
// widely), and PreferredLanguage picks the language to write to a customer
// in.
//
// Everything here is immutable and safe for concurrent use.
package locale

//go:generate go run ../internal/gen/localedata -out .
