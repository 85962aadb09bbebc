package sample

import (
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/timezone"
)

// Team is the sample company's sales team and routing rules: Shanghai
// headquarters, a Berlin office for Europe and a São Paulo office for the
// Americas; VIPs to directors, regions to their offices.
func Team() routing.Config {
	shift := func(zone, country string) *timezone.CalendarConfig {
		return &timezone.CalendarConfig{Zone: zone, Country: country, Observe: observe(country)}
	}
	sh, be, sp := shift("Asia/Shanghai", "CN"), shift("Europe/Berlin", "DE"), shift("America/Sao_Paulo", "BR")
	agent := func(id, country string, cal *timezone.CalendarConfig, seniority, capacity int, langs, regions []string, roles ...string) routing.Agent {
		return routing.Agent{ID: id, Country: country, Shift: cal, Seniority: seniority, Capacity: capacity,
			Languages: langs, Regions: regions, Roles: roles}
	}
	zh := []string{"zh-Hans", "en"}
	return routing.Config{
		Home: "CN",
		Agents: []routing.Agent{
			agent("sh-zhou", "CN", sh, 5, 120, zh, nil, "sales-director"),
			agent("sh-lin", "CN", sh, 3, 200, zh, []string{"CN"}, "account-manager"),
			agent("sh-he", "CN", sh, 3, 200, zh, []string{"CN"}, "account-manager"),
			agent("sh-xu", "CN", sh, 2, 200, zh, []string{"CN"}, "sales-rep"),
			agent("sh-ma", "CN", sh, 3, 150, []string{"zh-Hans", "en", "vi", "th", "ar"}, []string{"APAC", "MiddleEast"}, "international-specialist"),
			agent("be-kraus", "DE", be, 4, 90, []string{"de", "en", "fr"}, []string{"Europe"}, "international-sales-manager"),
			agent("be-weber", "DE", be, 2, 120, []string{"de", "en", "it"}, []string{"Europe"}, "sales-rep"),
			agent("sp-costa", "BR", sp, 4, 80, []string{"pt-BR", "es", "en"}, []string{"Americas"}, "international-sales-manager"),
			agent("sp-silva", "BR", sp, 2, 100, []string{"pt-BR", "es", "en"}, []string{"Americas"}, "sales-rep"),
		},
		Pools: []routing.Pool{
			{Name: "directors", Select: `agent.seniority >= 4`, Strategy: routing.LeastLoaded, Sticky: true, MatchRegion: true},
			{Name: "china", Select: `agent.country == "CN" && agent.seniority <= 3 && "CN" in agent.regions`,
				Strategy: routing.LeastLoaded, Sticky: true, MatchLanguage: true, MatchRegion: true},
			{Name: "europe", Select: `agent.country == "DE"`, Strategy: routing.LeastLoaded, Sticky: true, MatchRegion: true,
				RequireOnShift: true, ShiftWindow: strata.Duration(16 * time.Hour),
				Overflow: []routing.OverflowStep{{Pool: "directors"}}},
			{Name: "americas", Select: `agent.country == "BR"`, Strategy: routing.LeastLoaded, Sticky: true,
				RequireOnShift: true, ShiftWindow: strata.Duration(16 * time.Hour)},
			{Name: "apac", Members: []string{"sh-ma"}, Strategy: routing.LeastLoaded, Overflow: []routing.OverflowStep{{Pool: "china"}}},
		},
		Rules: []routing.Rule{
			// The seeds: VIPs go to the most senior people; A-grade leads to seniority ≥ 3.
			{Name: "vip-to-directors", When: `customer.tier == "vip"`, Pool: "directors"},
			{Name: "europe", When: `in_group(customer, "Europe")`, Pool: "europe"},
			{Name: "americas", When: `in_group(customer, "Americas")`, Pool: "americas"},
			{Name: "overseas-apac-me", When: `customer.country != home`, Pool: "apac"},
		},
		DefaultPool:  "china",
		DefaultOwner: "sh-zhou",
		// A VIP account is three units of work, a key account two.
		Units: map[string]int{"vip": 3, "key": 2},
	}
}

func observe(country string) []string {
	if _, err := timezone.BuiltinHolidayYear(country, 2026); err == nil {
		return []string{country}
	}
	return nil
}
