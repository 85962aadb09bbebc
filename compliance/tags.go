package compliance

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sensitivity orders how carefully a field must be handled. Its zero value
// is SensitivityUnset, which New refuses wherever a sensitivity is required:
// a tag or a role written without one is an error, never "public".
type Sensitivity int

// The sensitivity levels, least to most sensitive, after the unset zero.
const (
	SensitivityUnset Sensitivity = iota // not written: refused by New
	Public                              // may be shown to anyone
	Internal                            // staff only
	Confidential                        // need to know: personal contact data, deal values
	Restricted                          // the most sensitive: identity documents, sensitive personal information
)

var sensitivityNames = []string{"", "public", "internal", "confidential", "restricted"}

// String returns the level's name ("public" … "restricted"), "unset" for the
// zero value.
func (s Sensitivity) String() string {
	switch {
	case s == SensitivityUnset:
		return "unset"
	case s < 0 || int(s) >= len(sensitivityNames):
		return "sensitivity(" + strconv.Itoa(int(s)) + ")"
	}
	return sensitivityNames[s]
}

// valid reports whether s is one of the four levels.
func (s Sensitivity) valid() bool { return s >= Public && s <= Restricted }

// MarshalJSON writes the level's name; the unset level is written as "".
func (s Sensitivity) MarshalJSON() ([]byte, error) {
	if !s.valid() {
		return []byte(`""`), nil
	}
	return json.Marshal(sensitivityNames[s])
}

// UnmarshalJSON reads a level's name: public, internal, confidential or
// restricted. Anything else, the empty string included, is an error.
func (s *Sensitivity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return errors.New("want public, internal, confidential or restricted")
	}
	for i, n := range sensitivityNames {
		if n == name && i > 0 {
			*s = Sensitivity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown sensitivity %q (want public, internal, confidential or restricted)", truncate(name))
}

// Category is a data category, a key of the fideslang 3.2 taxonomy
// ("user.contact.email", "user.financial", "system.operations"); Sources
// names the release.
type Category string

// Data categories Strata's fields use, and a few more hosts often need for
// their custom fields.
const (
	CatUniqueID         Category = "user.unique_id"
	CatName             Category = "user.name"
	CatContact          Category = "user.contact" // messaging handles: WeChat, LINE, WhatsApp IDs
	CatContactEmail     Category = "user.contact.email"
	CatContactPhone     Category = "user.contact.phone_number"
	CatAddressCountry   Category = "user.contact.address.country"
	CatAddressState     Category = "user.contact.address.state"
	CatAddressCity      Category = "user.contact.address.city"
	CatAddressStreet    Category = "user.contact.address.street"
	CatPostalCode       Category = "user.contact.address.postal_code"
	CatCoarseLocation   Category = "user.location.coarse"
	CatPreciseLocation  Category = "user.location.precise"
	CatLanguage         Category = "user.demographic.language"
	CatDateOfBirth      Category = "user.demographic.date_of_birth"
	CatProfile          Category = "user.demographic.profile" // scores, tiers, segments
	CatFinancial        Category = "user.financial"
	CatBankAccount      Category = "user.financial.bank_account"
	CatCreditCard       Category = "user.financial.credit_card"
	CatGovernmentID     Category = "user.government_id"
	CatNationalID       Category = "user.government_id.national_identification_number"
	CatPassport         Category = "user.government_id.passport_number"
	CatPurchaseHistory  Category = "user.behavior.purchase_history"
	CatWorkplace        Category = "user.professional_information.workplace"
	CatChildren         Category = "user.children"
	CatHealth           Category = "user.health"
	CatBiometrics       Category = "user.biometrics"
	CatPrivacyPrefs     Category = "user.privacy_preferences" // consent records
	CatSystemOperations Category = "system.operations"
)

// MaskKind says how a field's value is masked when a viewer may see it only
// partly.
type MaskKind string

// The maskers.
const (
	MaskKindNone   MaskKind = ""       // masked means removed
	MaskKindName   MaskKind = "name"   // 上海锦**** / A*** Ltd
	MaskKindEmail  MaskKind = "email"  // ***@example.cn: the domain stays
	MaskKindPhone  MaskKind = "phone"  // +86 138****5678: country code, first three and last four digits
	MaskKindHandle MaskKind = "handle" // wx***: a messaging handle's first two characters
	MaskKindPRCID  MaskKind = "prc_id" // 110105********123X: the birth date hidden
	MaskKindMoney  MaskKind = "money"  // rounded down to one significant digit: 5600000 → 5000000
	MaskKindText   MaskKind = "text"   // the first character and ***
)

func (k MaskKind) valid() bool {
	switch k {
	case MaskKindNone, MaskKindName, MaskKindEmail, MaskKindPhone, MaskKindHandle, MaskKindPRCID, MaskKindMoney, MaskKindText:
		return true
	}
	return false
}

// FieldTag describes one field of a record: its data categories, its
// sensitivity, and, kept apart because the laws disagree, whether it is a
// special category under GDPR Art. 9, sensitive personal information under
// PIPL Art. 28 (which adds financial accounts, whereabouts and the data of
// minors under 14) and sensitive personal information under the CPRA (Cal.
// Civ. Code §1798.140(ae)).
//
// Zero values are the careful ones: a tag must state its Sensitivity (the
// zero, SensitivityUnset, is refused by New), and a field is personal data
// unless NotPersonal says otherwise.
type FieldTag struct {
	// Field is the JSON path: "name", "channels.value", "revenue",
	// "attrs.national_id" for a host custom field. Paths compare without
	// regard to case, '_', '-' or spaces ("attrs.National-ID" is
	// "attrs.national_id"), and a tag on "attrs.key" also covers that key
	// nested anywhere under attrs ("attrs.kyc.national_id").
	Field       string      `json:"field"`
	Categories  []Category  `json:"categories,omitempty"`
	Sensitivity Sensitivity `json:"sensitivity"`
	// NotPersonal says the field holds no personal information (a tier, a
	// rep's ID, a configuration value), so erasure and access requests
	// leave it out. By default a field is personal information.
	NotPersonal   bool     `json:"not_personal,omitempty"`
	GDPRSpecial   bool     `json:"gdpr_special,omitempty"`
	PIPLSensitive bool     `json:"pipl_sensitive,omitempty"`
	CPRASensitive bool     `json:"cpra_sensitive,omitempty"`
	Mask          MaskKind `json:"mask,omitempty"`
}

// Personal reports whether the field holds personal information.
func (t FieldTag) Personal() bool { return !t.NotPersonal }

// BuiltinTags tags every field of strata.Customer, nested fields included.
// Contact values, the name, the city and free-text consent sources are
// confidential personal data; money is confidential (PIPL treats an
// individual's financial information as sensitive); kinds, countries and
// tiers are internal. Custom fields fall under "attrs" (confidential) until
// the host tags them.
func BuiltinTags() []FieldTag {
	tag := func(field string, s Sensitivity, m MaskKind, cats ...Category) FieldTag {
		return FieldTag{Field: field, Sensitivity: s, Mask: m, Categories: cats}
	}
	business := func(field string, s Sensitivity, cats ...Category) FieldTag {
		return FieldTag{Field: field, Sensitivity: s, NotPersonal: true, Categories: cats}
	}
	revenue := tag("revenue", Confidential, MaskKindMoney, CatFinancial, CatPurchaseHistory)
	revenue.PIPLSensitive = true
	return []FieldTag{
		business("id", Internal, CatUniqueID), // the record's key: erasing the record removes it
		tag("name", Confidential, MaskKindName, CatName, CatWorkplace),
		business("kind", Internal, CatSystemOperations),
		tag("country", Internal, MaskKindText, CatAddressCountry),
		tag("subdivision", Internal, MaskKindText, CatAddressState),
		tag("city", Confidential, MaskKindText, CatAddressCity),
		business("industry", Internal, CatWorkplace),
		tag("languages", Internal, MaskKindNone, CatLanguage),
		tag("time_zone", Internal, MaskKindText, CatCoarseLocation),
		tag("channels", Internal, MaskKindNone, CatContactEmail, CatContactPhone, CatContact),
		business("channels.kind", Internal, CatSystemOperations),
		tag("channels.value", Confidential, MaskKindNone, CatContactEmail, CatContactPhone, CatContact),
		business("channels.preferred", Internal, CatSystemOperations),
		business("source", Internal, CatSystemOperations),
		tag("products", Internal, MaskKindNone, CatPurchaseHistory),
		revenue,
		business("profit", Confidential, CatFinancial),
		tag("orders", Internal, MaskKindNone, CatPurchaseHistory),
		tag("first_order_at", Internal, MaskKindNone, CatPurchaseHistory),
		tag("last_order_at", Internal, MaskKindNone, CatPurchaseHistory),
		tag("scores", Internal, MaskKindNone, CatProfile),
		business("tier", Internal, CatProfile),
		business("tier_since", Internal, CatProfile),
		business("segments", Internal, CatProfile),
		business("tags", Internal, CatProfile),
		business("owner", Internal, CatSystemOperations),
		tag("attrs", Confidential, MaskKindText),
		tag("consents", Internal, MaskKindNone, CatPrivacyPrefs),
		tag("consents.source", Confidential, MaskKindText, CatPrivacyPrefs),
		business("created_at", Internal, CatSystemOperations),
		business("updated_at", Internal, CatSystemOperations),
	}
}

// normField normalises a field path for lookups: each dot-separated
// segment lower-cased, without '_', '-' or spaces.
func normField(field string) string {
	var b strings.Builder
	b.Grow(len(field))
	start := 0
	for i := 0; i <= len(field); i++ {
		if i < len(field) && field[i] != '.' {
			continue
		}
		seg := normSegment(field[start:i])
		if start > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
		start = i + 1
	}
	return b.String()
}

// normSegment lower-cases s and drops everything but letters and digits;
// a segment of nothing else stays lower-cased as it is.
func normSegment(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if b.Len() == 0 {
		return strings.ToLower(s)
	}
	return b.String()
}

// tagIndex finds a field's tag by its normalised path.
type tagIndex struct {
	byPath map[string]FieldTag
	// attrKeys are the tags directly under attrs, by normalised key: they
	// apply to that key at any depth under attrs.
	attrKeys map[string]FieldTag
}

func newTagIndex() tagIndex {
	return tagIndex{byPath: map[string]FieldTag{}, attrKeys: map[string]FieldTag{}}
}

func (ix tagIndex) add(t FieldTag) {
	n := normField(t.Field)
	ix.byPath[n] = t
	if key, ok := strings.CutPrefix(n, "attrs."); ok && !strings.Contains(key, ".") {
		ix.attrKeys[key] = t
	}
}

// lookup returns the tag of a normalised path: the nearest tagged path
// (the path itself, then its parents), made stricter by any attrs key tag
// whose key is a segment of the path below attrs. An untagged path outside
// attrs is Restricted.
func (ix tagIndex) lookup(path string) (FieldTag, bool) {
	t, found := ix.nearest(path)
	if rest, ok := strings.CutPrefix(path, "attrs."); ok && len(ix.attrKeys) > 0 {
		for seg := range strings.SplitSeq(rest, ".") {
			if k, ok := ix.attrKeys[seg]; ok && (!found || k.Sensitivity > t.Sensitivity) {
				t, found = k, true
			}
		}
	}
	return t, found
}

func (ix tagIndex) nearest(path string) (FieldTag, bool) {
	for {
		if t, ok := ix.byPath[path]; ok {
			return t, true
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return FieldTag{Field: path, Sensitivity: Restricted}, false
		}
		path = path[:i]
	}
}

// truncate shortens s for an error message: configuration names and keys
// come from users and may be long.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
