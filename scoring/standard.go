package scoring

import (
	_ "embed"
	"sync"
)

// The starter scorecards, shipped as the files a host copies and edits.
var (
	//go:embed value.yaml
	valueYAML []byte
	//go:embed potential.yaml
	potentialYAML []byte

	valueCard     = sync.OnceValues(func() (Config, error) { return ParseConfig(valueYAML) })
	potentialCard = sync.OnceValues(func() (Config, error) { return ParseConfig(potentialYAML) })
)

// starterCard returns a copy of a shipped card with home and currency set.
func starterCard(load func() (Config, error), home, currency string) Config {
	c, err := load()
	if err != nil { // the shipped files are checked by the package's tests
		return Config{Home: home, Currency: currency}
	}
	c = cloneCard(c)
	c.Home, c.Currency = home, currency
	return c
}

// StarterValueConfig returns Strata's starter value scorecard, the file
// value.yaml beside this package, reading money in currency (its bands
// assume a manufacturer's book in CNY; pass "USD" and they are read in
// dollars, so scale them if your book is much smaller):
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
// else. Grades: A ≥ 75, B ≥ 50, C ≥ 25, D below. Amount, frequency and
// recency are the value tiers of the guides 《国外客户怎么归类管理的》 and
// 《海外客户和国内客户信息如何高效分层管理？》. Each call returns a new copy.
func StarterValueConfig(home, currency string) Config {
	return starterCard(valueCard, home, currency)
}

// StarterPotentialConfig returns Strata's starter potential scorecard, the
// file potential.yaml beside this package, for leads and customers alike:
//
//	criterion        weight  from                                    scale
//	growth             25    custom field revenue_growth (ratio)     linear, 0 → +50%
//	engagement         30    events, half-life 30 days               log, 0 → 20
//	company_size       15    custom field employees                  log, 0 → 5,000
//	inquiry_quality    15    CEL: attr(customer, "inquiry_score", 0.0), 0–1   linear
//	responsiveness     15    replies / messages sent                 linear, 0 → 100%
//
// Grades: A ≥ 70, B ≥ 45, C ≥ 20, D below; the guide
// 《外贸企业如何通过CRM系统实现客户分配管理？》 routes A leads to the most
// senior reps. Each call returns a new copy.
func StarterPotentialConfig(home, currency string) Config {
	return starterCard(potentialCard, home, currency)
}
