package timezone_test

import (
	"fmt"
	"strings"
	"time"

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
