package strata

import (
	"log/slog"
	"time"
)

//go:generate go run ./internal/gen/isocodes
//go:generate go run ./internal/gen/hanfold
//go:generate go run ./internal/gen/schema
//go:generate go run ./internal/gen/examples

// Kind says what sort of party a customer is.
type Kind string

// The kinds of customer a CRM keeps apart. A record may leave Kind empty when
// it is not known; any other value must be one of these.
const (
	KindEnterprise Kind = "enterprise" // a company buying for itself
	KindIndividual Kind = "individual" // a natural person
	KindReseller   Kind = "reseller"   // a reseller, distributor or agent (代理商)
	KindPartner    Kind = "partner"    // a channel or technology partner
)

// Valid reports whether k is empty or one of the declared kinds.
func (k Kind) Valid() bool {
	switch k {
	case "", KindEnterprise, KindIndividual, KindReseller, KindPartner:
		return true
	}
	return false
}

// ChannelKind names a way of reaching a customer.
type ChannelKind string

// The contact channels Strata knows. Domestic customers are reached by mobile
// and WeChat, overseas ones by email, WhatsApp, LinkedIn, LINE, KakaoTalk or
// Zalo, depending on the country.
const (
	ChannelEmail     ChannelKind = "email"
	ChannelPhone     ChannelKind = "phone"
	ChannelMobile    ChannelKind = "mobile"
	ChannelWeChat    ChannelKind = "wechat"
	ChannelWhatsApp  ChannelKind = "whatsapp"
	ChannelLinkedIn  ChannelKind = "linkedin"
	ChannelLINE      ChannelKind = "line"
	ChannelKakaoTalk ChannelKind = "kakaotalk"
	ChannelZalo      ChannelKind = "zalo"
	ChannelTelegram  ChannelKind = "telegram"
	ChannelOther     ChannelKind = "other"
)

// ChannelKinds lists every declared channel kind in a stable order.
func ChannelKinds() []ChannelKind {
	return []ChannelKind{ChannelEmail, ChannelPhone, ChannelMobile, ChannelWeChat, ChannelWhatsApp,
		ChannelLinkedIn, ChannelLINE, ChannelKakaoTalk, ChannelZalo, ChannelTelegram, ChannelOther}
}

// Valid reports whether k is one of the declared channel kinds.
func (k ChannelKind) Valid() bool {
	for _, known := range ChannelKinds() {
		if k == known {
			return true
		}
	}
	return false
}

// Channel is one way of reaching a customer. Its Value is personal data: rules
// see only the kind (the cel:"-" tag), and LogValue never prints it.
type Channel struct {
	Kind      ChannelKind `json:"kind" cel:"kind"`
	Value     string      `json:"value" cel:"-"`
	Preferred bool        `json:"preferred,omitempty" cel:"preferred"`
}

// Source says where a customer or lead came from. The constants are the usual
// ones; hosts may use any other lower-case token of letters, digits and '_'.
type Source string

// Common lead sources.
const (
	SourceTradeShow   Source = "trade_show"
	SourceWebsite     Source = "website_inquiry"
	SourceB2BPlatform Source = "b2b_platform"
	SourceSocial      Source = "social"
	SourceReferral    Source = "referral"
	SourceEmail       Source = "email_campaign"
	SourceOutbound    Source = "outbound"
	SourceOther       Source = "other"
)

// Grade is a letter grade from scoring: A is best.
type Grade string

// The grades a scorecard assigns. An empty Grade means not yet scored.
const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
)

// Valid reports whether g is empty or one of A, B, C, D.
func (g Grade) Valid() bool {
	switch g {
	case "", GradeA, GradeB, GradeC, GradeD:
		return true
	}
	return false
}

// Scores holds what package scoring computed for a customer. They are ordinary
// fields so that tiering and routing rules can read customer.scores.grade
// whoever computed them.
type Scores struct {
	Value     float64   `json:"value" cel:"value"`         // 0–100: amount, frequency, recency, profit
	Potential float64   `json:"potential" cel:"potential"` // 0–100: growth and engagement
	Grade     Grade     `json:"grade,omitempty" cel:"grade"`
	ScoredAt  time.Time `json:"scored_at,omitzero" cel:"scored_at"`
}

// Customer is the one record every Strata package reads. A host maps its own
// rows into a Customer once; tiering, scoring, routing, locale and compliance
// all take it as it is. Tier and scores are plain fields, as on a CRM record.
//
// The JSON form uses snake_case names and round-trips exactly. Rules written
// in CEL see the same snake_case names (customer.revenue, customer.time_zone),
// except personal data: Name and channel values are hidden from rules.
//
// A Customer is a value: Strata never keeps or modifies one it is given.
type Customer struct {
	ID          string   `json:"id" cel:"id"`
	Name        string   `json:"name,omitempty" cel:"-"`
	Kind        Kind     `json:"kind,omitempty" cel:"kind"`
	Country     string   `json:"country" cel:"country"`                   // ISO 3166-1 alpha-2, e.g. "CN"
	Subdivision string   `json:"subdivision,omitempty" cel:"subdivision"` // ISO 3166-2, e.g. "CN-SH"
	City        string   `json:"city,omitempty" cel:"city"`
	Industry    string   `json:"industry,omitempty" cel:"industry"`
	Languages   []string `json:"languages,omitempty" cel:"languages"` // BCP 47, most preferred first
	// TimeZone is an IANA zone name; empty means derive it from country and
	// subdivision (package timezone does).
	TimeZone string    `json:"time_zone,omitempty" cel:"time_zone"`
	Channels []Channel `json:"channels,omitempty" cel:"channels"`
	Source   Source    `json:"source,omitempty" cel:"source"`
	Products []string  `json:"products,omitempty" cel:"products"` // product lines of interest

	// Value facts over the trailing twelve months.
	Revenue      Money     `json:"revenue,omitzero" cel:"revenue"`
	Profit       Money     `json:"profit,omitzero" cel:"profit"`
	Orders       int       `json:"orders,omitempty" cel:"orders"`
	FirstOrderAt time.Time `json:"first_order_at,omitzero" cel:"first_order_at"`
	LastOrderAt  time.Time `json:"last_order_at,omitzero" cel:"last_order_at"`

	Scores Scores `json:"scores,omitzero" cel:"scores"`
	// Tier is the customer's tier on the primary ladder, and TierSince when
	// it got there; tiering reads both for hysteresis and writes them back.
	Tier      string    `json:"tier,omitempty" cel:"tier"`
	TierSince time.Time `json:"tier_since,omitzero" cel:"tier_since"`
	Segments  []string  `json:"segments,omitempty" cel:"segments"`
	Tags      []string  `json:"tags,omitempty" cel:"tags"`
	Owner     string    `json:"owner,omitempty" cel:"owner"` // the owning rep's ID

	// Attrs holds the host's custom fields: JSON values (string, number,
	// bool, null, lists and objects of them). Rules read them with attr().
	Attrs map[string]any `json:"attrs,omitempty" cel:"attrs"`

	// Consents records what the customer agreed to, per purpose; package
	// compliance reads it to decide whether a purpose is lawful.
	Consents []Consent `json:"consents,omitempty" cel:"consents"`

	CreatedAt time.Time `json:"created_at,omitzero" cel:"created_at"`
	UpdatedAt time.Time `json:"updated_at,omitzero" cel:"updated_at"`
}

// ConsentState is where a consent request stands.
type ConsentState string

// The consent states.
const (
	ConsentGranted      ConsentState = "granted"
	ConsentWithdrawn    ConsentState = "withdrawn"
	ConsentPending      ConsentState = "pending"       // asked, no answer yet
	ConsentNotResponded ConsentState = "not_responded" // asked, and the request lapsed
)

// Valid reports whether s is one of the declared states.
func (s ConsentState) Valid() bool {
	switch s {
	case ConsentGranted, ConsentWithdrawn, ConsentPending, ConsentNotResponded:
		return true
	}
	return false
}

// Consent is one record of what a customer agreed to for one purpose
// ("marketing_email", "cross_border_transfer"). The latest record at a given
// time for a purpose is the one in force.
type Consent struct {
	Purpose string       `json:"purpose" cel:"purpose"`
	Basis   string       `json:"basis,omitempty" cel:"basis"` // "consent", "contract", "legitimate_interests" …
	State   ConsentState `json:"state" cel:"state"`
	At      time.Time    `json:"at" cel:"at"`
	Source  string       `json:"source,omitempty" cel:"source"` // "web form 2026-03", "signed contract"
	// Separate marks consent given on its own, not bundled with other terms:
	// PIPL's 单独同意, required for sensitive data and transfers abroad.
	Separate bool `json:"separate,omitempty" cel:"separate"`
}

// Domestic reports whether the customer is in the home country.
func (c *Customer) Domestic(home string) bool { return c.Country == home }

// HasTag reports whether the customer carries tag.
func (c *Customer) HasTag(tag string) bool { return contains(c.Tags, tag) }

// HasSegment reports whether the customer is in segment.
func (c *Customer) HasSegment(segment string) bool { return contains(c.Segments, segment) }

// HasChannel reports whether the customer can be reached through kind.
func (c *Customer) HasChannel(kind ChannelKind) bool {
	for _, ch := range c.Channels {
		if ch.Kind == kind {
			return true
		}
	}
	return false
}

// LogValue implements slog.LogValuer. It logs what identifies and classifies
// the record, and never its name, contact channels' values or custom fields,
// which may hold personal data.
func (c Customer) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", c.ID)}
	if c.Kind != "" {
		attrs = append(attrs, slog.String("kind", string(c.Kind)))
	}
	attrs = append(attrs, slog.String("country", c.Country))
	if c.Subdivision != "" {
		attrs = append(attrs, slog.String("subdivision", c.Subdivision))
	}
	if c.Tier != "" {
		attrs = append(attrs, slog.String("tier", c.Tier))
	}
	if c.Scores.Grade != "" {
		attrs = append(attrs, slog.String("grade", string(c.Scores.Grade)))
	}
	if c.Owner != "" {
		attrs = append(attrs, slog.String("owner", c.Owner))
	}
	if len(c.Channels) > 0 {
		kinds := make([]string, len(c.Channels))
		for i, ch := range c.Channels {
			kinds[i] = string(ch.Kind)
		}
		attrs = append(attrs, slog.Any("channels", kinds))
	}
	return slog.GroupValue(attrs...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
