package strata

import (
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
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
	// Subtags are separated by single '-' or '_', none empty; the first
	// is looked up in lower case, the others are 1–8 ASCII letters or
	// digits. It allocates nothing for an ASCII primary subtag.
	end := strings.IndexAny(tag, "-_")
	if end < 0 {
		end = len(tag)
	}
	if end == 0 || !knownPrimary(tag[:end]) {
		return false
	}
	for rest := tag[end:]; rest != ""; {
		rest = rest[1:] // the separator
		n := strings.IndexAny(rest, "-_")
		if n < 0 {
			n = len(rest)
		}
		if n < 1 || n > 8 || !isAlnum(rest[:n]) {
			return false
		}
		rest = rest[n:]
	}
	return true
}

// knownPrimary reports whether s, in lower case, is a known primary
// language subtag. An ASCII s is lowered in a buffer on the stack; any
// other goes through strings.ToLower, which maps some non-ASCII letters to
// ASCII ones (the Kelvin sign to 'k').
func knownPrimary(s string) bool {
	var buf [16]byte
	if len(s) > len(buf) {
		_, ok := languageSubtags[strings.ToLower(s)]
		return ok
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			_, ok := languageSubtags[strings.ToLower(s)]
			return ok
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := languageSubtags[string(buf[:len(s)])]
	return ok
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

// Validate checks the record against DefaultLimits and returns every
// problem at once, joined with errors.Join; each is a *FieldError naming its
// field path. It checks that the ID is present; country, subdivision,
// currencies, languages and the time zone are known codes; channels carry
// well-formed values; revenue and order counts are not negative and amounts
// are within MaxAmountDigits; scores lie within 0–100; time stamps are in
// order; tags, segments and custom fields are well formed; every string is
// valid UTF-8; and no list, string or custom field exceeds its limit. A nil
// record is an error.
func (c *Customer) Validate() error { return c.ValidateWithin(Limits{}) }

// ValidateWithin is Validate against other size limits, for a host that
// raised them knowingly (and compiled its engines with the same Limits).
// Zero fields of l take their defaults. At most maxProblems problems are
// listed, then how many more there were.
func (c *Customer) ValidateWithin(l Limits) error {
	if c == nil {
		return &FieldError{Msg: "nil record"}
	}
	v := &validator{limits: l.OrDefault()}
	v.identity(c)
	v.contact(c)
	v.value(c)
	v.classes(c)
	v.attrs(c.Attrs)
	v.consents(c.Consents)
	if !c.CreatedAt.IsZero() && !c.UpdatedAt.IsZero() && c.UpdatedAt.Before(c.CreatedAt) {
		v.bad("updated_at", "before created_at")
	}
	return v.err()
}

// maxProblems bounds the problems Validate lists, so a hostile record costs
// a bounded error.
const maxProblems = 100

// validator collects a record's problems.
type validator struct {
	limits Limits
	errs   []error
	more   int // problems beyond maxProblems
}

func (v *validator) bad(path, format string, args ...any) {
	if len(v.errs) >= maxProblems {
		v.more++
		return
	}
	v.errs = append(v.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if v.more > 0 {
		v.errs = append(v.errs, &FieldError{Msg: fmt.Sprintf("and %d more problems", v.more)})
	}
	return errors.Join(v.errs...)
}

// str checks that s is valid UTF-8 within the string limit, without
// quoting it (it may be personal data), and reports whether it is.
func (v *validator) str(path, s string) bool {
	switch {
	case len(s) > v.limits.StringBytes:
		v.bad(path, "%d bytes exceeds the limit of %d", len(s), v.limits.StringBytes)
		return false
	case !utf8.ValidString(s):
		v.bad(path, "not valid UTF-8")
		return false
	}
	return true
}

// fine reports whether s is valid UTF-8 within the string limit, as str
// does, without reporting anything: the checks below test the valid case
// first and build a field's path only to report a problem.
func (v *validator) fine(s string) bool {
	return len(s) <= v.limits.StringBytes && utf8.ValidString(s)
}

// strs checks the plain strings of a record that have no other rule.
func (v *validator) strs(fields ...string) {
	for i := 0; i+1 < len(fields); i += 2 {
		v.str(fields[i], fields[i+1])
	}
}

// count checks a list's length and reports whether it is within limit.
func (v *validator) count(path string, n, limit int) bool {
	if n > limit {
		v.bad(path, "%d items exceeds the limit of %d", n, limit)
		return false
	}
	return true
}

func (v *validator) identity(c *Customer) {
	if v.str("id", c.ID) && strings.TrimSpace(c.ID) == "" {
		v.bad("id", "required")
	}
	v.strs("name", c.Name, "city", c.City, "industry", c.Industry, "owner", c.Owner)
	if v.str("kind", string(c.Kind)) && !c.Kind.Valid() {
		v.bad("kind", "unknown kind %q (want enterprise, individual, reseller or partner)", c.Kind)
	}
	switch {
	case !v.str("country", c.Country):
	case c.Country == "":
		v.bad("country", "required")
	case !IsCountry(c.Country):
		v.bad("country", "unknown ISO 3166-1 alpha-2 code %q", c.Country)
	}
	if c.Subdivision != "" && v.str("subdivision", c.Subdivision) {
		switch {
		case !IsSubdivision(c.Subdivision):
			v.bad("subdivision", "unknown ISO 3166-2 code %q", c.Subdivision)
		case c.Country != "" && !inCountry(c.Subdivision, c.Country):
			v.bad("subdivision", "%q is not in country %q", c.Subdivision, c.Country)
		}
	}
	if v.count("languages", len(c.Languages), v.limits.Languages) {
		for i, l := range c.Languages {
			if v.fine(l) && IsLanguage(l) {
				continue
			}
			path := fmt.Sprintf("languages[%d]", i)
			if v.str(path, l) && !IsLanguage(l) {
				v.bad(path, "not a BCP 47 language tag: %q", l)
			}
		}
	}
	if c.TimeZone != "" && v.str("time_zone", c.TimeZone) && !IsTimeZone(c.TimeZone) {
		v.bad("time_zone", "unknown IANA time zone %q", c.TimeZone)
	}
}

// inCountry reports whether subdivision code sub starts with country and
// a '-'.
func inCountry(sub, country string) bool {
	return len(sub) > len(country) && sub[len(country)] == '-' && sub[:len(country)] == country
}

func (v *validator) contact(c *Customer) {
	if v.count("channels", len(c.Channels), v.limits.Channels) {
		for i, ch := range c.Channels {
			if v.fine(string(ch.Kind)) && v.fine(ch.Value) && checkChannel(ch, c.Country) == "" {
				continue
			}
			path := fmt.Sprintf("channels[%d]", i)
			if !v.str(path+".kind", string(ch.Kind)) || !v.str(path+".value", ch.Value) {
				continue
			}
			if msg := checkChannel(ch, c.Country); msg != "" {
				field := "value"
				if !ch.Kind.Valid() {
					field = "kind"
				}
				v.bad(path+"."+field, "%s", msg)
			}
		}
	}
	if c.Source != "" && v.str("source", string(c.Source)) && !isToken(string(c.Source)) {
		v.bad("source", "%q is not a lower-case token of letters, digits and '_'", c.Source)
	}
	v.list("products", c.Products, v.limits.Products)
}

func (v *validator) value(c *Customer) {
	v.money(c.Revenue, "revenue", true)
	v.money(c.Profit, "profit", false)
	if c.Orders < 0 {
		v.bad("orders", "negative count %d", c.Orders)
	}
	if !c.FirstOrderAt.IsZero() && !c.LastOrderAt.IsZero() && c.LastOrderAt.Before(c.FirstOrderAt) {
		v.bad("last_order_at", "before first_order_at")
	}
	if c.LastOrderAt.IsZero() != c.FirstOrderAt.IsZero() {
		v.bad("first_order_at", "first_order_at and last_order_at must be set together")
	}
	v.score(c.Scores.Value, "scores.value")
	v.score(c.Scores.Potential, "scores.potential")
	if v.str("scores.grade", string(c.Scores.Grade)) && !c.Scores.Grade.Valid() {
		v.bad("scores.grade", "unknown grade %q (want A, B, C or D)", c.Scores.Grade)
	}
}

func (v *validator) classes(c *Customer) {
	v.str("tier", c.Tier)
	if !c.TierSince.IsZero() && c.Tier == "" {
		v.bad("tier_since", "set without a tier")
	}
	v.list("segments", c.Segments, v.limits.Segments)
	v.list("tags", c.Tags, v.limits.Tags)
}

func (v *validator) consents(cs []Consent) {
	if !v.count("consents", len(cs), v.limits.Consents) {
		return
	}
	for i, cs := range cs {
		if v.consentFine(cs) {
			continue
		}
		path := fmt.Sprintf("consents[%d]", i)
		v.strs(path+".basis", cs.Basis, path+".source", cs.Source)
		if v.str(path+".purpose", cs.Purpose) && !isToken(cs.Purpose) {
			v.bad(path+".purpose", "%q is not a lower-case token of letters, digits and '_'", cs.Purpose)
		}
		if v.str(path+".state", string(cs.State)) && !cs.State.Valid() {
			v.bad(path+".state", "unknown state %q (want granted, withdrawn, pending or not_responded)", cs.State)
		}
		if cs.At.IsZero() {
			v.bad(path+".at", "required")
		}
	}
}

// consentFine reports whether consents would report no problem for cs.
func (v *validator) consentFine(cs Consent) bool {
	return v.fine(cs.Basis) && v.fine(cs.Source) && v.fine(cs.Purpose) && isToken(cs.Purpose) &&
		v.fine(string(cs.State)) && cs.State.Valid() && !cs.At.IsZero()
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

// list checks a list of names: within its limit, each a non-empty string
// within the string limit, no duplicates.
func (v *validator) list(path string, list []string, limit int) {
	if !v.count(path, len(list), limit) || v.listFine(list) {
		return
	}
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !v.str(p, s):
		case strings.TrimSpace(s) == "":
			v.bad(p, "empty")
		case seen[s]:
			v.bad(p, "duplicate %q", s)
		}
		seen[s] = true
	}
}

// smallList is the longest list listFine checks for duplicates pair by
// pair; a longer one takes list's map.
const smallList = 16

// listFine reports whether list would report no problem for list: short,
// every name fine and not blank, no duplicates.
func (v *validator) listFine(list []string) bool {
	if len(list) > smallList {
		return false
	}
	for i, s := range list {
		if !v.fine(s) || strings.TrimSpace(s) == "" || slices.Contains(list[:i], s) {
			return false
		}
	}
	return true
}

func (v *validator) money(m Money, path string, nonNegative bool) {
	if m.IsZero() {
		return
	}
	switch {
	case v.fine(m.Currency) && IsCurrency(m.Currency):
	case !v.str(path+".currency", m.Currency):
	case m.Currency == "":
		v.bad(path+".currency", "required with an amount")
	case !IsCurrency(m.Currency):
		v.bad(path+".currency", "unknown ISO 4217 code %q", m.Currency)
	}
	if err := checkAmount(m.Amount); err != nil {
		v.bad(path+".amount", "%v", err)
		return
	}
	if nonNegative && m.IsNegative() {
		v.bad(path+".amount", "negative amount %s", m.Amount)
	}
}

func (v *validator) score(x float64, path string) {
	if !(x >= 0 && x <= 100) { // also catches NaN
		v.bad(path, "%v is outside 0–100", x)
	}
}

// attrs checks the custom fields: JSON values only, within the entry,
// depth, value and string limits, in sorted key order.
func (v *validator) attrs(attrs map[string]any) {
	if !v.count("attrs", len(attrs), v.limits.AttrEntries) || len(attrs) == 0 {
		return
	}
	values := 0
	if v.attrsFine(attrs, 1, &values) {
		return
	}
	values = 0
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		path := "attrs." + k
		if !v.str("attrs", k) {
			continue
		}
		if strings.TrimSpace(k) == "" {
			v.bad("attrs", "empty key")
			continue
		}
		if !v.attr(path, attrs[k], 1, &values) {
			return
		}
	}
}

// attr checks one custom value at depth (1 for a top-level value),
// counting values; it returns false once the value limit is exceeded.
func (v *validator) attr(path string, x any, depth int, values *int) bool {
	*values++
	if *values > v.limits.AttrValues {
		v.bad("attrs", "more than %d values", v.limits.AttrValues)
		return false
	}
	switch x := x.(type) {
	case nil, bool, float64, float32, int, int32, int64, uint, uint32, uint64:
		return true
	case string:
		v.str(path, x)
		return true
	case []string:
		return v.attrList(path, len(x), depth, values, func(i int) any { return x[i] })
	case []any:
		return v.attrList(path, len(x), depth, values, func(i int) any { return x[i] })
	case map[string]any:
		if depth >= v.limits.AttrDepth {
			v.bad(path, "nested deeper than %d", v.limits.AttrDepth)
			return true
		}
		if !v.count(path, len(x), v.limits.AttrEntries) {
			return true
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if v.str(path, k) && !v.attr(path+"."+k, x[k], depth+1, values) {
				return false
			}
		}
		return true
	}
	v.bad(path, "unsupported value of type %T (want string, number, bool, null, list or object)", x)
	return true
}

// attrsFine reports whether attrs would report no problem for m, a custom
// object at depth, in any key order: it counts values as attr does, and
// allocates nothing.
func (v *validator) attrsFine(m map[string]any, depth int, values *int) bool {
	for k, x := range m {
		if !v.fine(k) || strings.TrimSpace(k) == "" || !v.attrFine(x, depth, values) {
			return false
		}
	}
	return true
}

// attrFine reports whether attr would report no problem for x at depth.
func (v *validator) attrFine(x any, depth int, values *int) bool {
	*values++
	if *values > v.limits.AttrValues {
		return false
	}
	switch x := x.(type) {
	case nil, bool, float64, float32, int, int32, int64, uint, uint32, uint64:
		return true
	case string:
		return v.fine(x)
	case []string:
		if depth >= v.limits.AttrDepth || len(x) > v.limits.AttrEntries {
			return false
		}
		for _, e := range x {
			*values++
			if *values > v.limits.AttrValues || !v.fine(e) {
				return false
			}
		}
		return true
	case []any:
		if depth >= v.limits.AttrDepth || len(x) > v.limits.AttrEntries {
			return false
		}
		for _, e := range x {
			if !v.attrFine(e, depth+1, values) {
				return false
			}
		}
		return true
	case map[string]any:
		return depth < v.limits.AttrDepth && len(x) <= v.limits.AttrEntries && v.attrsFine(x, depth+1, values)
	}
	return false
}

func (v *validator) attrList(path string, n, depth int, values *int, at func(int) any) bool {
	if depth >= v.limits.AttrDepth {
		v.bad(path, "nested deeper than %d", v.limits.AttrDepth)
		return true
	}
	if !v.count(path, n, v.limits.AttrEntries) {
		return true
	}
	for i := range n {
		if !v.attr(fmt.Sprintf("%s[%d]", path, i), at(i), depth+1, values) {
			return false
		}
	}
	return true
}
