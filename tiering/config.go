package tiering

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is a tiering configuration: ladders and segments, as plain data
// that round-trips through JSON so a host can store it and a business user
// can edit it. Compile validates it.
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
	MinDwell Duration `json:"min_dwell,omitempty"`
	// OwnerRole is the role that should own customers in this tier, such as
	// "sales-director"; routing can match it.
	OwnerRole string `json:"owner_role,omitempty"`
	// FollowUp is how often the owner should follow up.
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

// The follow-up cadences. The seeds' case tables use weekly (每周一次),
// monthly (每月一次) and quarterly (每季度一次).
const (
	CadenceNone      Cadence = ""
	CadenceDaily     Cadence = "daily"
	CadenceWeekly    Cadence = "weekly"
	CadenceBiweekly  Cadence = "biweekly"
	CadenceMonthly   Cadence = "monthly"
	CadenceQuarterly Cadence = "quarterly"
	CadenceYearly    Cadence = "yearly"
)

// Valid reports whether c is one of the declared cadences.
func (c Cadence) Valid() bool {
	switch c {
	case CadenceNone, CadenceDaily, CadenceWeekly, CadenceBiweekly, CadenceMonthly, CadenceQuarterly, CadenceYearly:
		return true
	}
	return false
}

// Next returns the follow-up date after from, in from's location: calendar
// months for monthly, quarterly and yearly, so 31 January + 1 month is
// 3 March as time.AddDate has it. CadenceNone returns the zero time.
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

// Duration is a time.Duration that reads and writes JSON as a string: Go
// syntax ("36h", "90m") or whole days ("90d").
type Duration time.Duration

// MarshalJSON writes whole days as "90d" and anything else in Go syntax.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// String formats d as JSON does.
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(td/(24*time.Hour)), 10) + "d"
	}
	return td.String()
}

// UnmarshalJSON reads "90d", "36h" or "1h30m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string such as \"90d\" or \"36h\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDuration parses "90d" (whole days) or Go duration syntax.
func ParseDuration(s string) (Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*366 {
			return 0, fmt.Errorf("duration %q: want whole days such as \"90d\"", s)
		}
		return Duration(time.Duration(n) * 24 * time.Hour), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %q: negative", s)
	}
	return Duration(v), nil
}
