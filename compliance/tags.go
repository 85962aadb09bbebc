package compliance

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Sensitivity orders how carefully a field must be handled.
type Sensitivity int

// The sensitivity levels, least to most sensitive.
const (
	Public       Sensitivity = iota // may be shown to anyone
	Internal                        // staff only
	Confidential                    // need to know: personal contact data, deal values
	Restricted                      // the most sensitive: identity documents, sensitive personal information
)

var sensitivityNames = []string{"public", "internal", "confidential", "restricted"}

// String returns the level's name.
func (s Sensitivity) String() string {
	if s < 0 || int(s) >= len(sensitivityNames) {
		return fmt.Sprintf("sensitivity(%d)", int(s))
	}
	return sensitivityNames[s]
}

// MarshalJSON writes the level's name.
func (s Sensitivity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a level's name.
func (s *Sensitivity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("compliance: sensitivity: want public, internal, confidential or restricted")
	}
	for i, n := range sensitivityNames {
		if n == name {
			*s = Sensitivity(i)
			return nil
		}
	}
	return fmt.Errorf("compliance: unknown sensitivity %q (want public, internal, confidential or restricted)", name)
}

// Category is a data category, in the dotted taxonomy of fideslang
// ("user.contact.email", "user.financial", "system.operations").
type Category string

// Data categories Strata's fields use.
const (
	CatName           Category = "user.name"
	CatContactEmail   Category = "user.contact.email"
	CatContactPhone   Category = "user.contact.phone_number"
	CatContactSocial  Category = "user.contact.social"
	CatLocation       Category = "user.location"
	CatLanguage       Category = "user.demographic.language"
	CatFinancial      Category = "user.financial"
	CatGovernmentID   Category = "user.government_id"
	CatBehavior       Category = "user.behavior.purchase_history"
	CatDerived        Category = "user.derived.inferred"
	CatOrganization   Category = "user.workplace"
	CatMinor          Category = "user.demographic.age_under_14"
	CatHealth         Category = "user.health_and_medical"
	CatBiometric      Category = "user.biometric"
	CatOperations     Category = "system.operations"
	CatAccountNumber  Category = "user.financial.bank_account"
	CatPreciseWhereab Category = "user.location.precise"
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

// FieldTag describes one field of a record: its data categories, its
// sensitivity, and, kept apart because the laws disagree, whether it is a
// special category under GDPR Art. 9, sensitive personal information under
// PIPL Art. 28 (which adds financial accounts, whereabouts and the data of
// minors under 14) and sensitive personal information under the CPRA.
type FieldTag struct {
	// Field is the JSON path: "name", "channels.value", "revenue",
	// "attrs.national_id" for a host custom field.
	Field       string      `json:"field"`
	Categories  []Category  `json:"categories,omitempty"`
	Sensitivity Sensitivity `json:"sensitivity"`
	// Personal says the field is personal information (about an
	// identifiable person: always for individuals, for a company's contact).
	Personal      bool     `json:"personal,omitempty"`
	GDPRSpecial   bool     `json:"gdpr_special,omitempty"`
	PIPLSensitive bool     `json:"pipl_sensitive,omitempty"`
	CPRASensitive bool     `json:"cpra_sensitive,omitempty"`
	Mask          MaskKind `json:"mask,omitempty"`
}

// DefaultTags tags every field of strata.Customer. Contact values and the
// name are confidential personal data; money is confidential business data
// (PIPL treats an individual's financial information as sensitive); the
// channel's kind, country and tier are internal.
func DefaultTags() []FieldTag {
	return []FieldTag{
		{Field: "id", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "name", Categories: []Category{CatName, CatOrganization}, Sensitivity: Confidential, Personal: true, Mask: MaskKindName},
		{Field: "kind", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "country", Categories: []Category{CatLocation}, Sensitivity: Internal, Personal: true},
		{Field: "subdivision", Categories: []Category{CatLocation}, Sensitivity: Internal, Personal: true},
		{Field: "city", Categories: []Category{CatLocation}, Sensitivity: Confidential, Personal: true, Mask: MaskKindText},
		{Field: "industry", Categories: []Category{CatOrganization}, Sensitivity: Internal},
		{Field: "languages", Categories: []Category{CatLanguage}, Sensitivity: Internal, Personal: true},
		{Field: "time_zone", Categories: []Category{CatLocation}, Sensitivity: Internal},
		{Field: "channels", Categories: []Category{CatContactEmail, CatContactPhone, CatContactSocial}, Sensitivity: Internal, Personal: true},
		{Field: "channels.kind", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "channels.value", Categories: []Category{CatContactEmail, CatContactPhone, CatContactSocial}, Sensitivity: Confidential, Personal: true},
		{Field: "channels.preferred", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "source", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "products", Categories: []Category{CatBehavior}, Sensitivity: Internal, Personal: true},
		{Field: "revenue", Categories: []Category{CatFinancial, CatBehavior}, Sensitivity: Confidential, Personal: true, PIPLSensitive: true, Mask: MaskKindMoney},
		{Field: "profit", Categories: []Category{CatFinancial}, Sensitivity: Confidential, Mask: MaskKindMoney},
		{Field: "orders", Categories: []Category{CatBehavior}, Sensitivity: Internal, Personal: true},
		{Field: "first_order_at", Categories: []Category{CatBehavior}, Sensitivity: Internal, Personal: true},
		{Field: "last_order_at", Categories: []Category{CatBehavior}, Sensitivity: Internal, Personal: true},
		{Field: "scores", Categories: []Category{CatDerived}, Sensitivity: Internal, Personal: true},
		{Field: "tier", Categories: []Category{CatDerived}, Sensitivity: Internal},
		{Field: "tier_since", Categories: []Category{CatDerived}, Sensitivity: Internal},
		{Field: "segments", Categories: []Category{CatDerived}, Sensitivity: Internal},
		{Field: "tags", Categories: []Category{CatDerived}, Sensitivity: Internal},
		{Field: "owner", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "attrs", Categories: []Category{CatOperations}, Sensitivity: Confidential},
		{Field: "consents", Categories: []Category{CatOperations}, Sensitivity: Internal, Personal: true},
		{Field: "created_at", Categories: []Category{CatOperations}, Sensitivity: Internal},
		{Field: "updated_at", Categories: []Category{CatOperations}, Sensitivity: Internal},
	}
}

// tagIndex finds a field's tag: exact path, then, for "attrs.x" and other
// children, the parent's.
type tagIndex map[string]FieldTag

func (ix tagIndex) lookup(field string) (FieldTag, bool) {
	for {
		if t, ok := ix[field]; ok {
			return t, true
		}
		i := strings.LastIndexByte(field, '.')
		if i < 0 {
			return FieldTag{}, false
		}
		field = field[:i]
	}
}
