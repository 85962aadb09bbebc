package timezone

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// ErrNeverOpen is returned when a calendar has no working time within the
// search horizon (two years), so a deadline or an opening cannot be found.
var ErrNeverOpen = errors.New("timezone: calendar is never open")

// ErrNilCalendar is returned by the methods of a nil or zero Calendar (one
// not made by NewCalendar).
var ErrNilCalendar = errors.New("timezone: nil or zero Calendar (build one with NewCalendar)")

// horizonDays bounds every search for working time.
const horizonDays = 2 * 366

// Clock is a wall-clock time of day, in minutes after midnight (0–1440;
// 1440 is "24:00", the end of the day). JSON writes it as "09:30".
type Clock int

// ParseClock parses "HH:MM", 00:00 to 24:00.
func ParseClock(s string) (Clock, error) {
	bad := fmt.Errorf("timezone: clock %.20q: want HH:MM from 00:00 to 24:00", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	digit := func(c byte) (int, bool) { return int(c - '0'), '0' <= c && c <= '9' }
	h1, ok1 := digit(s[0])
	h2, ok2 := digit(s[1])
	m1, ok3 := digit(s[3])
	m2, ok4 := digit(s[4])
	h, m := h1*10+h2, m1*10+m2
	if !ok1 || !ok2 || !ok3 || !ok4 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, bad
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

// CalendarConfig is a working calendar as plain data: the format
// ParseCalendarConfig reads and Calendar.Config returns. Only Zone is
// required; the package documentation lists what each zero value means.
type CalendarConfig struct {
	Name string `json:"name,omitempty"`
	// Zone is the IANA zone the hours are in.
	Zone string `json:"zone"`
	// Country (ISO 3166-1 alpha-2) sets the weekend (see Weekend) when Week
	// is not given, and the public holidays the calendar observes: those of
	// Subdivision when Strata has holidays of its own for it, else the
	// country's. A country Strata has no holidays for is refused unless
	// HolidayYears gives them or NoCountryHolidays is set.
	Country string `json:"country,omitempty"`
	// Subdivision (ISO 3166-2, "DE-BY", "US-CA", "GB-SCT") is the part of
	// Country whose public holidays apply.
	Subdivision string `json:"subdivision,omitempty"`
	// NoCountryHolidays turns off the public holidays of Country and
	// Subdivision; Observe, HolidayYears and Holidays still apply.
	NoCountryHolidays bool `json:"no_country_holidays,omitempty"`
	// Hours are the working hours of every working day when Week is not
	// given; default 09:00–18:00. Several intervals make split shifts.
	Hours []Interval `json:"hours,omitempty"`
	// Week gives each weekday's hours ("mon" … "sun"); a weekday it leaves
	// out (or lists with no intervals) is closed. At least one day must
	// have hours.
	Week map[string][]Interval `json:"week,omitempty"`
	// Observe adds the public holidays of more countries or subdivisions
	// ("CN", "GB-SCT"): a team in Berlin that also closes when its Chinese
	// headquarters does.
	Observe []string `json:"observe,omitempty"`
	// HolidayYears gives public holidays (and make-up workdays) for
	// observed regions and years, beside or instead of the built-in ones:
	// China's next year once the State Council publishes it, a country
	// Strata has none for. A year given here replaces the built-in one.
	HolidayYears []HolidayYear `json:"holiday_years,omitempty"`
	// Holidays and Workdays are the calendar's own closed and extra
	// working days: a company day off, an office move.
	Holidays []Holiday `json:"holidays,omitempty"`
	Workdays []Workday `json:"workdays,omitempty"`
}

// AddYear adds a year of public holidays to the configuration (see
// HolidayYears).
func (cfg *CalendarConfig) AddYear(y HolidayYear) {
	cfg.HolidayYears = append(cfg.HolidayYears, y)
}

// weekdayNames are the names Week, Workday.Like use, by time.Weekday.
var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func parseWeekday(s string) (time.Weekday, bool) {
	i := slices.Index(weekdayNames, s)
	return time.Weekday(i), i >= 0
}

type iv struct{ a, b int } // minutes from the day's midnight, b ≤ 2880

// dayRange is a range [lo, hi) of day numbers.
type dayRange struct{ lo, hi int }

// Calendar is a compiled working calendar: working hours in a zone, by
// weekday, with public holidays and make-up workdays. It answers the
// questions a CRM asks: is the customer's office open, when does it open,
// when is a reply due in business time.
//
// Working hours are wall-clock hours: an instant is open when the local wall
// clock shows a working time. On the night clocks go forward, the skipped
// wall times do not exist, so a shift starting at 02:30 when clocks jump from
// 02:00 to 03:00 opens at 03:00, the moment the clocks change; on the night
// they go back, a repeated hour inside working hours is worked twice. Every
// method follows this one rule, so IsOpen, the spans, AddBusiness and
// BusinessBetween always agree.
//
// A calendar that observes public holidays knows them for some years only
// (Covers). Asked about a day outside them, its methods fail with an error
// wrapping ErrNoHolidayData, and IsOpen, which has no error, answers false:
// it never guesses that a year has no holidays.
//
// A Calendar is immutable and safe for concurrent use. It round-trips
// through JSON as its CalendarConfig. The methods of a nil or zero Calendar
// return ErrNilCalendar (IsOpen: false).
type Calendar struct {
	cfg       CalendarConfig
	loc       *time.Location
	week      [7][]iv
	special   map[int][]iv // day number -> hours, for holidays and make-up days
	overnight bool         // some interval crosses midnight
	observed  []observed   // the public holidays observed, for errors
	cover     []dayRange   // days with holiday data; nil: every day
}

// Config returns a copy of the configuration the calendar was built from.
func (c *Calendar) Config() CalendarConfig {
	if c == nil {
		return CalendarConfig{}
	}
	return cloneConfig(c.cfg)
}

func cloneConfig(s CalendarConfig) CalendarConfig {
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

// Zone returns the calendar's IANA zone name ("" for a nil Calendar).
func (c *Calendar) Zone() string {
	if c == nil {
		return ""
	}
	return Canonical(c.cfg.Zone)
}

// Location returns the calendar's zone (UTC for a nil Calendar).
func (c *Calendar) Location() *time.Location {
	if c == nil || c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// MarshalJSON writes the calendar's configuration.
func (c *Calendar) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	return json.Marshal(c.cfg)
}

// UnmarshalJSON reads a configuration, strictly (see ParseCalendarConfig),
// and compiles it.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	cfg, err := ParseCalendarConfig(b)
	if err != nil {
		return err
	}
	compiled, err := NewCalendar(cfg)
	if err != nil {
		return err
	}
	*c = *compiled
	return nil
}

func (c *Calendar) ok() bool { return c != nil && c.loc != nil }

// covers reports whether day n has holiday data.
func (c *Calendar) covers(n int) bool {
	if c.cover == nil {
		return true
	}
	for _, r := range c.cover {
		if n >= r.lo && n < r.hi {
			return true
		}
	}
	return false
}

// Covers reports whether the calendar knows the public holidays of date d:
// always, when it observes none.
func (c *Calendar) Covers(d strata.Date) bool { return c.ok() && c.covers(dayNumber(d)) }

// check returns the error for day n when the calendar has no holiday data
// for it, else nil.
func (c *Calendar) check(n int) error {
	if c.covers(n) {
		return nil
	}
	return c.noData(dateOfDay(n).Year)
}

// hoursOn returns the working hours of day n.
func (c *Calendar) hoursOn(n int) []iv {
	if h, ok := c.special[n]; ok {
		return h
	}
	return c.week[(n%7+7+4)%7] // 1970-01-01 was a Thursday
}

// IsWorkingDay reports whether the calendar has working hours on date d.
func (c *Calendar) IsWorkingDay(d strata.Date) (bool, error) {
	if !c.ok() {
		return false, ErrNilCalendar
	}
	n := dayNumber(d)
	if err := c.check(n); err != nil {
		return false, err
	}
	return len(c.hoursOn(n)) > 0, nil
}

// IsOpen reports whether t falls in working hours. It answers false, not
// knowing better, for a day whose public holidays the calendar does not
// know and for a nil Calendar; Open says why.
func (c *Calendar) IsOpen(t time.Time) bool {
	if !c.ok() {
		return false
	}
	n, m := c.localMinute(t)
	if c.cover != nil && (!c.covers(n) || c.overnight && !c.covers(n-1)) {
		return false
	}
	return c.openAt(n, m)
}

// Open reports whether t falls in working hours, or fails with an error
// wrapping ErrNoHolidayData for a day whose public holidays the calendar
// does not know.
func (c *Calendar) Open(t time.Time) (bool, error) {
	if !c.ok() {
		return false, ErrNilCalendar
	}
	n, m := c.localMinute(t)
	if err := c.check(n); err != nil {
		return false, err
	}
	if c.overnight {
		if err := c.check(n - 1); err != nil {
			return false, err
		}
	}
	return c.openAt(n, m), nil
}

// localMinute returns the local day number of t and the minute of that day
// its wall clock shows.
func (c *Calendar) localMinute(t time.Time) (day, minute int) {
	_, off := t.In(c.loc).Zone()
	s := t.Unix() + int64(off)
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int(d), int(s-d*86400) / 60
}

// openAt reports whether minute m of day n is in working hours, counting
// the overnight shift of day n-1.
func (c *Calendar) openAt(n, m int) bool {
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
