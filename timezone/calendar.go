package timezone

import (
	"github.com/strata-go/strata"

	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrNeverOpen is returned when a calendar has no working time within the
// search horizon (two years), so a deadline or an opening cannot be found.
var ErrNeverOpen = errors.New("timezone: calendar is never open")

// horizonDays bounds every search for working time.
const horizonDays = 2 * 366

// Clock is a wall-clock time of day, in minutes after midnight (0–1440;
// 1440 is "24:00", the end of the day). JSON writes it as "09:30".
type Clock int

// ParseClock parses "HH:MM", 00:00 to 24:00.
func ParseClock(s string) (Clock, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || len(s) != 5 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("timezone: clock %q: want HH:MM from 00:00 to 24:00", s)
	}
	return Clock(h*60 + m), nil
}

// String formats c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalJSON writes "HH:MM".
func (c Clock) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON reads "HH:MM".
func (c *Clock) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timezone: clock: want a string such as \"09:00\"")
	}
	v, err := ParseClock(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Interval is a span of wall-clock time in a day. An interval whose To is
// not after its From crosses midnight: {22:00, 06:00} runs into the next
// day and belongs to the day it starts on.
type Interval struct {
	From Clock `json:"from"`
	To   Clock `json:"to"`
}

func (iv Interval) minutes() (int, int) {
	if iv.To <= iv.From {
		return int(iv.From), int(iv.To) + 1440
	}
	return int(iv.From), int(iv.To)
}

// dayNumber numbers dates: days since 1970-01-01.
func dayNumber(d strata.Date) int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dateOfDay(n int) strata.Date { return strata.DateOf(time.Unix(int64(n)*86400, 0).UTC()) }

// Holiday closes a date, all day or, with Closed, for some hours (a
// half-day on New Year's Eve).
type Holiday struct {
	Date   strata.Date `json:"date"`
	Name   string      `json:"name,omitempty"`
	Closed []Interval  `json:"closed,omitempty"`
}

// Workday makes a date a working day with the hours of weekday Like
// (default Monday): China's make-up workdays (调休), such as Saturday
// 14 February 2026.
type Workday struct {
	Date strata.Date `json:"date"`
	Name string      `json:"name,omitempty"`
	Like string      `json:"like,omitempty"` // "mon" … "sun"
}

// CalendarConfig is a working calendar as plain data (JSON round-trips).
type CalendarConfig struct {
	Name string `json:"name,omitempty"`
	// Zone is the IANA zone the hours are in.
	Zone string `json:"zone"`
	// Country sets the weekend (from CLDR) when Week is not given, and is
	// the country Observe refers to by default.
	Country string `json:"country,omitempty"`
	// Hours are the working hours of every working day when Week is not
	// given; default 09:00–18:00. Several intervals make split shifts.
	Hours []Interval `json:"hours,omitempty"`
	// Week gives each weekday's hours ("mon" … "sun"); a weekday it leaves
	// out is closed.
	Week map[string][]Interval `json:"week,omitempty"`
	// Observe adds the built-in public holidays and make-up workdays of
	// these countries ("CN").
	Observe  []string  `json:"observe,omitempty"`
	Holidays []Holiday `json:"holidays,omitempty"`
	Workdays []Workday `json:"workdays,omitempty"`
}

var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func parseWeekday(s string) (time.Weekday, bool) {
	i := slices.Index(weekdayNames, strings.ToLower(s))
	return time.Weekday(i), i >= 0
}

type iv struct{ a, b int } // minutes from the day's midnight, b ≤ 2880

// Calendar is a compiled working calendar: working hours in a zone, by
// weekday, with holidays and make-up workdays. It answers the questions a
// CRM asks: is the customer's office open, when does it open, when is a
// reply due in business time.
//
// Working hours are wall-clock hours: an instant is open when the local wall
// clock shows a working time. On the night clocks go forward, the skipped
// wall times do not exist, so a shift starting at 02:30 when clocks jump from
// 02:00 to 03:00 opens at 03:00, the moment the clocks change; on the night
// they go back, a repeated hour inside working hours is worked twice. Every
// method follows this one rule, so IsOpen, the spans, AddBusiness and
// BusinessBetween always agree.
//
// A Calendar is immutable and safe for concurrent use. It round-trips
// through JSON as its CalendarSpec.
type Calendar struct {
	spec      CalendarConfig
	loc       *time.Location
	week      [7][]iv
	special   map[int][]iv // day number -> hours, for holidays and make-up days
	overnight bool         // some interval crosses midnight
}

// NewCalendar validates and compiles a spec, reporting every problem at once.
func NewCalendar(spec CalendarConfig) (*Calendar, error) {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	c := &Calendar{spec: cloneSpec(spec), special: map[int][]iv{}}
	loc, err := Location(spec.Zone)
	if err != nil {
		bad("zone", "unknown IANA zone %q", spec.Zone)
	}
	c.loc = loc
	checkIntervals := func(path string, ivs []Interval) []iv {
		var out []iv
		for i, x := range ivs {
			if x.From < 0 || x.From > 1440 || x.To < 0 || x.To > 1440 {
				bad(fmt.Sprintf("%s[%d]", path, i), "clock outside 00:00–24:00")
				continue
			}
			if x.From == x.To {
				bad(fmt.Sprintf("%s[%d]", path, i), "empty interval %s–%s", x.From, x.To)
				continue
			}
			a, b := x.minutes()
			out = append(out, iv{a, b})
		}
		slices.SortFunc(out, func(x, y iv) int { return x.a - y.a })
		for i := 1; i < len(out); i++ {
			if out[i].a < out[i-1].b {
				bad(path, "intervals overlap")
				break
			}
		}
		return out
	}
	switch {
	case spec.Week != nil:
		if len(spec.Hours) > 0 {
			bad("hours", "give hours or week, not both")
		}
		for name, ivs := range spec.Week {
			d, ok := parseWeekday(name)
			if !ok {
				bad("week."+name, "unknown weekday (want mon … sun)")
				continue
			}
			c.week[d] = checkIntervals("week."+name, ivs)
		}
	default:
		hours := spec.Hours
		if len(hours) == 0 {
			hours = []Interval{{9 * 60, 18 * 60}}
		}
		day := checkIntervals("hours", hours)
		weekend := Weekend(spec.Country)
		for d := time.Sunday; d <= time.Saturday; d++ {
			if !slices.Contains(weekend, d) {
				c.week[d] = day
			}
		}
	}
	for d := range c.week {
		for _, x := range c.week[d] {
			c.overnight = c.overnight || x.b > 1440
		}
	}
	holidays, workdays := spec.Holidays, spec.Workdays
	for _, country := range spec.Observe {
		years := builtinYears(country)
		if len(years) == 0 {
			bad("observe", "no built-in holidays for %q", country)
		}
		for _, y := range years {
			holidays = append(holidays, y.Holidays...)
			workdays = append(workdays, y.Workdays...)
		}
	}
	for i, w := range workdays {
		like := time.Monday
		if w.Like != "" {
			d, ok := parseWeekday(w.Like)
			if !ok {
				bad(fmt.Sprintf("workdays[%d].like", i), "unknown weekday %q", w.Like)
				continue
			}
			like = d
		}
		if w.Date.Year == 0 {
			bad(fmt.Sprintf("workdays[%d].date", i), "required")
			continue
		}
		hours := c.week[like]
		if len(hours) == 0 {
			hours = c.firstWorkingHours()
		}
		c.special[dayNumber(w.Date)] = hours
	}
	for i, h := range holidays {
		if h.Date.Year == 0 {
			bad(fmt.Sprintf("holidays[%d].date", i), "required")
			continue
		}
		n := dayNumber(h.Date)
		base, ok := c.special[n]
		if !ok {
			base = c.week[time.Weekday((n%7+7+4)%7)]
		}
		if len(h.Closed) == 0 {
			c.special[n] = nil
			continue
		}
		c.special[n] = subtract(base, checkIntervals(fmt.Sprintf("holidays[%d].closed", i), h.Closed))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
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

func cloneSpec(s CalendarConfig) CalendarConfig {
	b, err := json.Marshal(s)
	if err != nil {
		return s
	}
	var out CalendarConfig
	if json.Unmarshal(b, &out) != nil {
		return s
	}
	return out
}

// Config returns the calendar's configuration.
func (c *Calendar) Config() CalendarConfig { return cloneSpec(c.spec) }

// Zone returns the calendar's IANA zone name.
func (c *Calendar) Zone() string { return Canonical(c.spec.Zone) }

// Location returns the calendar's zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// MarshalJSON writes the calendar's spec.
func (c *Calendar) MarshalJSON() ([]byte, error) { return json.Marshal(c.spec) }

// UnmarshalJSON reads a spec and compiles it.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	var spec CalendarConfig
	if err := json.Unmarshal(b, &spec); err != nil {
		return err
	}
	compiled, err := NewCalendar(spec)
	if err != nil {
		return err
	}
	*c = *compiled
	return nil
}

// hoursOn returns the working hours of day n.
func (c *Calendar) hoursOn(n int) []iv {
	if h, ok := c.special[n]; ok {
		return h
	}
	return c.week[(n%7+7+4)%7] // 1970-01-01 was a Thursday
}

// IsWorkingDay reports whether the calendar has working hours on date d.
func (c *Calendar) IsWorkingDay(d strata.Date) bool { return len(c.hoursOn(dayNumber(d))) > 0 }

// IsOpen reports whether t falls in working hours.
func (c *Calendar) IsOpen(t time.Time) bool {
	local := t.In(c.loc)
	y, mo, d := local.Date()
	n := dayNumber(strata.Date{Year: y, Month: mo, Day: d})
	m := local.Hour()*60 + local.Minute()
	for _, x := range c.hoursOn(n) {
		if m >= x.a && m < x.b {
			return true
		}
	}
	if c.overnight {
		for _, x := range c.hoursOn(n - 1) {
			if m+1440 >= x.a && m+1440 < x.b {
				return true
			}
		}
	}
	return false
}

// spansOn appends the working spans of day n, as instants in order.
func (c *Calendar) spansOn(n int, out []strata.Span) []strata.Span {
	for _, x := range c.hoursOn(n) {
		wa := int64(n)*86400 + int64(x.a)*60
		wb := int64(n)*86400 + int64(x.b)*60
		out = c.instants(wa, wb, out)
	}
	return out
}

// maxShift bounds how far a zone's offset moves at one change.
const maxShift = 26 * 3600

// instants appends the instants whose wall-clock time (as seconds on a
// UTC-based civil clock) lies in [wa, wb).
func (c *Calendar) instants(wa, wb int64, out []strata.Span) []strata.Span {
	_, guess := time.Unix(wa, 0).In(c.loc).Zone()
	probe := time.Unix(wa-int64(guess), 0).In(c.loc)
	_, off := probe.Zone()
	start, end := probe.ZoneBounds()
	a, b := wa-int64(off), wb-int64(off)
	if (start.IsZero() || start.Unix() <= a-maxShift) && (end.IsZero() || end.Unix() >= b+maxShift) {
		return append(out, strata.Span{Start: time.Unix(a, 0).In(c.loc), End: time.Unix(b, 0).In(c.loc)})
	}
	// Near a change of offset: walk each zone period around the range.
	first := len(out)
	t := time.Unix(wa-maxShift-int64(guess), 0).In(c.loc)
	for t.Unix() < wb+maxShift {
		_, o := t.Zone()
		ps, pe := t.ZoneBounds()
		lo, hi := wa-int64(o), wb-int64(o)
		if !ps.IsZero() && ps.Unix() > lo {
			lo = ps.Unix()
		}
		if !pe.IsZero() && pe.Unix() < hi {
			hi = pe.Unix()
		}
		if lo < hi {
			s := strata.Span{Start: time.Unix(lo, 0).In(c.loc), End: time.Unix(hi, 0).In(c.loc)}
			if k := len(out); k > first && !out[k-1].End.Before(s.Start) {
				out[k-1].End = maxTime(out[k-1].End, s.End)
			} else {
				out = append(out, s)
			}
		}
		if pe.IsZero() {
			break
		}
		t = pe
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// dayNumber returns the local day number of t.
func (c *Calendar) dayNumber(t time.Time) int {
	y, m, d := t.In(c.loc).Date()
	return dayNumber(strata.Date{Year: y, Month: m, Day: d})
}

// walk calls f with each working span that ends after t, in order, merged
// where one runs straight into the next, until f returns false or the
// horizon passes.
func (c *Calendar) walk(t time.Time, f func(strata.Span) bool) error {
	n := c.dayNumber(t) - 1 // yesterday's overnight shift may still run
	var buf [8]strata.Span
	var pending *strata.Span
	var held strata.Span
	for i := 0; i < horizonDays; i++ {
		spans := c.spansOn(n+i, buf[:0])
		for _, s := range spans {
			if !s.End.After(t) {
				continue
			}
			if pending != nil && !s.Start.After(pending.End) {
				held.End = maxTime(held.End, s.End)
				continue
			}
			if pending != nil && !f(held) {
				return nil
			}
			held, pending = s, &held
		}
	}
	if pending != nil {
		if !f(held) {
			return nil
		}
	}
	return ErrNeverOpen
}

// Spans returns the working spans that overlap [from, to), clipped to it,
// in the calendar's zone.
func (c *Calendar) Spans(from, to time.Time) []strata.Span {
	var out []strata.Span
	_ = c.walk(from, func(s strata.Span) bool {
		if !s.Start.Before(to) {
			return false
		}
		if s.Start.Before(from) {
			s.Start = from.In(c.loc)
		}
		if s.End.After(to) {
			s.End = to.In(c.loc)
		}
		out = append(out, s)
		return true
	})
	return out
}

// NextOpen returns t if the calendar is open at t, else the start of the
// next working span.
func (c *Calendar) NextOpen(t time.Time) (time.Time, error) {
	var at time.Time
	err := c.walk(t, func(s strata.Span) bool {
		at = s.Start
		if at.Before(t) {
			at = t
		}
		return false
	})
	if at.IsZero() {
		return time.Time{}, err
	}
	return at.In(c.loc), nil
}

// NextClose returns when the working span that contains t ends, or, when
// closed at t, when the next one ends.
func (c *Calendar) NextClose(t time.Time) (time.Time, error) {
	var at time.Time
	err := c.walk(t, func(s strata.Span) bool { at = s.End; return false })
	if at.IsZero() {
		return time.Time{}, err
	}
	return at, nil
}

// AddBusiness returns the instant d of working time after t: the SLA due
// time for "reply within 24 business hours". Time outside working hours does
// not count; AddBusiness(t, 0) is t. It fails with ErrNeverOpen when there is
// not enough working time within two years, or for a negative d.
func (c *Calendar) AddBusiness(t time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("timezone: negative business duration %v", d)
	}
	if d == 0 {
		return t, nil
	}
	left := d
	var due time.Time
	err := c.walk(t, func(s strata.Span) bool {
		if s.Start.Before(t) {
			s.Start = t
		}
		if span := s.Duration(); span < left {
			left -= span
			return true
		}
		due = s.Start.Add(left)
		return false
	})
	if due.IsZero() {
		return time.Time{}, err
	}
	return due.In(c.loc), nil
}

// AddBusinessDays returns the same point of the working day n working days
// after t: "reply within 1 business day" received Friday 15:00 is due
// Monday 15:00 (or Tuesday if Monday is a holiday). Before opening counts as
// the start of the day and after closing as its end.
func (c *Calendar) AddBusinessDays(t time.Time, n int) (time.Time, error) {
	if n < 0 {
		return time.Time{}, fmt.Errorf("timezone: negative business days %d", n)
	}
	day := c.dayNumber(t)
	var into time.Duration // working time already done on t's day
	for _, s := range c.spansOn(day, nil) {
		switch {
		case !t.After(s.Start):
		case t.Before(s.End):
			into += t.Sub(s.Start)
		default:
			into += s.Duration()
		}
	}
	target := day
	for found := 0; found < n; {
		target++
		if target-day > horizonDays {
			return time.Time{}, ErrNeverOpen
		}
		if len(c.hoursOn(target)) > 0 {
			found++
		}
	}
	if n == 0 {
		return t, nil
	}
	spans := c.spansOn(target, nil)
	if len(spans) == 0 {
		return time.Time{}, ErrNeverOpen
	}
	for _, s := range spans {
		if into <= s.Duration() {
			return s.Start.Add(into), nil
		}
		into -= s.Duration()
	}
	return spans[len(spans)-1].End, nil
}

// BusinessBetween returns the working time between a and b; negative when b
// is before a.
func (c *Calendar) BusinessBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.BusinessBetween(b, a)
	}
	var total time.Duration
	for _, s := range c.Spans(a, b) {
		total += s.Duration()
	}
	return total
}
