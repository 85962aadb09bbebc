package timezone

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// builder compiles a CalendarConfig, collecting every problem.
type builder struct {
	cfg  CalendarConfig
	c    *Calendar
	errs []error
}

func (b *builder) bad(path, format string, args ...any) {
	b.errs = append(b.errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// NewCalendar validates and compiles a configuration, reporting every
// problem at once, each a *strata.ConfigError naming its path ("zone",
// "week.mon[1]", "holiday_years[0].holidays[3].date"), in a fixed order.
func NewCalendar(cfg CalendarConfig) (*Calendar, error) {
	b := &builder{cfg: cfg, c: &Calendar{cfg: cloneConfig(cfg), special: map[int][]iv{}}}
	b.zone()
	b.place()
	b.hours()
	b.publicHolidays()
	b.ownDays()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return b.c, nil
}

func (b *builder) zone() {
	switch loc, err := Location(b.cfg.Zone); {
	case b.cfg.Zone == "":
		b.bad("zone", "required (an IANA zone such as \"Asia/Shanghai\")")
	case err != nil:
		b.bad("zone", "unknown IANA zone %.64q", b.cfg.Zone)
	default:
		b.c.loc = loc
	}
}

func (b *builder) place() {
	country, sub := b.cfg.Country, b.cfg.Subdivision
	if country != "" && !strata.IsCountry(country) {
		b.bad("country", "unknown ISO 3166-1 alpha-2 code %.16q", country)
	}
	switch {
	case sub == "":
	case country == "":
		b.bad("subdivision", "set without a country")
	case !strata.IsSubdivision(sub):
		b.bad("subdivision", "unknown ISO 3166-2 code %.16q", sub)
	case !strings.HasPrefix(sub, country+"-"):
		b.bad("subdivision", "%s is not in %s", sub, country)
	}
}

// intervals checks and converts one list of intervals.
func (b *builder) intervals(path string, ivs []Interval) []iv {
	out := make([]iv, 0, len(ivs))
	for i, x := range ivs {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case x.From < 0 || x.From > 1440 || x.To < 0 || x.To > 1440:
			b.bad(p, "clock outside 00:00–24:00")
			continue
		case x.From == x.To:
			b.bad(p, "empty interval %s–%s", x.From, x.To)
			continue
		}
		a, e := x.minutes()
		out = append(out, iv{a, e})
	}
	slices.SortFunc(out, func(x, y iv) int { return x.a - y.a })
	for i := 1; i < len(out); i++ {
		if out[i].a < out[i-1].b {
			b.bad(path, "intervals overlap")
			break
		}
	}
	return out
}

// hours sets the weekly hours from Week, or from Hours on the weekdays
// outside the country's weekend.
func (b *builder) hours() {
	c := b.c
	if b.cfg.Week != nil {
		if len(b.cfg.Hours) > 0 {
			b.bad("hours", "give hours or week, not both")
		}
		if len(b.cfg.Week) == 0 {
			b.bad("week", "no days: list the working days, or leave week out for hours on every working day")
			return
		}
		for _, name := range weekKeys(b.cfg.Week) {
			d, ok := parseWeekday(name)
			if !ok {
				b.bad("week."+name, "unknown weekday (want mon, tue, wed, thu, fri, sat or sun)")
				continue
			}
			c.week[d] = b.intervals("week."+name, b.cfg.Week[name])
		}
	} else {
		hours := b.cfg.Hours
		if len(hours) == 0 {
			hours = []Interval{{9 * 60, 18 * 60}}
		}
		day := b.intervals("hours", hours)
		weekend := Weekend(b.cfg.Country)
		for d := time.Sunday; d <= time.Saturday; d++ {
			if !slices.Contains(weekend, d) {
				c.week[d] = day
			}
		}
	}
	open := false
	for d := range c.week {
		open = open || len(c.week[d]) > 0
		for _, x := range c.week[d] {
			c.overnight = c.overnight || x.b > 1440
		}
	}
	if !open && len(b.errs) == 0 {
		b.bad("week", "no working hours on any day")
	}
}

// weekKeys returns Week's keys Monday first, unknown names after, sorted:
// the order problems are reported in.
func weekKeys(week map[string][]Interval) []string {
	keys := make([]string, 0, len(week))
	for k := range week {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		if d, ok := parseWeekday(k); ok {
			return (int(d) + 6) % 7
		}
		return 7
	}
	slices.SortFunc(keys, func(x, y string) int {
		if rx, ry := rank(x), rank(y); rx != ry {
			return rx - ry
		}
		return strings.Compare(x, y)
	})
	return keys
}

// ownDays applies the configuration's own workdays, then its holidays.
func (b *builder) ownDays() {
	b.workdays("workdays", b.cfg.Workdays)
	b.holidays("holidays", b.cfg.Holidays)
}

func (b *builder) workdays(path string, days []Workday) {
	c := b.c
	for i, w := range days {
		like := time.Monday
		if w.Like != "" {
			d, ok := parseWeekday(w.Like)
			if !ok {
				b.bad(fmt.Sprintf("%s[%d].like", path, i), "unknown weekday %.16q (want mon … sun)", w.Like)
				continue
			}
			like = d
		}
		if w.Date.IsZero() {
			b.bad(fmt.Sprintf("%s[%d].date", path, i), "required")
			continue
		}
		hours := c.week[like]
		if len(hours) == 0 {
			hours = c.firstWorkingHours()
		}
		c.special[dayNumber(w.Date)] = hours
	}
}

func (b *builder) holidays(path string, days []Holiday) {
	c := b.c
	for i, h := range days {
		if h.Date.IsZero() {
			b.bad(fmt.Sprintf("%s[%d].date", path, i), "required")
			continue
		}
		n := dayNumber(h.Date)
		if len(h.Closed) == 0 {
			c.special[n] = nil
			continue
		}
		closed := b.intervals(fmt.Sprintf("%s[%d].closed", path, i), h.Closed)
		c.special[n] = subtract(c.hoursOn(n), closed)
	}
}

func (c *Calendar) firstWorkingHours() []iv {
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if len(c.week[d]) > 0 {
			return c.week[d]
		}
	}
	return []iv{{9 * 60, 18 * 60}}
}

// subtract removes closed ranges from working hours.
func subtract(hours, closed []iv) []iv {
	out := slices.Clone(hours)
	for _, cl := range closed {
		var next []iv
		for _, h := range out {
			if cl.b <= h.a || cl.a >= h.b {
				next = append(next, h)
				continue
			}
			if h.a < cl.a {
				next = append(next, iv{h.a, cl.a})
			}
			if cl.b < h.b {
				next = append(next, iv{cl.b, h.b})
			}
		}
		out = next
	}
	if out == nil {
		out = []iv{}
	}
	return out
}
