package timezone_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/timezone"
)

// A rep in Shanghai looks at a customer in Munich: what time is it there,
// and when can they talk?
func ExampleGoodTimeToContact() {
	now := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC) // 17:30 in Shanghai
	local, _ := timezone.LocalTime(now, "", "DE", "DE-BY")
	fmt.Println("customer's local time:", local.Format("Mon 15:04 MST"))

	rep, _ := timezone.NewCalendar(timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN"})
	zone, _ := timezone.Resolve("", "DE", "DE-BY")
	customer, _ := timezone.NewCalendar(timezone.CalendarConfig{Zone: zone, Country: "DE"})
	window, err := timezone.GoodTimeToContact(customer, rep, now, 30*time.Minute)
	if err != nil {
		panic(err)
	}
	fmt.Println("next good call:", window.Start.Format("Mon 15:04 MST"), "→", window.End.In(rep.Location()).Format("15:04 MST"))
	// Output:
	// customer's local time: Tue 10:30 CET
	// next good call: Tue 10:30 CET → 18:00 CST
}

// An urgent ticket arrives on the Friday before the 2026 Spring Festival.
func ExampleCalendar_AddBusiness() {
	sh, _ := timezone.NewCalendar(timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN"})
	received := time.Date(2026, 2, 13, 17, 0, 0, 0, sh.Location())
	due, _ := sh.AddBusiness(received, 24*time.Hour)
	fmt.Println("24 business hours:", due.Format("Mon 2 Jan 15:04"))
	next, _ := sh.AddBusinessDays(received, 1)
	fmt.Println("1 business day:   ", next.Format("Mon 2 Jan 15:04"), "(a 调休 Saturday)")
	// Output:
	// 24 business hours: Wed 25 Feb 14:00
	// 1 business day:    Sat 14 Feb 17:00 (a 调休 Saturday)
}

// Three teams hand work around the world on a Tuesday (UTC).
func ExampleFollowTheSun() {
	mk := func(zone, country string) *timezone.Calendar {
		c, _ := timezone.NewCalendar(timezone.CalendarConfig{Zone: zone, Country: country})
		return c
	}
	teams := []timezone.Team{
		{Name: "shanghai", Calendar: mk("Asia/Shanghai", "CN")},
		{Name: "berlin", Calendar: mk("Europe/Berlin", "DE")},
		{Name: "sao-paulo", Calendar: mk("America/Sao_Paulo", "BR")},
	}
	cov, err := timezone.FollowTheSun(teams, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	for _, s := range cov.Segments {
		who := strings.Join(s.Teams, " + ")
		if who == "" {
			who = "(nobody)"
		}
		fmt.Printf("%s–%s UTC  %s\n", s.Start.Format("15:04"), s.End.Format("15:04"), who)
	}
	for _, h := range cov.Handovers {
		fmt.Printf("hand-over at %s: %v → %v\n", h.At.Format("15:04"), h.From, h.To)
	}
	fmt.Printf("covered: %.0f%%\n", cov.Covered()*100)
	// Output:
	// 00:00–01:00 UTC  (nobody)
	// 01:00–08:00 UTC  shanghai
	// 08:00–10:00 UTC  berlin + shanghai
	// 10:00–12:00 UTC  berlin
	// 12:00–17:00 UTC  berlin + sao-paulo
	// 17:00–21:00 UTC  sao-paulo
	// 21:00–00:00 UTC  (nobody)
	// hand-over at 10:00: [shanghai] → [berlin]
	// hand-over at 17:00: [berlin] → [sao-paulo]
	// covered: 83%
}

// A calendar read from a YAML file: Munich office hours with Bavaria's
// public holidays.
func ExampleParseCalendarConfig() {
	cfg, err := timezone.ParseCalendarConfig([]byte(`
zone: Europe/Berlin
country: DE
subdivision: DE-BY
hours: [{from: "08:00", to: "12:00"}, {from: "13:00", to: "17:00"}]
`))
	if err != nil {
		panic(err)
	}
	munich, err := timezone.NewCalendar(cfg)
	if err != nil {
		panic(err)
	}
	epiphany := time.Date(2026, 1, 6, 10, 0, 0, 0, munich.Location())
	fmt.Println("open on Epiphany:", munich.IsOpen(epiphany))
	// Output:
	// open on Epiphany: false
}

// A misspelt key and a bad zone are refused, each with its path.
func ExampleNewCalendar() {
	_, err := timezone.ParseCalendarConfig([]byte(`{"zone": "Asia/Shanghai", "houres": []}`))
	fmt.Println(err)
	_, err = timezone.NewCalendar(timezone.CalendarConfig{Zone: "Asia/Beijing", Country: "CN"})
	fmt.Println(err)
	// Output:
	// 1:27: houres: unknown field (did you mean "hours"?)
	// zone: unknown IANA zone "Asia/Beijing"
}

// Britain's substitute day when Boxing Day falls on a Saturday.
func ExampleBuiltinHolidayYear() {
	y, err := timezone.BuiltinHolidayYear("GB-ENG", 2026)
	if err != nil {
		panic(err)
	}
	for _, h := range y.Holidays {
		if h.Date.Month == time.December {
			fmt.Println(h.Date, h.Name)
		}
	}
	_, err = timezone.BuiltinHolidayYear("CN", 2027)
	fmt.Println(errors.Is(err, timezone.ErrNoHolidayData))
	// Output:
	// 2026-12-25 Christmas Day
	// 2026-12-26 Boxing Day
	// 2026-12-28 Boxing Day (substitute day)
	// true
}

// A ticket on Christmas Day to a support desk staffed in Tokyo and Berlin:
// eight hours of support time, counted while either desk is open.
func ExampleAddFollowTheSun() {
	mk := func(zone, country string) *timezone.Calendar {
		c, err := timezone.NewCalendar(timezone.CalendarConfig{Zone: zone, Country: country})
		if err != nil {
			panic(err)
		}
		return c
	}
	teams := []timezone.Team{{Name: "tokyo", Calendar: mk("Asia/Tokyo", "JP")}, {Name: "berlin", Calendar: mk("Europe/Berlin", "DE")}}
	received := time.Date(2026, 12, 25, 9, 0, 0, 0, time.UTC)
	due, err := timezone.AddFollowTheSun(teams, received, 8*time.Hour)
	if err != nil {
		panic(err)
	}
	fmt.Println("due:", due.Format("Mon 2 Jan 15:04 MST"))
	// Output:
	// due: Mon 28 Dec 08:00 UTC
}

// The host keeps China's calendar current when the State Council publishes
// the next year.
func ExampleParseHolidayYear() {
	y, err := timezone.ParseHolidayYear([]byte(`
region: CN
year: 2027
source: the State Council's notice for 2027
holidays: [{date: 2027-01-01, name: 元旦}]
`))
	if err != nil {
		panic(err)
	}
	cfg := timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN"}
	cfg.AddYear(y)
	sh, err := timezone.NewCalendar(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(sh.Covers(strata.Date{Year: 2027, Month: 1, Day: 4}))
	// Output:
	// true
}

func ExampleSources() {
	for _, s := range timezone.Sources()[:3] {
		fmt.Println(s.Table, "—", s.Source, s.Version)
	}
	// Output:
	// time zones by country, and zone links — IANA tz database (zone.tab, tzdata.zi) 2025b
	// time zones by subdivision (US, CA, MX, BR, RU, AU, ID, KZ) — Strata, each zone checked against IANA zone.tab 2025b
	// weekend days by country — Unicode CLDR supplemental weekData (npm cldr-core) 48.2.0
}

// Which zone to call a customer in, by country and subdivision.
func ExampleForCountry() {
	z, _ := timezone.ForCountry("US", "US-CA")
	fmt.Println(z.Primary, z.FromSubdivision, len(z.Candidates) > 20)
	z, _ = timezone.ForCountry("CN", "")
	fmt.Println(z.Primary)
	// Output:
	// America/Los_Angeles true true
	// Asia/Shanghai
}

func ExampleWeekend() {
	fmt.Println(timezone.Weekend("SA"), timezone.Weekend("IN"), timezone.Weekend("NP"))
	// Output:
	// [Friday Saturday] [Sunday] [Saturday]
}

// Open says why a calendar cannot answer; IsOpen answers false.
func ExampleCalendar_Open() {
	sh, _ := timezone.NewCalendar(timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN"})
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, sh.Location())
	open, err := sh.Open(at)
	fmt.Println(open, err)
	fmt.Println(sh.IsOpen(at))
	// Output:
	// false timezone: no public holiday data for CN in 2027 (known: 2025–2026; give the year in holiday_years)
	// false
}

func ExampleBuiltinHolidayRegions() {
	regions := timezone.BuiltinHolidayRegions()
	fmt.Println(len(regions) > 200, slices.Contains(regions, "DE-BY"), slices.Contains(regions, "GB-SCT"))
	// Output:
	// true true true
}
