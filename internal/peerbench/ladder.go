// Package peerbench measures Strata's tiering against the engines a Go
// developer would otherwise pick for the same job, on the same tier ladder
// and the same customers: tiering.Engine.Classify, raw cel-go with flat
// typed variables, expr-lang with a struct environment, and hand-written Go
// over strata.Customer. It is a module of its own, so that Strata itself
// does not depend on expr-lang.
//
// The ladder is a Chinese exporter's (home country CN): twenty tiers, first
// match, over region groups (EU, North America, ASEAN, the Middle East,
// Latin America, East and South China), tags, days since the last and the
// first order, and revenue thresholds in CNY and in USD, customers' revenue
// being recorded in either, converted at 7.25 CNY to the dollar.
//
// Each engine is written the way its users write it: Strata's rules in its
// CEL dialect (in_group, days_since, money); cel-go's and expr-lang's over
// flat variables mapped from the record for every customer (revenue in
// CNY as a float, groups as literal lists, days as durations); the
// hand-written ladder as plain Go with the groups in maps. The tests check
// that all four give every customer the same tier before anything is timed.
//
// Run it from this directory with
//
//	go test -run '^$' -bench . -count 3
//
// BenchmarkPeerRatios prints the per-customer table and the ratios the
// goals are stated in (Classify at most 3× hand-written Go, at least 4×
// faster than expr-lang, at least 2M customers a second on one core);
// BenchmarkClassifySegments is the ladder with thirty segments (at most
// 1 µs a customer); BenchmarkClassifyAllScaling is ClassifyAll on two
// cores against one (at least 1.8×), beside the ideal: two goroutines
// calling Classify over halves of the book; BenchmarkCustomerHandOff is
// what moving customers, copied from a sequence, to another core costs
// before any rule runs. The ratios are of the fastest of
// interleaved rounds, so a machine busy with other work disturbs them less
// than it does ns/op; CI runs this module's tests, not its benchmarks.
package peerbench

import (
	"fmt"
	"strings"

	"github.com/strata-go/strata/tiering"
)

// Tier is one rung of the ladder, in each engine's language. The last
// tier has no rule: it is the default.
type Tier struct {
	Name   string
	Strata string // Strata's CEL over customer, now and home
	CEL    string // cel-go over flat variables (see celEngine)
	Expr   string // expr-lang over exprEnv
}

// CNYPerUSD is the exchange rate of the benchmark: exact in binary
// floating point, so the float engines compare exactly too.
const CNYPerUSD = 7.25

// Region groups as the float engines spell them: the member lists of
// Strata's built-in groups (CLDR 48 and the curated ones).
var (
	euList           = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
	northAmericaList = []string{"BM", "CA", "GL", "PM", "US", "MX"}
	aseanList        = []string{"BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"}
	middleEastList   = []string{"AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE"}
	latinAmericaList = []string{"AG", "AI", "AR", "AW", "BB", "BL", "BO", "BQ", "BR", "BS", "BV", "BZ", "CL", "CO", "CR", "CU", "CW", "DM", "DO", "EC", "FK", "GD", "GF", "GP", "GS", "GT", "GY", "HN", "HT", "JM", "KN", "KY", "LC", "MF", "MQ", "MS", "MX", "NI", "PA", "PE", "PR", "PY", "SR", "SV", "SX", "TC", "TT", "UY", "VC", "VE", "VG", "VI"}
	eastChinaList    = []string{"CN-SH", "CN-JS", "CN-ZJ", "CN-AH", "CN-FJ", "CN-JX", "CN-SD"}
	southChinaList   = []string{"CN-GD", "CN-GX", "CN-HI", "CN-HK", "CN-MO"}
)

// list writes a group as a literal list (the same in CEL and expr).
func list(codes []string) string { return `["` + strings.Join(codes, `", "`) + `"]` }

// Ladder returns the twenty tiers, best first.
func Ladder() []Tier {
	eu, na, asean, me, latam := list(euList), list(northAmericaList), list(aseanList), list(middleEastList), list(latinAmericaList)
	east, south := list(eastChinaList), list(southChinaList)
	return []Tier{
		{"blocked", `has_tag(customer, "blacklist")`, `"blacklist" in tags`, `"blacklist" in Tags`},
		{"strategic-eu",
			`in_group(customer, "EU") && customer.revenue >= money("2000000", "USD") && days_since(customer.last_order_at) <= 180`,
			`country in ` + eu + ` && revenue_cny >= 14500000.0 && now - last_order_at < duration("4344h")`,
			`Country in ` + eu + ` && RevenueCNY >= 14500000 && Now - LastOrderAt < duration("4344h")`},
		{"strategic-na",
			`in_group(customer, "NorthAmerica") && customer.revenue >= money("2000000", "USD") && days_since(customer.last_order_at) <= 180`,
			`country in ` + na + ` && revenue_cny >= 14500000.0 && now - last_order_at < duration("4344h")`,
			`Country in ` + na + ` && RevenueCNY >= 14500000 && Now - LastOrderAt < duration("4344h")`},
		{"strategic-cn",
			`customer.country == home && customer.revenue >= money("15000000", "CNY") && days_since(customer.last_order_at) <= 90`,
			`country == home && revenue_cny >= 15000000.0 && now - last_order_at < duration("2184h")`,
			`Country == Home && RevenueCNY >= 15000000 && Now - LastOrderAt < duration("2184h")`},
		{"key-east-china", `in_group(customer, "华东") && customer.revenue >= money("5000000", "CNY")`,
			`subdivision in ` + east + ` && revenue_cny >= 5000000.0`, `Subdivision in ` + east + ` && RevenueCNY >= 5000000`},
		{"key-south-china", `in_group(customer, "华南") && customer.revenue >= money("5000000", "CNY")`,
			`subdivision in ` + south + ` && revenue_cny >= 5000000.0`, `Subdivision in ` + south + ` && RevenueCNY >= 5000000`},
		{"key-distributor",
			`customer.country != home && has_tag(customer, "distributor") && customer.revenue >= money("500000", "USD")`,
			`country != home && "distributor" in tags && revenue_cny >= 3625000.0`,
			`Country != Home && "distributor" in Tags && RevenueCNY >= 3625000`},
		{"key-asean", `in_group(customer, "ASEAN") && customer.revenue >= money("3000000", "CNY")`,
			`country in ` + asean + ` && revenue_cny >= 3000000.0`, `Country in ` + asean + ` && RevenueCNY >= 3000000`},
		{"key-middle-east", `in_group(customer, "MiddleEast") && customer.revenue >= money("3000000", "CNY")`,
			`country in ` + me + ` && revenue_cny >= 3000000.0`, `Country in ` + me + ` && RevenueCNY >= 3000000`},
		{"growth-eu",
			`in_group(customer, "EU") && customer.revenue >= money("200000", "USD") && days_since(customer.last_order_at) <= 365`,
			`country in ` + eu + ` && revenue_cny >= 1450000.0 && now - last_order_at < duration("8784h")`,
			`Country in ` + eu + ` && RevenueCNY >= 1450000 && Now - LastOrderAt < duration("8784h")`},
		{"growth-latam", `in_group(customer, "LatinAmerica") && customer.revenue >= money("200000", "USD")`,
			`country in ` + latam + ` && revenue_cny >= 1450000.0`, `Country in ` + latam + ` && RevenueCNY >= 1450000`},
		{"growth-cn", `customer.country == home && customer.revenue >= money("1000000", "CNY") && customer.orders >= 6`,
			`country == home && revenue_cny >= 1000000.0 && orders >= 6`, `Country == Home && RevenueCNY >= 1000000 && Orders >= 6`},
		{"oem", `has_tag(customer, "oem") && customer.orders >= 3`, `"oem" in tags && orders >= 3`, `"oem" in Tags && Orders >= 3`},
		{"at-risk-overseas",
			`customer.country != home && days_since(customer.last_order_at) > 365 && customer.revenue >= money("100000", "USD")`,
			`country != home && now - last_order_at >= duration("8784h") && revenue_cny >= 725000.0`,
			`Country != Home && Now - LastOrderAt >= duration("8784h") && RevenueCNY >= 725000`},
		{"at-risk-cn",
			`customer.country == home && days_since(customer.last_order_at) > 180 && customer.revenue >= money("500000", "CNY")`,
			`country == home && now - last_order_at >= duration("4344h") && revenue_cny >= 500000.0`,
			`Country == Home && Now - LastOrderAt >= duration("4344h") && RevenueCNY >= 500000`},
		{"regular-overseas", `customer.country != home && customer.orders >= 2`, `country != home && orders >= 2`, `Country != Home && Orders >= 2`},
		{"regular-cn", `customer.country == home && customer.orders >= 2`, `country == home && orders >= 2`, `Country == Home && Orders >= 2`},
		{"new", `days_since(customer.first_order_at) <= 90`, `now - first_order_at < duration("2184h")`, `Now - FirstOrderAt < duration("2184h")`},
		{"dormant", `days_since(customer.last_order_at) > 730`, `now - last_order_at >= duration("17544h")`, `Now - LastOrderAt >= duration("17544h")`},
		{Name: "prospect"},
	}
}

// Home is the exporter's home country.
const Home = "CN"

// TieringConfig returns the ladder as a tiering configuration.
func TieringConfig() tiering.Config {
	cfg := tiering.Config{Home: Home}
	lad := tiering.Ladder{Name: "value"}
	for _, t := range Ladder() {
		lad.Tiers = append(lad.Tiers, tiering.Tier{Name: t.Name, When: t.Strata, FollowUp: tiering.CadenceMonthly})
	}
	cfg.Ladders = []tiering.Ladder{lad}
	return cfg
}

// tierIndex maps tier names to their rank.
func tierIndex() map[string]int {
	idx := map[string]int{}
	for i, t := range Ladder() {
		idx[t.Name] = i
	}
	return idx
}

// check reports a ladder whose float rules and tiers disagree in number.
func check(tiers []Tier) error {
	for i, t := range tiers {
		last := i == len(tiers)-1
		if (t.Strata == "") != last || (t.CEL == "") != last || (t.Expr == "") != last {
			return fmt.Errorf("peerbench: tier %d (%s): only the last tier has no rule", i, t.Name)
		}
	}
	return nil
}

// Segments returns thirty segments of the exporter's book, every one of
// which a customer may be in: regions, channels the customer came
// through, account currency and size, order frequency and recency.
func Segments() []tiering.Segment {
	rules := [][2]string{
		{"east-china", `in_group(customer, "华东")`},
		{"south-china", `in_group(customer, "华南")`},
		{"north-china", `in_group(customer, "华北")`},
		{"inland-china", `in_group(customer, "华中") || in_group(customer, "西南") || in_group(customer, "西北")`},
		{"eu", `in_group(customer, "EU")`},
		{"dach", `in_group(customer, "DACH")`},
		{"nordics", `in_group(customer, "Nordics")`},
		{"uk-ch-no", `customer.country in ["GB", "CH", "NO"]`},
		{"north-america", `in_group(customer, "NorthAmerica")`},
		{"latin-america", `in_group(customer, "LatinAmerica")`},
		{"asean", `in_group(customer, "ASEAN")`},
		{"gulf", `customer.country in ["AE", "SA", "QA", "KW", "BH", "OM"]`},
		{"oceania", `in_group(customer, "Oceania")`},
		{"africa", `in_group(customer, "Africa")`},
		{"japan-korea", `customer.country in ["JP", "KR"]`},
		{"distributors", `has_tag(customer, "distributor")`},
		{"oem", `has_tag(customer, "oem")`},
		{"canton-fair", `has_tag(customer, "canton-fair")`},
		{"alibaba", `has_tag(customer, "alibaba")`},
		{"referrals", `has_tag(customer, "referral")`},
		{"usd-accounts", `customer.revenue.currency == "USD"`},
		{"big-overseas", `customer.country != home && customer.revenue >= money("1000000", "USD")`},
		{"big-domestic", `customer.country == home && customer.revenue >= money("10000000", "CNY")`},
		{"small", `customer.revenue < money("50000", "CNY")`},
		{"frequent", `customer.orders >= 12`},
		{"one-off", `customer.orders <= 1`},
		{"active", `days_since(customer.last_order_at) <= 90`},
		{"lapsing", `days_since(customer.last_order_at) > 180 && days_since(customer.last_order_at) <= 365`},
		{"lost", `days_since(customer.last_order_at) > 365`},
		{"new-this-year", `days_since(customer.first_order_at) <= 365`},
	}
	out := make([]tiering.Segment, len(rules))
	for i, r := range rules {
		out[i] = tiering.Segment{Name: r[0], When: r[1]}
	}
	return out
}
