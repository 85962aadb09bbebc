package strata

// The implementation of Customer.ValidateWithin and IsLanguage before the
// checks tested the valid case first and built a field's path only to
// report a problem (kept as the reference the new one must agree with,
// problem for problem: TestValidateMatchesReference,
// FuzzValidateMatchesReference, FuzzIsLanguageMatchesReference).

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

func refIsLanguage(tag string) bool {
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

func refValidate(c *Customer, l Limits) error {
	if c == nil {
		return &FieldError{Msg: "nil record"}
	}
	v := &refValidator{limits: l.OrDefault()}
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

// refValidator collects a record's problems.
type refValidator struct {
	limits Limits
	errs   []error
	more   int // problems beyond maxProblems
}

func (v *refValidator) bad(path, format string, args ...any) {
	if len(v.errs) >= maxProblems {
		v.more++
		return
	}
	v.errs = append(v.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *refValidator) err() error {
	if v.more > 0 {
		v.errs = append(v.errs, &FieldError{Msg: fmt.Sprintf("and %d more problems", v.more)})
	}
	return errors.Join(v.errs...)
}

// str checks that s is valid UTF-8 within the string limit, without
// quoting it (it may be personal data), and reports whether it is.
func (v *refValidator) str(path, s string) bool {
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

// strs checks the plain strings of a record that have no other rule.
func (v *refValidator) strs(fields ...string) {
	for i := 0; i+1 < len(fields); i += 2 {
		v.str(fields[i], fields[i+1])
	}
}

// count checks a list's length and reports whether it is within limit.
func (v *refValidator) count(path string, n, limit int) bool {
	if n > limit {
		v.bad(path, "%d items exceeds the limit of %d", n, limit)
		return false
	}
	return true
}

func (v *refValidator) identity(c *Customer) {
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
		case c.Country != "" && !strings.HasPrefix(c.Subdivision, c.Country+"-"):
			v.bad("subdivision", "%q is not in country %q", c.Subdivision, c.Country)
		}
	}
	if v.count("languages", len(c.Languages), v.limits.Languages) {
		for i, l := range c.Languages {
			path := fmt.Sprintf("languages[%d]", i)
			if v.str(path, l) && !refIsLanguage(l) {
				v.bad(path, "not a BCP 47 language tag: %q", l)
			}
		}
	}
	if c.TimeZone != "" && v.str("time_zone", c.TimeZone) && !IsTimeZone(c.TimeZone) {
		v.bad("time_zone", "unknown IANA time zone %q", c.TimeZone)
	}
}

func (v *refValidator) contact(c *Customer) {
	if v.count("channels", len(c.Channels), v.limits.Channels) {
		for i, ch := range c.Channels {
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

func (v *refValidator) value(c *Customer) {
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

func (v *refValidator) classes(c *Customer) {
	v.str("tier", c.Tier)
	if !c.TierSince.IsZero() && c.Tier == "" {
		v.bad("tier_since", "set without a tier")
	}
	v.list("segments", c.Segments, v.limits.Segments)
	v.list("tags", c.Tags, v.limits.Tags)
}

func (v *refValidator) consents(cs []Consent) {
	if !v.count("consents", len(cs), v.limits.Consents) {
		return
	}
	for i, cs := range cs {
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

func (v *refValidator) list(path string, list []string, limit int) {
	if !v.count(path, len(list), limit) {
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

func (v *refValidator) money(m Money, path string, nonNegative bool) {
	if m.IsZero() {
		return
	}
	switch {
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

func (v *refValidator) score(x float64, path string) {
	if !(x >= 0 && x <= 100) { // also catches NaN
		v.bad(path, "%v is outside 0–100", x)
	}
}

// attrs checks the custom fields: JSON values only, within the entry,
// depth, value and string limits, in sorted key order.
func (v *refValidator) attrs(attrs map[string]any) {
	if !v.count("attrs", len(attrs), v.limits.AttrEntries) {
		return
	}
	values := 0
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
func (v *refValidator) attr(path string, x any, depth int, values *int) bool {
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

func (v *refValidator) attrList(path string, n, depth int, values *int, at func(int) any) bool {
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
