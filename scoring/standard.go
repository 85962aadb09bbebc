package scoring

import (
	"time"

	"github.com/strata-go/strata"
)

// StarterValueConfig returns the standard value scorecard, reading money in
// currency (its bands assume a manufacturer's book in CNY; pass "USD" and
// they are read in dollars, so scale them if your book is much smaller):
//
//	criterion      weight  measure            scale
//	revenue          35    revenue            log, 100,000 → 20,000,000
//	profit_margin    15    profit / revenue   linear, 0 → 30%
//	frequency        20    orders             log, 1 → 50
//	recency          20    days since order   steps: ≤30 d full, ≤90 ¾, ≤180 ½, ≤365 ¼, older 0
//	tenure           10    days since first   linear, 0 → 3 years
//
// revenue and profit_margin form the "monetary" group, capped at 45 of
// their 50 points, so a big low-margin account cannot outscore everything
// else. Grades: A ≥ 75, B ≥ 50, C ≥ 25, D below.
func StarterValueConfig(home, currency string) Config {
	return Config{
		Name: "value", Target: TargetValue, Home: home, Currency: currency,
		Criteria: []Criterion{
			{Name: "revenue", Group: "monetary", Weight: 35, Measure: MeasureRevenue, Scale: &Scale{Kind: ScaleLog, From: 100_000, To: 20_000_000}},
			{Name: "profit_margin", Group: "monetary", Weight: 15, Measure: MeasureProfitMargin, Scale: &Scale{Kind: ScaleLinear, From: 0, To: 0.30}},
			{Name: "frequency", Weight: 20, Measure: MeasureOrders, Scale: &Scale{Kind: ScaleLog, From: 1, To: 50}},
			{Name: "recency", Weight: 20, Measure: MeasureRecencyDays, Scale: &Scale{Kind: ScaleStep, Steps: []Step{
				{At: 0, Fraction: 1}, {At: 31, Fraction: 0.75}, {At: 91, Fraction: 0.5}, {At: 181, Fraction: 0.25}, {At: 366, Fraction: 0}}}},
			{Name: "tenure", Weight: 10, Measure: MeasureTenureDays, Scale: &Scale{Kind: ScaleLinear, From: 0, To: 3 * 365}},
		},
		Caps:   map[string]float64{"monetary": 45},
		Grades: []GradeBand{{strata.GradeA, 75}, {strata.GradeB, 50}, {strata.GradeC, 25}, {strata.GradeD, 0}},
	}
}

// StarterPotentialConfig returns the standard potential scorecard, for leads and
// customers alike:
//
//	criterion        weight  from                                    scale
//	growth             25    custom field revenue_growth (ratio)     linear, 0 → +50%
//	engagement         30    events, half-life 30 days               log, 0 → 20
//	company_size       15    custom field employees                  log, 0 → 5,000
//	inquiry_quality    15    CEL: attr(customer, "inquiry_score", 0.0), 0–1   linear
//	responsiveness     15    replies / messages sent                 linear, 0 → 100%
//
// Grades: A ≥ 70, B ≥ 45, C ≥ 20, D below; the seeds route A leads to the
// most senior reps.
func StarterPotentialConfig(home, currency string) Config {
	return Config{
		Name: "potential", Target: TargetPotential, Home: home, Currency: currency,
		HalfLife: strata.Duration(30 * 24 * time.Hour),
		Criteria: []Criterion{
			{Name: "growth", Weight: 25, Measure: MeasureRevenueGrowth, Scale: &Scale{Kind: ScaleLinear, From: 0, To: 0.5}},
			{Name: "engagement", Weight: 30, Measure: MeasureEngagement, Scale: &Scale{Kind: ScaleLog, From: 0, To: 20}},
			{Name: "company_size", Weight: 15, Measure: MeasureCompanySize, Scale: &Scale{Kind: ScaleLog, From: 0, To: 5000}},
			{Name: "inquiry_quality", Weight: 15, Value: `attr(customer, "inquiry_score", 0.0)`, Scale: &Scale{Kind: ScaleLinear, From: 0, To: 1}},
			{Name: "responsiveness", Weight: 15, Measure: MeasureResponseRate, Scale: &Scale{Kind: ScaleLinear, From: 0, To: 1}},
		},
		Grades: []GradeBand{{strata.GradeA, 70}, {strata.GradeB, 45}, {strata.GradeC, 20}, {strata.GradeD, 0}},
	}
}
