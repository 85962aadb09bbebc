package strata

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// IsCountry reports whether code is an ISO 3166-1 alpha-2 country code in use
// (upper case, e.g. "CN", "DE"; XK for Kosovo is accepted).
func IsCountry(code string) bool {
	_, ok := countryCodes[code]
	return ok
}

// IsSubdivision reports whether code is an ISO 3166-2 subdivision code, such
// as "CN-SH" or "US-CA".
func IsSubdivision(code string) bool {
	_, ok := subdivisionCodes[code]
	return ok
}

// IsCurrency reports whether code is an ISO 4217 currency in use today.
func IsCurrency(code string) bool {
	_, ok := currencyDigits[code]
	return ok
}

// CurrencyDigits returns the number of decimals Unicode CLDR displays a
// currency with (2 for CNY and USD, 0 for JPY and HUF, 3 for BHD) and whether
// the code is known. It is for display; amounts in minor units use
// CurrencyMinorUnits, which differs for 16 currencies.
func CurrencyDigits(code string) (int, bool) {
	d, ok := currencyDigits[code]
	return int(d), ok
}

// IsLanguage reports whether tag is a well-formed BCP 47 language tag whose
// primary language subtag is known ("zh-Hans-CN", "en-US", "pt-BR"; legacy
// "iw" and "in" too). Private-use and grandfathered tags are refused.
func IsLanguage(tag string) bool {
	if tag == "" || len(tag) > 64 {
		return false
	}
	parts := strings.FieldsFunc(tag, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 || strings.Count(tag, "-")+strings.Count(tag, "_") != len(parts)-1 {
		return false
	}
	primary := strings.ToLower(parts[0])
	if _, ok := languageSubtags[primary]; !ok {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) < 1 || len(p) > 8 || !isAlnum(p) {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// zoneCache remembers valid zone names only, up to maxCachedZones of them
// (the tz database has about 600 names and links), so that untrusted input
// cannot grow it.
var (
	zoneCache  sync.Map // name -> struct{}
	zoneCached atomic.Int32
)

const (
	maxCachedZones = 2048
	maxZoneName    = 64 // the longest IANA name is 32 bytes
)

// IsTimeZone reports whether name is an IANA time zone the Go runtime can
// load, such as "Asia/Shanghai". Valid names are cached (a bounded number);
// invalid ones are not, and a name that is not spelt like a zone name (too
// long, empty parts, characters no zone name has) is refused before any
// lookup.
func IsTimeZone(name string) bool {
	if _, hit := zoneCache.Load(name); hit {
		return true
	}
	if !zoneNameSyntax(name) {
		return false
	}
	if _, err := time.LoadLocation(name); err != nil {
		return false
	}
	if zoneCached.Load() < maxCachedZones {
		if _, loaded := zoneCache.LoadOrStore(strings.Clone(name), struct{}{}); !loaded {
			zoneCached.Add(1)
		}
	}
	return true
}

// zoneNameSyntax reports whether name is spelt like an IANA zone name:
// parts of ASCII letters, digits, '_', '-' and '+' separated by single '/'.
func zoneNameSyntax(name string) bool {
	if name == "" || name == "Local" || len(name) > maxZoneName {
		return false
	}
	part := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/':
			if part == 0 {
				return false
			}
			part = 0
			continue
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '+':
		default:
			return false
		}
		part++
	}
	return part > 0
}

// Validate checks the record and returns every problem at once, joined with
// errors.Join; each is a *FieldError naming its field path. It checks that
// the ID is present; country, subdivision, currencies, languages and the
// time zone are known codes; channels carry well-formed values; revenue and
// order counts are not negative; scores lie within 0–100; time stamps are in
// order; and tags, segments and custom fields are well formed.
func (c *Customer) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}

	if strings.TrimSpace(c.ID) == "" {
		bad("id", "required")
	}
	if !c.Kind.Valid() {
		bad("kind", "unknown kind %q (want enterprise, individual, reseller or partner)", c.Kind)
	}
	switch {
	case c.Country == "":
		bad("country", "required")
	case !IsCountry(c.Country):
		bad("country", "unknown ISO 3166-1 alpha-2 code %q", c.Country)
	}
	if c.Subdivision != "" {
		switch {
		case !IsSubdivision(c.Subdivision):
			bad("subdivision", "unknown ISO 3166-2 code %q", c.Subdivision)
		case c.Country != "" && !strings.HasPrefix(c.Subdivision, c.Country+"-"):
			bad("subdivision", "%q is not in country %q", c.Subdivision, c.Country)
		}
	}
	for i, l := range c.Languages {
		if !IsLanguage(l) {
			bad(fmt.Sprintf("languages[%d]", i), "not a BCP 47 language tag: %q", l)
		}
	}
	if c.TimeZone != "" && !IsTimeZone(c.TimeZone) {
		bad("time_zone", "unknown IANA time zone %q", c.TimeZone)
	}
	for i, ch := range c.Channels {
		if msg := checkChannel(ch, c.Country); msg != "" {
			field := "value"
			if !ch.Kind.Valid() {
				field = "kind"
			}
			bad(fmt.Sprintf("channels[%d].%s", i, field), "%s", msg)
		}
	}
	if c.Source != "" && !isToken(string(c.Source)) {
		bad("source", "%q is not a lower-case token of letters, digits and '_'", c.Source)
	}
	checkList(c.Products, "products", bad)
	checkMoney(c.Revenue, "revenue", true, bad)
	checkMoney(c.Profit, "profit", false, bad)
	if c.Orders < 0 {
		bad("orders", "negative count %d", c.Orders)
	}
	if !c.FirstOrderAt.IsZero() && !c.LastOrderAt.IsZero() && c.LastOrderAt.Before(c.FirstOrderAt) {
		bad("last_order_at", "before first_order_at")
	}
	if c.LastOrderAt.IsZero() != c.FirstOrderAt.IsZero() {
		bad("first_order_at", "first_order_at and last_order_at must be set together")
	}
	checkScore(c.Scores.Value, "scores.value", bad)
	checkScore(c.Scores.Potential, "scores.potential", bad)
	if !c.Scores.Grade.Valid() {
		bad("scores.grade", "unknown grade %q (want A, B, C or D)", c.Scores.Grade)
	}
	if !c.TierSince.IsZero() && c.Tier == "" {
		bad("tier_since", "set without a tier")
	}
	checkList(c.Segments, "segments", bad)
	checkList(c.Tags, "tags", bad)
	for k, v := range c.Attrs {
		if strings.TrimSpace(k) == "" {
			bad("attrs", "empty key")
			continue
		}
		if !isJSONValue(v, 0) {
			bad("attrs."+k, "unsupported value of type %T (want string, number, bool, null, list or object)", v)
		}
	}
	for i, cs := range c.Consents {
		path := fmt.Sprintf("consents[%d]", i)
		if !isToken(cs.Purpose) {
			bad(path+".purpose", "%q is not a lower-case token of letters, digits and '_'", cs.Purpose)
		}
		if !cs.State.Valid() {
			bad(path+".state", "unknown state %q (want granted, withdrawn, pending or not_responded)", cs.State)
		}
		if cs.At.IsZero() {
			bad(path+".at", "required")
		}
	}
	if !c.CreatedAt.IsZero() && !c.UpdatedAt.IsZero() && c.UpdatedAt.Before(c.CreatedAt) {
		bad("updated_at", "before created_at")
	}
	return errors.Join(errs...)
}

func checkChannel(ch Channel, country string) string {
	if !ch.Kind.Valid() {
		return fmt.Sprintf("unknown channel kind %q", ch.Kind)
	}
	v := strings.TrimSpace(ch.Value)
	if v == "" {
		return "empty"
	}
	switch ch.Kind {
	case ChannelEmail:
		addr, err := mail.ParseAddress(v)
		if err != nil || addr.Name != "" || addr.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@'):], ".") {
			return "not an email address"
		}
	case ChannelPhone, ChannelMobile, ChannelWhatsApp:
		// The numbering plan of the number's country (phone.go); a
		// national format is read in the customer's country.
		if _, err := NormalizePhone(v, country); err != nil {
			var pe *PhoneError
			if errors.As(err, &pe) {
				return "not a valid phone number: " + pe.Detail
			}
			return "not a valid phone number"
		}
	}
	return ""
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

func checkList(list []string, path string, bad func(string, string, ...any)) {
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		switch {
		case strings.TrimSpace(s) == "":
			bad(fmt.Sprintf("%s[%d]", path, i), "empty")
		case seen[s]:
			bad(fmt.Sprintf("%s[%d]", path, i), "duplicate %q", s)
		}
		seen[s] = true
	}
}

func checkMoney(m Money, path string, nonNegative bool, bad func(string, string, ...any)) {
	if m.IsZero() {
		return
	}
	if m.Currency == "" {
		bad(path+".currency", "required with an amount")
	} else if !IsCurrency(m.Currency) {
		bad(path+".currency", "unknown ISO 4217 code %q", m.Currency)
	}
	if nonNegative && m.IsNegative() {
		bad(path+".amount", "negative amount %s", m.Amount)
	}
}

func checkScore(v float64, path string, bad func(string, string, ...any)) {
	if !(v >= 0 && v <= 100) { // also catches NaN
		bad(path, "%v is outside 0–100", v)
	}
}

func isJSONValue(v any, depth int) bool {
	if depth > 32 {
		return false
	}
	switch v := v.(type) {
	case nil, string, bool, float64, float32, int, int32, int64, uint, uint32, uint64:
		return true
	case []any:
		for _, e := range v {
			if !isJSONValue(e, depth+1) {
				return false
			}
		}
		return true
	case []string:
		return true
	case map[string]any:
		for _, e := range v {
			if !isJSONValue(e, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
