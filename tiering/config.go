package tiering

import (
	"time"

	"github.com/strata-go/strata"
)

// Config is a tiering configuration: ladders and segments, as plain data
// that round-trips through JSON and YAML (ParseConfig) so a host can store
// it and a business user can edit it. New validates it.
type Config struct {
	// Home is the company's home country (ISO 3166-1 alpha-2), bound to the
	// rules' home variable: "domestic" is customer.country == home.
	Home string `json:"home"`
	// Ladders are tier ladders. The first is the primary ladder: its tier is
	// the record's Tier field, and only it may use hysteresis.
	Ladders []Ladder `json:"ladders"`
	// Segments are independent groups; a customer is in every one whose rule
	// matches.
	Segments []Segment `json:"segments,omitempty"`
	// Groups adds region groups for in_group, each a list of ISO 3166-1 or
	// ISO 3166-2 codes.
	Groups map[string][]string `json:"groups,omitempty"`
}

// Ladder is an ordered list of tiers: the first whose rule matches wins. The
// last tier has no rule and is the default.
type Ladder struct {
	Name  string `json:"name"`
	Tiers []Tier `json:"tiers"`
}

// Tier is one rung of a ladder, with what a CRM hangs on it.
type Tier struct {
	Name string `json:"name"`
	// Label is a display label key, for package locale; empty means the name.
	Label string `json:"label,omitempty"`
	// When is the CEL condition to enter the tier; empty only on the last,
	// default tier.
	When string `json:"when,omitempty"`
	// Stay is an optional, looser CEL condition to remain in the tier once
	// there, so a customer hovering at a threshold does not flap between
	// tiers every night. Primary ladder only.
	Stay string `json:"stay,omitempty"`
	// MinDwell keeps a customer in the tier at least this long after it
	// entered (TierSince on the record) before it may move down. Primary
	// ladder only.
	MinDwell strata.Duration `json:"min_dwell,omitempty"`
	// OwnerRole is the role that should own customers in this tier, such as
	// "sales-director"; routing can match it.
	OwnerRole string `json:"owner_role,omitempty"`
	// FollowUp is how often the owner should follow up. On the primary
	// ladder it is required ("none" for no follow-up), so that a tier
	// left without one is an error, not a silent end to follow-ups.
	FollowUp Cadence `json:"follow_up,omitempty"`
	// Meta is free metadata for the host (a colour, an SLA class, a
	// discount band).
	Meta map[string]string `json:"meta,omitempty"`
}

// Segment is a named group a customer is in when its rule matches.
type Segment struct {
	Name  string            `json:"name"`
	Label string            `json:"label,omitempty"`
	When  string            `json:"when"`
	Meta  map[string]string `json:"meta,omitempty"`
}

// Cadence is how often a customer should be followed up.
type Cadence string

// The follow-up cadences. The Chinese CRM case tables Strata's starter
// configuration comes from use weekly (每周一次), monthly (每月一次) and
// quarterly (每季度一次).
const (
	CadenceUnset     Cadence = ""     // not given: allowed off the primary ladder only
	CadenceNone      Cadence = "none" // no follow-up, said explicitly
	CadenceDaily     Cadence = "daily"
	CadenceWeekly    Cadence = "weekly"
	CadenceBiweekly  Cadence = "biweekly"
	CadenceMonthly   Cadence = "monthly"
	CadenceQuarterly Cadence = "quarterly"
	CadenceYearly    Cadence = "yearly"
)

// Valid reports whether c is one of the declared cadences, or unset.
func (c Cadence) Valid() bool {
	switch c {
	case CadenceUnset, CadenceNone, CadenceDaily, CadenceWeekly, CadenceBiweekly, CadenceMonthly, CadenceQuarterly, CadenceYearly:
		return true
	}
	return false
}

// Next returns the follow-up date after from, in from's location: calendar
// months for monthly, quarterly and yearly, so 31 January + 1 month is
// 3 March as time.AddDate has it. CadenceNone and CadenceUnset return the
// zero time.
func (c Cadence) Next(from time.Time) time.Time {
	switch c {
	case CadenceDaily:
		return from.AddDate(0, 0, 1)
	case CadenceWeekly:
		return from.AddDate(0, 0, 7)
	case CadenceBiweekly:
		return from.AddDate(0, 0, 14)
	case CadenceMonthly:
		return from.AddDate(0, 1, 0)
	case CadenceQuarterly:
		return from.AddDate(0, 3, 0)
	case CadenceYearly:
		return from.AddDate(1, 0, 0)
	}
	return time.Time{}
}
