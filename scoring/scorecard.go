package scoring

import (
	"time"

	"github.com/strata-go/strata"
)

// Target says which field of strata.Scores a scorecard fills.
type Target string

// The scores a scorecard can compute.
const (
	TargetValue     Target = "value"     // amount, frequency, recency, profit
	TargetPotential Target = "potential" // growth and engagement
)

// Config is a scoring model as plain data that round-trips through JSON and
// YAML (ParseConfig): weighted criteria, caps per criterion group, and
// grade thresholds. New checks it.
type Config struct {
	Name   string `json:"name"`
	Target Target `json:"target"`
	// Home is the company's home country, bound to the rules' home variable.
	Home string `json:"home"`
	// Currency is the currency money measures are read in (revenue bands in
	// CNY, say); other currencies convert through the host's converter.
	Currency string `json:"currency"`
	// HalfLife is how fast engagement fades: an event HalfLife old counts
	// half. It is required when a criterion measures engagement (a card
	// without one would count a visit five years ago as much as one
	// yesterday); a card that wants almost no decay says so with a long
	// half-life ("3650d").
	HalfLife strata.Duration `json:"half_life,omitempty"`
	Criteria []Criterion     `json:"criteria"`
	// Caps bounds the points a group of criteria can contribute together,
	// in the same units as weights.
	Caps map[string]float64 `json:"caps,omitempty"`
	// Grades are thresholds on the 0–100 score, best first; a score exactly
	// at a threshold gets that grade (scores and thresholds are compared in
	// whole nano-points, so a score that sums to a threshold reaches it).
	// The last band must have Min 0.
	Grades []GradeBand `json:"grades"`
}

// GradeBand gives Grade to scores at or above Min.
type GradeBand struct {
	Grade strata.Grade `json:"grade"`
	Min   float64      `json:"min"`
}

// Criterion is one thing a scorecard measures. Exactly one of When, Value
// and Measure is set.
type Criterion struct {
	Name  string `json:"name"`
	Group string `json:"group,omitempty"` // for Caps
	// Weight is the most points the criterion is worth; the score is the sum
	// of points earned over the sum of points possible, times 100.
	Weight float64 `json:"weight"`
	// When is a CEL condition: full weight when true, nothing when false.
	When string `json:"when,omitempty"`
	// Value is a CEL numeric expression, scaled into 0–1 of the weight by Scale.
	Value string `json:"value,omitempty"`
	// Measure is a built-in measure, scaled by Scale.
	Measure Measure `json:"measure,omitempty"`
	Scale   *Scale  `json:"scale,omitempty"`
}

// Measure names a built-in measure, computed in Go from the record and the
// engagement events.
type Measure string

// The built-in measures.
const (
	// MeasureRevenue is trailing-12-month revenue in the card's currency.
	MeasureRevenue Measure = "revenue"
	// MeasureOrders is the order count over 12 months (frequency).
	MeasureOrders Measure = "orders"
	// MeasureRecencyDays is whole days since the last order; missing
	// without orders.
	MeasureRecencyDays Measure = "recency_days"
	// MeasureProfitMargin is profit over revenue; missing without revenue.
	MeasureProfitMargin Measure = "profit_margin"
	// MeasureTenureDays is whole days since the first order.
	MeasureTenureDays Measure = "tenure_days"
	// MeasureEngagement is the sum of event weights, each halved for every
	// HalfLife of age at now. Events after now are ignored. A card that
	// uses it needs a HalfLife.
	MeasureEngagement Measure = "engagement"
	// MeasureResponseRate is replies over messages sent, from events of
	// kinds EventReply and EventMessageSent; missing when nothing was sent.
	MeasureResponseRate Measure = "response_rate"
	// MeasureRevenueGrowth reads the custom field "revenue_growth", a ratio
	// (0.25 is 25% up on the year before); missing when absent.
	MeasureRevenueGrowth Measure = "revenue_growth"
	// MeasureCompanySize reads the custom field "employees"; missing when absent.
	MeasureCompanySize Measure = "company_size"
)

var measures = []Measure{MeasureRevenue, MeasureOrders, MeasureRecencyDays, MeasureProfitMargin,
	MeasureTenureDays, MeasureEngagement, MeasureResponseRate, MeasureRevenueGrowth, MeasureCompanySize}

// ScaleKind is how a number becomes a fraction of a criterion's weight.
type ScaleKind string

// The scales.
const (
	// ScaleLinear maps From to 0 and To to 1, clamped; From > To scores
	// small numbers high (recency).
	ScaleLinear ScaleKind = "linear"
	// ScaleLog maps log(1+x) linearly between log(1+From) and log(1+To),
	// clamped: the first million counts more than the tenth. From and To
	// must not be negative.
	ScaleLog ScaleKind = "log"
	// ScaleStep gives the Fraction of the last step whose At is at or below
	// the number, 0 below the first step. Steps ascend by At.
	ScaleStep ScaleKind = "step"
)

// Scale turns a measured number into a fraction 0–1 of a criterion's weight.
type Scale struct {
	Kind  ScaleKind `json:"kind"`
	From  float64   `json:"from,omitempty"`
	To    float64   `json:"to,omitempty"`
	Steps []Step    `json:"steps,omitempty"`
}

// Step is one rung of a step scale.
type Step struct {
	At       float64 `json:"at"`
	Fraction float64 `json:"fraction"`
}

// Event is one engagement signal the host passes with a customer: a site
// visit, an email opened or replied to, an inquiry, a meeting.
type Event struct {
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	Weight float64   `json:"weight"`
}

// Event kinds Strata knows; hosts may use others, which count toward
// engagement by their weight.
const (
	EventVisit       = "visit"
	EventEmailOpen   = "email_open"
	EventReply       = "reply"
	EventMessageSent = "message_sent"
	EventInquiry     = "inquiry"
	EventMeeting     = "meeting"
	EventDownload    = "download"
)
