package tiering

import (
	"time"

	"github.com/strata-go/strata"
)

// StarterConfig returns a configuration that reproduces the case tables of
// the tiering article Strata's first users wrote down, for a company whose
// home country is home:
//
//   - ladder "value": vip (domestic 5M+ CNY a year or overseas 2M+ USD;
//     sales director, weekly), key (1M+ CNY or 500k+ USD; account manager,
//     monthly), regular (300k+ CNY or 100k+ USD; sales rep, quarterly),
//     potential (no orders yet; marketing, monthly) and basic (the rest).
//     vip and key hold customers with a 20% band and vip for at least 90
//     days, so nobody flaps at a threshold.
//   - segments: 国内高价值客户 (domestic-high-value), 海外潜力客户
//     (overseas-potential), the seed's regional groups (华东, 华南, 欧美,
//     ASEAN, Middle East, Latin America), US VIP, industries, new customers,
//     customers due a follow-up, and resellers and partners.
//
// Overseas revenue in currencies other than CNY and USD needs a converter
// (WithConverter).
func StarterConfig(home string) Config {
	domestic, overseas := "customer.country == home", "customer.country != home"
	band := func(cny, usd string) string {
		return domestic + ` && customer.revenue >= money("` + cny + `", "CNY") ||
` + overseas + ` && customer.revenue >= money("` + usd + `", "USD")`
	}
	return Config{
		Home: home,
		Ladders: []Ladder{{
			Name: "value",
			Tiers: []Tier{
				{Name: "vip", Label: "tier.vip", When: band("5000000", "2000000"), Stay: band("4000000", "1600000"),
					MinDwell: strata.Duration(90 * 24 * time.Hour), OwnerRole: "sales-director", FollowUp: CadenceWeekly},
				{Name: "key", Label: "tier.key", When: band("1000000", "500000"), Stay: band("800000", "400000"),
					OwnerRole: "account-manager", FollowUp: CadenceMonthly},
				{Name: "regular", Label: "tier.regular", When: band("300000", "100000"),
					OwnerRole: "sales-rep", FollowUp: CadenceQuarterly},
				{Name: "potential", Label: "tier.potential", When: "customer.orders == 0",
					OwnerRole: "marketing-specialist", FollowUp: CadenceMonthly},
				{Name: "basic", Label: "tier.basic", OwnerRole: "sales-rep", FollowUp: CadenceQuarterly},
			},
		}},
		Segments: []Segment{
			{Name: "domestic-high-value", Label: "segment.domestic_high_value",
				When: domestic + ` && customer.revenue >= money("1000000", "CNY")`},
			{Name: "overseas-potential", Label: "segment.overseas_potential",
				When: overseas + ` && (customer.orders == 0 || days_since(customer.first_order_at) <= 180)`},
			{Name: "east-china", Label: "segment.east_china", When: `in_group(customer, "华东")`},
			{Name: "south-china", Label: "segment.south_china", When: `in_group(customer, "华南")`},
			{Name: "europe-america", Label: "segment.europe_america", When: `in_group(customer, "欧美")`},
			{Name: "asean", Label: "segment.asean", When: `in_group(customer, "ASEAN")`},
			{Name: "middle-east", Label: "segment.middle_east", When: `in_group(customer, "MiddleEast")`},
			{Name: "latin-america", Label: "segment.latin_america", When: `in_group(customer, "LatinAmerica")`},
			{Name: "us-vip", Label: "segment.us_vip", When: `customer.country == "US" && customer.revenue >= money("2000000", "USD")`},
			{Name: "manufacturing", Label: "segment.manufacturing", When: `customer.industry == "manufacturing"`},
			{Name: "retail", Label: "segment.retail", When: `customer.industry == "retail"`},
			{Name: "new-customer", Label: "segment.new_customer",
				When: `customer.orders > 0 && days_since(customer.first_order_at) <= 180`},
			{Name: "needs-follow-up", Label: "segment.needs_follow_up",
				When: `customer.orders > 0 && days_since(customer.last_order_at) > 90`},
			{Name: "channel-partner", Label: "segment.channel_partner", When: `customer.kind in ["reseller", "partner"]`,
				Meta: map[string]string{"owner_role": "channel-manager"}},
		},
	}
}
