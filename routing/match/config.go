package match

import (
	"fmt"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
)

// Config says how sure matching must be. Scores run from 0 to 100.
type Config struct {
	// Match is the score at or above which the best candidate is the
	// customer the lead belongs to.
	Match int `json:"match"`
	// Review is the score at or above which a candidate is a possible
	// match, for a person to confirm. It is at most Match.
	Review int `json:"review"`
	// Margin: when the second-best candidate scores within Margin points
	// of the best and both reach Match, neither is taken; both are
	// possible matches. Default 0: only an exact tie.
	Margin int `json:"margin,omitempty"`
	// Points weighs the evidence; a field left 0 takes its default.
	Points Points `json:"points,omitzero"`
	// FreeMail adds domains of free or public mail providers to the
	// built-in list (FreeMailDomains); their addresses never connect a
	// lead to a company by domain.
	FreeMail []string `json:"free_mail,omitempty"`
	// WebsiteAttrs names the custom fields (customer.attrs) that hold a
	// company's website; default ["website"].
	WebsiteAttrs []string `json:"website_attrs,omitempty"`
	// HoldTags are the tags that put a customer under legal hold, which
	// Merge never merges; default ["legal_hold"].
	HoldTags []string `json:"hold_tags,omitempty"`
	// OnPossible says what Route does with a lead that possibly matches:
	// "defer" (the default) or "route".
	OnPossible Handling `json:"on_possible,omitempty"`
	// ReviewDelay is how long Route defers a possible match for review;
	// default 4h.
	ReviewDelay strata.Duration `json:"review_delay,omitempty"`
	// MaxBlock bounds how many records sharing one blocking key
	// Duplicates compares with each other (a switchboard number shared by
	// a business park, a common name); default 100. Larger blocks are
	// compared within windows of this size, and counted in
	// Report.LargeBlocks.
	MaxBlock int `json:"max_block,omitempty"`
}

// Handling is what Route does with a possible match.
type Handling string

// The ways to handle a possible match.
const (
	// DeferPossible defers the lead (Deferred, RetryAt now + ReviewDelay)
	// without routing it, for a person to confirm the match.
	DeferPossible Handling = "defer"
	// RoutePossible routes the lead as new, with lead.attrs.match set to
	// "possible" and lead.attrs.match_candidates to the candidates' IDs, so
	// a routing rule such as `"match" in lead.attrs && lead.attrs.match ==
	// "possible"` can send it to a review pool.
	RoutePossible Handling = "route"
)

// Points weighs each kind of evidence, in score points.
type Points struct {
	Phone      int `json:"phone,omitempty"`       // same phone number (E.164); default 60
	Email      int `json:"email,omitempty"`       // same mailbox; default 70
	Domain     int `json:"domain,omitempty"`      // same company domain; default 60
	Name       int `json:"name,omitempty"`        // same company name key; default 50
	Similar    int `json:"similar,omitempty"`     // similar name, times the similarity; default 35
	Country    int `json:"country,omitempty"`     // same country; default 10
	City       int `json:"city,omitempty"`        // same city; default 5
	NotCountry int `json:"not_country,omitempty"` // taken off for another country; default 25
	NotDomain  int `json:"not_domain,omitempty"`  // taken off when both have company domains and share none; default 25
	NotName    int `json:"not_name,omitempty"`    // taken off for unlike names in one script; default 30
	NotCity    int `json:"not_city,omitempty"`    // taken off for another city in the same country; default 10
}

func (p Points) withDefaults() Points {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&p.Phone, 60)
	def(&p.Email, 70)
	def(&p.Domain, 60)
	def(&p.Name, 50)
	def(&p.Similar, 35)
	def(&p.Country, 10)
	def(&p.City, 5)
	def(&p.NotCountry, 25)
	def(&p.NotDomain, 25)
	def(&p.NotName, 30)
	def(&p.NotCity, 10)
	return p
}

// StarterConfig returns thresholds that keep precision high: a match needs
// a phone number, a mailbox or a company domain together with a country
// that does not disagree, or the same name in the same city; a shared
// number under an unlike name is only possible.
func StarterConfig() Config {
	return Config{Match: 60, Review: 35, Margin: 5, OnPossible: DeferPossible}
}

// ParseConfig reads a matching configuration from JSON or YAML (JSON when
// data starts with '{'), strictly: unknown keys, values of the wrong type
// and missing required fields are errors, each a *strata.ConfigError naming
// its path and its line and column, all returned at once. It does not
// check the values; New does. The JSON Schema of the format is
// config.schema.json beside this package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// check returns every problem with the configuration.
func (c *Config) check() []error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if c.Match < 1 || c.Match > 100 {
		bad("match", "%d is outside 1–100", c.Match)
	}
	if c.Review < 1 || c.Review > c.Match {
		bad("review", "%d is outside 1–match (%d)", c.Review, c.Match)
	}
	if c.Margin < 0 || c.Margin > 100 {
		bad("margin", "%d is outside 0–100", c.Margin)
	}
	pts := []struct {
		name string
		v    int
	}{{"phone", c.Points.Phone}, {"email", c.Points.Email}, {"domain", c.Points.Domain}, {"name", c.Points.Name},
		{"similar", c.Points.Similar}, {"country", c.Points.Country}, {"city", c.Points.City},
		{"not_country", c.Points.NotCountry}, {"not_domain", c.Points.NotDomain}, {"not_name", c.Points.NotName},
		{"not_city", c.Points.NotCity}}
	for _, p := range pts {
		if p.v < 0 || p.v > 100 {
			bad("points."+p.name, "%d is outside 0–100", p.v)
		}
	}
	for i, d := range c.FreeMail {
		if reg, err := RegistrableDomain(d); err != nil || reg != strings.ToLower(strings.TrimSpace(d)) {
			bad(fmt.Sprintf("free_mail[%d]", i), "%q is not a registrable domain", d)
		}
	}
	for i, a := range c.WebsiteAttrs {
		if strings.TrimSpace(a) == "" {
			bad(fmt.Sprintf("website_attrs[%d]", i), "empty")
		}
	}
	for i, tg := range c.HoldTags {
		if strings.TrimSpace(tg) == "" {
			bad(fmt.Sprintf("hold_tags[%d]", i), "empty")
		}
	}
	switch c.OnPossible {
	case "", DeferPossible, RoutePossible:
	default:
		bad("on_possible", "unknown %q (want defer or route)", c.OnPossible)
	}
	if c.ReviewDelay < 0 {
		bad("review_delay", "negative")
	}
	if c.MaxBlock < 0 || c.MaxBlock > 10_000 {
		bad("max_block", "%d is outside 0–10000", c.MaxBlock)
	}
	return errs
}

func (c Config) withDefaults() Config {
	c.Points = c.Points.withDefaults()
	if len(c.WebsiteAttrs) == 0 {
		c.WebsiteAttrs = []string{"website"}
	}
	if len(c.HoldTags) == 0 {
		c.HoldTags = []string{"legal_hold"}
	}
	if c.OnPossible == "" {
		c.OnPossible = DeferPossible
	}
	if c.ReviewDelay == 0 {
		c.ReviewDelay = strata.Duration(4 * time.Hour)
	}
	if c.MaxBlock == 0 {
		c.MaxBlock = 100
	}
	return c
}
