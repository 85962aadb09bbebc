package locale

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/strata-go/strata"
)

// CountryName returns a country's name in the viewer's language ("德国" for
// DE in Chinese, "Allemagne" in French), in English when x/text has no
// names in that language, or the code when unknown.
func CountryName(code string, viewer language.Tag) string {
	if len(code) > 3 {
		return code
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	for _, namer := range []display.Namer{display.Regions(viewer), display.Regions(language.English)} {
		if namer != nil {
			if n := namer.Name(r); n != "" {
				return n
			}
		}
	}
	return code
}

// LanguageName returns a language's name in the viewer's language ("德语"
// for de in Chinese), or the tag when unknown.
func LanguageName(tag string, viewer language.Tag) string {
	if len(tag) > maxTag {
		return tag
	}
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	for _, namer := range []display.Namer{display.Languages(viewer), display.Languages(language.English)} {
		if namer != nil {
			if n := namer.Name(t); n != "" {
				return n
			}
		}
	}
	return tag
}

var familyFirst = []string{"zh", "ja", "ko", "hu", "vi", "mn", "km", "my"}

// FamilyFirst reports whether a language writes the family name first:
// Chinese, Japanese, Korean, Hungarian, Vietnamese, Mongolian, Khmer, Burmese.
func FamilyFirst(tag language.Tag) bool {
	base, _ := tag.Base()
	return slices.Contains(familyFirst, base.String())
}

// DisplayName builds a person's name for a language: "Anna Schmidt" in
// German, "Schmidt Anna" in Hungarian, "王小明" in Chinese (family name
// first, no space between CJK names), "Nguyễn Văn An" in Vietnamese.
func DisplayName(given, family string, tag language.Tag) string {
	given, family = strings.TrimSpace(given), strings.TrimSpace(family)
	switch {
	case given == "":
		return family
	case family == "":
		return given
	case FamilyFirst(tag):
		if isCJK(family) && isCJK(given) {
			return family + given
		}
		return family + " " + given
	}
	return given + " " + family
}

func isCJK(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return false
		}
	}
	return s != ""
}

// IsRTL reports whether a language is written right to left: Arabic,
// Hebrew, Persian, Urdu and others in Arabic, Hebrew, Thaana, Syriac or N'Ko
// script.
func IsRTL(tag language.Tag) bool {
	script, _ := tag.Script()
	switch script.String() {
	case "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg":
		return true
	}
	return false
}

// ChannelPrefs maps countries to the contact channels people there expect,
// most preferred first. DefaultChannelPrefs is a starting point a host
// overrides per country.
type ChannelPrefs map[string][]strata.ChannelKind

// DefaultChannelPrefs returns Strata's defaults: WeChat in China, LINE in
// Japan, Taiwan and Thailand, KakaoTalk in Korea, Zalo in Vietnam, WhatsApp
// across South and South-East Asia, the Middle East, Africa, Latin America
// and southern Europe, email and LinkedIn in North America and northern
// Europe.
func DefaultChannelPrefs() ChannelPrefs {
	e, w, li, m := strata.ChannelEmail, strata.ChannelWhatsApp, strata.ChannelLinkedIn, strata.ChannelMobile
	p := ChannelPrefs{
		"CN": {strata.ChannelWeChat, m, e},
		"HK": {w, strata.ChannelWeChat, e},
		"MO": {strata.ChannelWeChat, w, e},
		"TW": {strata.ChannelLINE, e, m},
		"JP": {strata.ChannelLINE, e, strata.ChannelPhone},
		"TH": {strata.ChannelLINE, e, m},
		"KR": {strata.ChannelKakaoTalk, e, m},
		"VN": {strata.ChannelZalo, e, m},
		"RU": {strata.ChannelTelegram, e, m},
		"US": {e, li, strata.ChannelPhone},
		"CA": {e, li, strata.ChannelPhone},
		"GB": {e, li, strata.ChannelPhone},
		"AU": {e, li, strata.ChannelPhone},
	}
	for _, c := range []string{"DE", "AT", "CH", "NL", "BE", "DK", "SE", "NO", "FI", "FR", "IE", "PL"} {
		p[c] = []strata.ChannelKind{e, li, strata.ChannelPhone}
	}
	for _, c := range []string{"IN", "ID", "MY", "SG", "PH", "PK", "BD", "AE", "SA", "QA", "KW", "BH", "OM", "EG", "TR",
		"IL", "NG", "KE", "ZA", "BR", "MX", "AR", "CL", "CO", "PE", "ES", "IT", "PT"} {
		p[c] = []strata.ChannelKind{w, e, m}
	}
	return p
}

// For returns a country's preferred channels, or email then phone.
func (p ChannelPrefs) For(country string) []strata.ChannelKind {
	if k, ok := p[country]; ok {
		return slices.Clone(k)
	}
	return []strata.ChannelKind{strata.ChannelEmail, strata.ChannelPhone}
}

// Best returns the first preferred channel the customer has: whom to
// message first, and how. It falls back to the customer's own preferred
// channel, then its first; false when it has none or c is nil.
func (p ChannelPrefs) Best(c *strata.Customer) (strata.ChannelKind, bool) {
	if c == nil {
		return "", false
	}
	for _, k := range p.For(c.Country) {
		if c.HasChannel(k) {
			return k, true
		}
	}
	for _, ch := range c.Channels {
		if ch.Preferred {
			return ch.Kind, true
		}
	}
	if len(c.Channels) > 0 {
		return c.Channels[0].Kind, true
	}
	return "", false
}

// PreferredLanguage picks the language to write to a customer in, among
// supported: the best match for its stated languages, else for its
// country's main language (from CLDR's likely subtags: Brazil → pt, Japan →
// ja, Switzerland → de), else the first supported. The confidence says how
// good the match is. A nil customer, or no supported languages, gives the
// first supported (language.Und when none) with language.No.
func PreferredLanguage(c *strata.Customer, supported []language.Tag) (language.Tag, language.Confidence) {
	if len(supported) == 0 {
		return language.Und, language.No
	}
	if c == nil {
		return supported[0], language.No
	}
	m := language.NewMatcher(supported)
	var prefs []language.Tag
	for _, l := range c.Languages[:min(len(c.Languages), maxPrefs)] {
		if len(l) > maxTag {
			continue
		}
		if t, err := language.Parse(l); err == nil {
			prefs = append(prefs, t)
		}
	}
	if len(prefs) > 0 {
		if _, i, conf := m.Match(prefs...); conf != language.No {
			return supported[i], conf
		}
	}
	if r, err := language.ParseRegion(c.Country); err == nil {
		if und, err := language.Compose(r); err == nil {
			if base, conf := und.Base(); conf != language.No {
				guess, _ := language.Compose(base, r)
				if _, i, conf := m.Match(guess); conf != language.No {
					return supported[i], min(conf, language.Low)
				}
			}
		}
	}
	return supported[0], language.No
}
