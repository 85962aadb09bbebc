package compliance

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// LogKey is a pattern of log attribute keys that carry personal data, and
// how their values are masked.
//
// Keys and patterns are compared normalised: lower-cased, with everything
// but letters and digits removed, so "customerPhone", "customer_phone" and
// "Customer-Phone" are all "customerphone".
type LogKey struct {
	// Pattern is the key, or the part of a key, to match: "phone",
	// "national_id".
	Pattern string
	// Mask masks a matching string; a value of another kind is replaced by
	// [REDACTED], and every string inside a matching group or list is
	// masked the same way unless its own key says otherwise.
	Mask MaskKind
	// Whole requires the whole key to equal the pattern ("name" matches
	// "name" and "Name" but not "pool_name"); otherwise the pattern matches
	// anywhere in the key ("phone" matches "phone_number",
	// "customer_phone" and "mobilephone").
	Whole bool
}

// BuiltinLogKeys are the key patterns the redacting handler always masks:
// names of people and companies, contact details, messaging handles,
// identity documents, addresses, birth dates and payment details, under
// the keys hosts usually log them with. Hosts add their own with
// NewRedactingHandler.
func BuiltinLogKeys() []LogKey {
	any := func(kind MaskKind, patterns ...string) []LogKey {
		out := make([]LogKey, len(patterns))
		for i, p := range patterns {
			out[i] = LogKey{Pattern: p, Mask: kind}
		}
		return out
	}
	whole := func(kind MaskKind, patterns ...string) []LogKey {
		out := any(kind, patterns...)
		for i := range out {
			out[i].Whole = true
		}
		return out
	}
	return slices.Concat(
		any(MaskKindEmail, "email", "e_mail"),
		any(MaskKindPhone, "phone", "mobile", "whatsapp", "msisdn", "fax"),
		whole(MaskKindPhone, "tel", "cell", "contact_number"),
		any(MaskKindHandle, "wechat", "weixin", "kakaotalk", "telegram", "linkedin", "zalo", "skype"),
		whole(MaskKindHandle, "line", "line_id", "wx", "qq", "handle"),
		any(MaskKindPRCID, "national_id", "id_number", "id_card", "identity_card", "identity_number", "passport",
			"social_security", "tax_id", "nric", "aadhaar", "resident_registration", "citizen_id", "hkid"),
		whole(MaskKindPRCID, "ssn", "my_number"),
		any(MaskKindText, "address", "street", "postcode", "postal_code", "zip_code", "birth", "iban", "bank_account",
			"card_number", "credit_card", "consent_source"),
		whole(MaskKindText, "city", "zip", "dob", "pan", "location"),
		any(MaskKindName, "full_name", "first_name", "last_name", "given_name", "family_name", "middle_name", "surname",
			"nickname", "display_name", "legal_name", "person_name", "contact_name", "customer_name", "client_name",
			"company_name", "buyer_name", "lead_name", "contact_person", "user_name", "username"),
		whole(MaskKindName, "name", "contact", "company", "recipient", "sender"),
	)
}

// keyMatcher holds normalised patterns in order; the first match wins.
type keyMatcher struct {
	whole map[string]MaskKind
	any   []LogKey // normalised patterns
}

func newKeyMatcher(keys []LogKey) *keyMatcher {
	m := &keyMatcher{whole: map[string]MaskKind{}}
	for _, k := range keys {
		n := normKey(k.Pattern)
		if n == "" {
			continue
		}
		if k.Whole {
			if _, dup := m.whole[n]; !dup {
				m.whole[n] = k.Mask
			}
			continue
		}
		m.any = append(m.any, LogKey{Pattern: n, Mask: k.Mask})
	}
	return m
}

// match returns the masker for a key and whether the key carries personal data.
func (m *keyMatcher) match(key string) (MaskKind, bool) {
	n := normKey(key)
	if n == "" {
		return "", false
	}
	if k, ok := m.whole[n]; ok {
		return k, true
	}
	for _, p := range m.any {
		if strings.Contains(n, p.Pattern) {
			return p.Mask, true
		}
	}
	return "", false
}

// normKey lower-cases s and keeps only letters and digits.
func normKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// RedactingHandler wraps a slog.Handler and masks personal data in every
// record before the wrapped handler sees it, in the record's attributes and
// those added with WithAttrs, at any depth of groups:
//
//   - by key: an attribute whose key matches a LogKey pattern
//     ("phone_number", "email_address", "customer_phone", "National-ID")
//     is masked with its masker;
//
//   - by value: a value is resolved first (slog.LogValuer), so a
//     strata.Customer, strata.Channel or strata.Consent logs only what its
//     LogValue shows; slices, arrays, maps, pointers and structs that may
//     hold such values, values of interface type or fields whose names match
//     a pattern (a []strata.Customer, a map[string]*strata.Customer, a
//     request struct that carries a customer) are rebuilt from their parts,
//     every part resolved and redacted the same way, and unexported struct
//     fields dropped.
//
//   - by shape: a string that is, as a whole, an email address, an
//     international phone number ("+49 30 1234 5678") or a PRC resident
//     identity number is masked whatever its key.
//
// A type from another package that carries customers is covered by the
// second rule, or by implementing slog.LogValuer (the documented hook: its
// LogValue is used and redacted in turn). Lists and maps are cut at
// maxLogItems entries and nesting at maxLogDepth levels.
//
// It is safe for concurrent use if the wrapped handler is.
type RedactingHandler struct {
	inner slog.Handler
	keys  *keyMatcher
	types *sync.Map // reflect.Type → bool: whether values of the type are rebuilt
}

// NewRedactingHandler wraps h. The key patterns are BuiltinLogKeys, the
// host's extra patterns before them (so they can change a masker), and, if
// p is not nil, the last path segment of every personal field p tags
// confidential or restricted ("national_id" for attrs.national_id), as a
// whole-key pattern. A nil h is an error.
func NewRedactingHandler(h slog.Handler, p *Policy, extra ...LogKey) (*RedactingHandler, error) {
	if h == nil {
		return nil, errors.New("compliance: NewRedactingHandler needs a handler to wrap")
	}
	keys := slices.Clone(extra)
	keys = append(keys, BuiltinLogKeys()...)
	for _, t := range p.Tags() { // sorted by field: deterministic
		if t.Sensitivity < Confidential || t.NotPersonal {
			continue
		}
		seg := t.Field[strings.LastIndexByte(t.Field, '.')+1:]
		if seg != "value" && seg != "channels" && seg != "attrs" {
			keys = append(keys, LogKey{Pattern: seg, Mask: t.Mask, Whole: true})
		}
	}
	return &RedactingHandler{inner: h, keys: newKeyMatcher(keys), types: &sync.Map{}}, nil
}

// Enabled implements slog.Handler.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.walker().attr(a, mode{}))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.walker().attr(a, mode{})
	}
	return &RedactingHandler{inner: h.inner.WithAttrs(red), keys: h.keys, types: h.types}
}

// WithGroup implements slog.Handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{inner: h.inner.WithGroup(name), keys: h.keys, types: h.types}
}

const (
	maxLogDepth = 12     // nesting of groups, lists and structs
	maxLogItems = 100    // entries of a list or map
	maxLogNodes = 10_000 // values looked at for one attribute
	redacted    = "[REDACTED]"
)

// walk redacts one attribute, within a budget of values looked at, so that
// a value that refers to itself many times costs bounded work.
type walk struct {
	h    *RedactingHandler
	left int
}

func (h *RedactingHandler) walker() *walk { return &walk{h: h, left: maxLogNodes} }

// mode is how a value is redacted: forced says an enclosing key matched,
// with kind its masker, so strings below it are masked unless their own
// key matches; depth counts nesting.
type mode struct {
	kind   MaskKind
	forced bool
	depth  int
}

func (m mode) deeper() mode { m.depth++; return m }

// attr redacts one attribute.
func (w *walk) attr(a slog.Attr, m mode) slog.Attr {
	if k, ok := w.h.keys.match(a.Key); ok {
		m.kind, m.forced = k, true
	}
	return slog.Attr{Key: a.Key, Value: w.value(a.Value, m)}
}

func (w *walk) value(v slog.Value, m mode) slog.Value {
	w.left--
	if m.depth > maxLogDepth || w.left < 0 {
		return slog.StringValue(redacted)
	}
	if v.Kind() == slog.KindLogValuer && isNil(v.LogValuer()) {
		return slog.AnyValue(nil) // a nil *strata.Customer: nothing to show, nothing to panic over
	}
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		group := v.Group()
		red := make([]slog.Attr, len(group))
		for i, g := range group {
			red[i] = w.attr(g, m.deeper())
		}
		return slog.GroupValue(red...)
	case slog.KindString:
		if m.forced {
			return slog.StringValue(maskLog(m.kind, v.String()))
		}
		if k, ok := looksPersonal(v.String()); ok {
			return slog.StringValue(maskLog(k, v.String()))
		}
		return v
	case slog.KindAny:
		return w.anyValue(v.Any(), m)
	}
	if m.forced { // a number, a time or a flag under a personal key
		return slog.StringValue(redacted)
	}
	return v
}

// isNil reports whether x is nil or a nil pointer, map, slice or interface.
func isNil(x any) bool {
	if x == nil {
		return true
	}
	switch rv := reflect.ValueOf(x); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// looksPersonal recognises a whole string that is an email address, an
// international phone number or a PRC resident identity number, whatever
// its key: such a value is personal data wherever it is logged.
func looksPersonal(s string) (MaskKind, bool) {
	if len(s) < 6 || len(s) > 254 {
		return "", false
	}
	switch {
	case isEmail(s):
		return MaskKindEmail, true
	case s[0] == '+' && isPhone(s[1:]):
		return MaskKindPhone, true
	case isPRCID(s):
		return MaskKindPRCID, true
	}
	return "", false
}

func isEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t\n<>,;") {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}

func isPhone(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

func isPRCID(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[17] >= '0' && s[17] <= '9' || s[17] == 'X' || s[17] == 'x'
}

// maskLog masks a logged string; a masker that removes gives [REDACTED].
func maskLog(kind MaskKind, s string) string {
	if s == "" {
		return s
	}
	if m := maskString(kind, s); m != "" {
		return m
	}
	return redacted
}

// truncateLog bounds a string built from a value for a log line.
func truncateLog(s string) string {
	const max = 256
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
