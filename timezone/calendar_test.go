package timezone_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/timezone"
)

func cal(t testing.TB, spec timezone.CalendarConfig) *timezone.Calendar {
	t.Helper()
	c, err := timezone.NewCalendar(spec)
	require.NoError(t, err)
	return c
}

func clock(s string) timezone.Clock {
	c, err := timezone.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

func hours(from, to string) []timezone.Interval {
	return []timezone.Interval{{From: clock(from), To: clock(to)}}
}

func at(t testing.TB, zone, s string) time.Time {
	t.Helper()
	loc, err := timezone.Location(zone)
	require.NoError(t, err)
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

func between(t testing.TB, c *timezone.Calendar, a, b time.Time) time.Duration {
	t.Helper()
	d, err := c.BusinessBetween(a, b)
	require.NoError(t, err)
	return d
}

func spans(t testing.TB, c *timezone.Calendar, a, b time.Time) []strata.Span {
	t.Helper()
	s, err := c.Spans(a, b)
	require.NoError(t, err)
	return s
}

func working(t testing.TB, c *timezone.Calendar, d strata.Date) bool {
	t.Helper()
	ok, err := c.IsWorkingDay(d)
	require.NoError(t, err)
	return ok
}

func overlap(t testing.TB, a, b *timezone.Calendar, day time.Time) []strata.Span {
	t.Helper()
	s, err := timezone.Overlap(a, b, day)
	require.NoError(t, err)
	return s
}

func followTheSun(t testing.TB, teams []timezone.Team, day time.Time) timezone.Coverage {
	t.Helper()
	c, err := timezone.FollowTheSun(teams, day)
	require.NoError(t, err)
	return c
}

func shanghai(t testing.TB) *timezone.Calendar {
	return cal(t, timezone.CalendarConfig{Name: "shanghai", Zone: "Asia/Shanghai", Country: "CN"})
}

func TestIsOpen(t *testing.T) {
	sh := shanghai(t)
	riyadh := cal(t, timezone.CalendarConfig{Zone: "Asia/Riyadh", Country: "SA", Hours: hours("09:00", "17:00")})
	split := cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE",
		Hours: []timezone.Interval{{From: clock("08:00"), To: clock("12:00")}, {From: clock("13:00"), To: clock("17:00")}}})
	night := cal(t, timezone.CalendarConfig{Zone: "America/Sao_Paulo", Week: map[string][]timezone.Interval{"mon": hours("22:00", "06:00")}})
	for _, tt := range []struct {
		cal  *timezone.Calendar
		zone string
		at   string
		want bool
	}{
		{sh, "Asia/Shanghai", "2026-11-23 09:00", true},     // Monday opening
		{sh, "Asia/Shanghai", "2026-11-23 08:59", false},    // a minute early
		{sh, "Asia/Shanghai", "2026-11-23 18:00", false},    // closing is exclusive
		{sh, "Asia/Shanghai", "2026-11-22 10:00", false},    // Sunday
		{sh, "Asia/Shanghai", "2026-02-14 10:00", true},     // 调休: Saturday is a workday
		{sh, "Asia/Shanghai", "2026-02-28 10:00", true},     // 调休
		{sh, "Asia/Shanghai", "2026-02-16 10:00", false},    // Spring Festival, a Monday
		{sh, "Asia/Shanghai", "2026-02-23 10:00", false},    // last day of the break
		{sh, "Asia/Shanghai", "2026-02-24 10:00", true},     // back to work
		{sh, "Asia/Shanghai", "2025-10-08 10:00", false},    // National Day 2025
		{sh, "Asia/Shanghai", "2025-10-11 10:00", true},     // its make-up Saturday
		{sh, "America/Chicago", "2026-11-22 19:30", true},   // Sunday evening in Chicago is Monday 09:30 in Shanghai
		{riyadh, "Asia/Riyadh", "2026-11-20 10:00", false},  // Friday: weekend
		{riyadh, "Asia/Riyadh", "2026-11-21 10:00", false},  // Saturday: weekend
		{riyadh, "Asia/Riyadh", "2026-11-22 10:00", true},   // Sunday: working
		{split, "Europe/Berlin", "2026-11-23 12:30", false}, // lunch
		{split, "Europe/Berlin", "2026-11-23 13:00", true},
		{night, "America/Sao_Paulo", "2026-11-23 23:00", true}, // Monday night shift
		{night, "America/Sao_Paulo", "2026-11-24 05:59", true}, // runs into Tuesday
		{night, "America/Sao_Paulo", "2026-11-24 06:00", false},
		{night, "America/Sao_Paulo", "2026-11-23 05:00", false}, // Sunday night has no shift
	} {
		assert.Equal(t, tt.want, tt.cal.IsOpen(at(t, tt.zone, tt.at)), "%s %s", tt.zone, tt.at)
	}
}

func TestNextOpenAndClose(t *testing.T) {
	sh := shanghai(t)
	open, err := sh.NextOpen(at(t, "Asia/Shanghai", "2026-02-13 19:00"))
	require.NoError(t, err)
	assert.Equal(t, at(t, "Asia/Shanghai", "2026-02-14 09:00"), open, "Friday evening: the 调休 Saturday opens next")
	open, err = sh.NextOpen(at(t, "Asia/Shanghai", "2026-02-14 19:00"))
	require.NoError(t, err)
	assert.Equal(t, at(t, "Asia/Shanghai", "2026-02-24 09:00"), open, "after the festival")
	open, err = sh.NextOpen(at(t, "Asia/Shanghai", "2026-02-24 11:00"))
	require.NoError(t, err)
	assert.Equal(t, at(t, "Asia/Shanghai", "2026-02-24 11:00"), open, "already open")
	cl, err := sh.NextClose(at(t, "Asia/Shanghai", "2026-02-24 11:00"))
	require.NoError(t, err)
	assert.Equal(t, at(t, "Asia/Shanghai", "2026-02-24 18:00"), cl)
	cl, err = sh.NextClose(at(t, "Asia/Shanghai", "2026-02-24 20:00"))
	require.NoError(t, err)
	assert.Equal(t, at(t, "Asia/Shanghai", "2026-02-25 18:00"), cl, "closed: the next span's end")

	always := cal(t, timezone.CalendarConfig{Zone: "UTC", Week: map[string][]timezone.Interval{
		"mon": hours("00:00", "24:00"), "tue": hours("00:00", "24:00")}})
	cl, err = always.NextClose(at(t, "UTC", "2026-11-23 10:00"))
	require.NoError(t, err)
	assert.Equal(t, at(t, "UTC", "2026-11-25 00:00"), cl, "adjacent days merge into one span")

}

func TestAddBusiness(t *testing.T) {
	sh := shanghai(t)
	riyadh := cal(t, timezone.CalendarConfig{Zone: "Asia/Riyadh", Country: "SA", Hours: hours("09:00", "17:00")})
	for _, tt := range []struct {
		cal        *timezone.Calendar
		zone, from string
		d          time.Duration
		want       string
	}{
		// Fri 17:00: 1h Friday, 9h on the 调休 Saturday, the festival off,
		// 9h Tuesday, 5h Wednesday.
		{sh, "Asia/Shanghai", "2026-02-13 17:00", 24 * time.Hour, "2026-02-25 14:00"},
		{sh, "Asia/Shanghai", "2026-11-20 17:00", 2 * time.Hour, "2026-11-23 10:00"}, // over a weekend
		{sh, "Asia/Shanghai", "2026-11-21 12:00", time.Hour, "2026-11-23 10:00"},     // from a closed Saturday
		{sh, "Asia/Shanghai", "2026-11-23 09:00", 9 * time.Hour, "2026-11-23 18:00"}, // exactly a day ends at closing
		{sh, "Asia/Shanghai", "2026-11-23 12:00", 0, "2026-11-23 12:00"},
		{riyadh, "Asia/Riyadh", "2026-11-19 16:00", 2 * time.Hour, "2026-11-22 10:00"}, // Thursday → Sunday
	} {
		got, err := tt.cal.AddBusiness(at(t, tt.zone, tt.from), tt.d)
		require.NoError(t, err)
		assert.Equal(t, at(t, tt.zone, tt.want), got, "%s + %v", tt.from, tt.d)
		assert.Equal(t, tt.d, between(t, tt.cal, at(t, tt.zone, tt.from), got))
	}
	_, err := sh.AddBusiness(at(t, "Asia/Shanghai", "2026-11-23 12:00"), -time.Hour)
	assert.Error(t, err)
	assert.Equal(t, -9*time.Hour, between(t, sh, at(t, "Asia/Shanghai", "2026-11-24 09:00"), at(t, "Asia/Shanghai", "2026-11-23 09:00")))
}

func TestAddBusinessDays(t *testing.T) {
	sh := shanghai(t)
	for _, tt := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-13 15:00", 1, "2026-02-14 15:00"}, // Friday → the 调休 Saturday
		{"2026-02-14 15:00", 1, "2026-02-24 15:00"}, // over the festival
		{"2026-11-20 15:00", 1, "2026-11-23 15:00"}, // Friday → Monday
		{"2026-11-20 07:00", 1, "2026-11-23 09:00"}, // before opening: the start of the day
		{"2026-11-20 20:00", 1, "2026-11-23 18:00"}, // after closing: its end
		{"2026-11-23 15:00", 5, "2026-11-30 15:00"},
		{"2026-11-23 15:00", 0, "2026-11-23 15:00"},
	} {
		got, err := sh.AddBusinessDays(at(t, "Asia/Shanghai", tt.from), tt.n)
		require.NoError(t, err)
		assert.Equal(t, at(t, "Asia/Shanghai", tt.want), got, "%s + %d days", tt.from, tt.n)
	}
}

// TestDST covers the documented rule: working hours are wall-clock hours.
func TestDST(t *testing.T) {
	sunday := func(zone, from, to string) *timezone.Calendar {
		return cal(t, timezone.CalendarConfig{Zone: zone, Week: map[string][]timezone.Interval{"sun": hours(from, to)}})
	}
	for _, tt := range []struct {
		name, zone, from, to, day string
		want                      time.Duration
	}{
		{"New York spring forward skips 02:00–03:00", "America/New_York", "01:00", "05:00", "2026-03-08", 3 * time.Hour},
		{"New York fall back repeats 01:00–02:00", "America/New_York", "01:00", "05:00", "2026-11-01", 5 * time.Hour},
		{"Berlin spring forward", "Europe/Berlin", "01:00", "05:00", "2026-03-29", 3 * time.Hour},
		{"Berlin fall back repeats 02:00–03:00", "Europe/Berlin", "01:00", "05:00", "2026-10-25", 5 * time.Hour},
		{"Sydney fall back (April)", "Australia/Sydney", "01:00", "05:00", "2026-04-05", 5 * time.Hour},
		{"Sydney spring forward (October)", "Australia/Sydney", "01:00", "05:00", "2026-10-04", 3 * time.Hour},
		{"Lord Howe skips half an hour", "Australia/Lord_Howe", "01:00", "05:00", "2026-10-04", 3*time.Hour + 30*time.Minute},
		{"Lord Howe repeats half an hour", "Australia/Lord_Howe", "01:00", "05:00", "2026-04-05", 4*time.Hour + 30*time.Minute},
		{"Chatham +13:45 → +12:45 repeats an hour", "Pacific/Chatham", "02:00", "05:00", "2026-04-05", 4 * time.Hour},
		{"Kathmandu +05:45 has no change", "Asia/Kathmandu", "01:00", "05:00", "2026-03-29", 4 * time.Hour},
		{"a start inside the gap opens when clocks change", "America/New_York", "02:30", "04:00", "2026-03-08", time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := sunday(tt.zone, tt.from, tt.to)
			start := at(t, tt.zone, tt.day+" 00:00")
			end := start.Add(12 * time.Hour)
			assert.Equal(t, tt.want, between(t, c, start, end))
			// Every open span agrees with IsOpen, minute by minute.
			for m := start; m.Before(end); m = m.Add(5 * time.Minute) {
				inSpan := false
				for _, s := range spans(t, c, start, end) {
					if !m.Before(s.Start) && m.Before(s.End) {
						inSpan = true
					}
				}
				require.Equal(t, inSpan, c.IsOpen(m), "at %s", m.Format(time.RFC3339))
			}
		})
	}
	// The gap rule, precisely: 02:30 does not exist on 8 March 2026 in New
	// York; the day opens at 03:00 EDT, the moment the clocks change.
	c := sunday("America/New_York", "02:30", "04:00")
	open, err := c.NextOpen(at(t, "America/New_York", "2026-03-08 00:00"))
	require.NoError(t, err)
	assert.Equal(t, "2026-03-08T03:00:00-04:00", open.Format(time.RFC3339))
	// An overlap start means its first occurrence: 01:30 EDT on 1 November.
	c = sunday("America/New_York", "01:30", "03:00")
	open, err = c.NextOpen(at(t, "America/New_York", "2026-11-01 00:00"))
	require.NoError(t, err)
	assert.Equal(t, "2026-11-01T01:30:00-04:00", open.Format(time.RFC3339))
	// Chatham on a normal Monday: 09:00 local at +13:45 is 19:15 UTC the day before.
	chatham := cal(t, timezone.CalendarConfig{Zone: "Pacific/Chatham", Week: map[string][]timezone.Interval{"mon": hours("09:00", "18:00")}})
	assert.True(t, chatham.IsOpen(time.Date(2026, 12, 6, 19, 15, 0, 0, time.UTC)))
	assert.False(t, chatham.IsOpen(time.Date(2026, 12, 6, 19, 14, 0, 0, time.UTC)))
}

func TestPartialHoliday(t *testing.T) {
	c := cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Holidays: []timezone.Holiday{
		{Date: strata.Date{Year: 2026, Month: 12, Day: 24}, Name: "Heiligabend", Closed: hours("12:00", "24:00")},
		{Date: strata.Date{Year: 2026, Month: 12, Day: 25}, Name: "1. Weihnachtstag"},
	}})
	assert.True(t, c.IsOpen(at(t, "Europe/Berlin", "2026-12-24 11:00")))
	assert.False(t, c.IsOpen(at(t, "Europe/Berlin", "2026-12-24 13:00")))
	assert.False(t, working(t, c, strata.Date{Year: 2026, Month: 12, Day: 25}))
	assert.Equal(t, 3*time.Hour, between(t, c, at(t, "Europe/Berlin", "2026-12-24 00:00"), at(t, "Europe/Berlin", "2026-12-26 00:00")))
}

func TestCalendarErrors(t *testing.T) {
	_, err := timezone.NewCalendar(timezone.CalendarConfig{
		Zone:     "Asia/Beijing",
		Week:     map[string][]timezone.Interval{"funday": hours("09:00", "17:00"), "mon": {{From: 600, To: 600}}},
		Hours:    hours("09:00", "17:00"),
		Observe:  []string{"XX"},
		Workdays: []timezone.Workday{{Date: strata.Date{Year: 2026, Month: 1, Day: 4}, Like: "someday"}},
	})
	require.Error(t, err)
	want := []string{
		`zone: unknown IANA zone "Asia/Beijing"`,
		"hours: give hours or week, not both",
		"week.mon[0]: empty interval 10:00–10:00",
		"week.funday: unknown weekday (want mon, tue, wed, thu, fri, sat or sun)",
		`observe[0]: "XX" is not an ISO 3166-1 country or ISO 3166-2 subdivision code`,
		`workdays[0].like: unknown weekday "someday" (want mon … sun)`,
	}
	var got []string
	for _, p := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.ErrorAs(t, p, &ce, "every problem is a ConfigError with a path")
		got = append(got, p.Error())
	}
	assert.Equal(t, want, got, "every problem, in a fixed order")
	_, err = timezone.ParseClock("25:00")
	assert.Error(t, err)
	_, err = timezone.ParseClock("9:00")
	assert.Error(t, err)
}

// TestCalendarZeroValues: each zero value either has a documented, safe
// meaning or is refused.
func TestCalendarZeroValues(t *testing.T) {
	refused := []struct {
		name string
		cfg  timezone.CalendarConfig
		want string
	}{
		{"no zone", timezone.CalendarConfig{}, "zone: required"},
		{"an empty week is not every day open nor silently closed", timezone.CalendarConfig{Zone: "UTC",
			Week: map[string][]timezone.Interval{}}, "week: no days"},
		{"a week with no hours", timezone.CalendarConfig{Zone: "UTC",
			Week: map[string][]timezone.Interval{"mon": {}}}, "week: no working hours on any day"},
		{"a country without built-in holidays", timezone.CalendarConfig{Zone: "Africa/Nairobi", Country: "KE"},
			`country: no built-in public holidays for "KE": give them in holiday_years, or set no_country_holidays`},
		{"a subdivision of another country", timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Subdivision: "AT-9"},
			"subdivision: AT-9 is not in DE"},
		{"holiday years of a region not observed", timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE",
			HolidayYears: []timezone.HolidayYear{{Region: "FR", Year: 2031, Source: "x", Holidays: []timezone.Holiday{}}}},
			"holiday_years[0].region: FR is not observed"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := timezone.NewCalendar(c.cfg)
			assert.ErrorContains(t, err, c.want)
		})
	}
	// Documented defaults: 09:00–18:00 on the country's working days, and
	// its public holidays.
	de := cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE"})
	assert.True(t, de.IsOpen(at(t, "Europe/Berlin", "2026-11-23 09:00")))
	assert.False(t, de.IsOpen(at(t, "Europe/Berlin", "2026-11-23 18:00")))
	assert.False(t, de.IsOpen(at(t, "Europe/Berlin", "2026-12-25 10:00")), "Christmas Day")
	// Opting out of the country's holidays is explicit.
	plain := cal(t, timezone.CalendarConfig{Zone: "Africa/Nairobi", Country: "KE", NoCountryHolidays: true})
	assert.True(t, plain.IsOpen(at(t, "Africa/Nairobi", "2040-12-25 10:00")), "no holidays observed, none assumed")
	assert.True(t, plain.Covers(strata.Date{Year: 2040, Month: 1, Day: 1}))
}

// TestNeverOpen: a calendar whose every working day is a holiday for two
// years has no working time within the horizon.
func TestNeverOpen(t *testing.T) {
	cfg := timezone.CalendarConfig{Zone: "UTC", Week: map[string][]timezone.Interval{"mon": hours("09:00", "17:00")}}
	for d := (strata.Date{Year: 2026, Month: 11, Day: 23}); d.Year < 2029; d = d.AddDays(7) {
		cfg.Holidays = append(cfg.Holidays, timezone.Holiday{Date: d})
	}
	never := cal(t, cfg)
	_, err := never.NextOpen(at(t, "UTC", "2026-11-23 10:00"))
	assert.ErrorIs(t, err, timezone.ErrNeverOpen)
	_, err = never.AddBusiness(at(t, "UTC", "2026-11-23 10:00"), time.Hour)
	assert.ErrorIs(t, err, timezone.ErrNeverOpen)
}

func TestCalendarJSONRoundTrip(t *testing.T) {
	spec := timezone.CalendarConfig{Name: "sh", Zone: "Asia/Shanghai", Country: "CN",
		Hours:    []timezone.Interval{{From: clock("09:00"), To: clock("12:00")}, {From: clock("13:30"), To: clock("18:00")}},
		Holidays: []timezone.Holiday{{Date: strata.Date{Year: 2026, Month: 12, Day: 31}, Name: "年会", Closed: hours("15:00", "24:00")}}}
	c := cal(t, spec)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"from":"13:30"`)
	assert.Contains(t, string(b), `"date":"2026-12-31"`)
	var back timezone.Calendar
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, spec, back.Config())
	probe := at(t, "Asia/Shanghai", "2026-12-31 16:00")
	assert.Equal(t, c.IsOpen(probe), back.IsOpen(probe))
	assert.Error(t, json.Unmarshal([]byte(`{"zone":"Nowhere"}`), &back))
	assert.Error(t, json.Unmarshal([]byte(`{"zone":"UTC","houres":[]}`), &back), "strict: a misspelt key")
}

func TestBuiltinHolidays(t *testing.T) {
	y, err := timezone.BuiltinHolidayYear("CN", 2026)
	require.NoError(t, err)
	assert.Contains(t, y.Source, "国办发明电")
	assert.Len(t, y.Workdays, 6)
	var festival int
	for _, h := range y.Holidays {
		if h.Name == "春节" {
			festival++
		}
	}
	assert.Equal(t, 9, festival, "15–23 February")
	_, err = timezone.BuiltinHolidayYear("CN", 2027)
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData, "not published yet: said so, never an empty year")
	_, err = timezone.BuiltinHolidayYear("KE", 2026)
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	sh, err := timezone.BuiltinHolidayYear("CN-SH", 2026)
	require.NoError(t, err, "a subdivision without holidays of its own follows its country")
	assert.Equal(t, "CN-SH", sh.Region)
	assert.Len(t, sh.Holidays, len(y.Holidays))

	_, err = timezone.ParseHolidayYear([]byte(`{"region":"CN","year":2026,"source":"x","holidays":[{"date":"2025-01-01"}]}`))
	assert.ErrorContains(t, err, "holidays[0].date: 2025-01-01 is not in 2026")
	_, err = timezone.ParseHolidayYear([]byte(`{"region":"CN","year":2026,"source":"x","holidays":[{"date":"2026-01-01"}],"workdays":[{"date":"2026-01-01"}]}`))
	assert.ErrorContains(t, err, "workdays[0].date: 2026-01-01 is both a holiday and a workday")
	_, err = timezone.ParseHolidayYear([]byte(`{"country":"CN","year":2026,"holidays":[]}`))
	assert.ErrorContains(t, err, "country: unknown field")
	var cfg timezone.CalendarConfig
	cfg.AddYear(y)
	assert.Len(t, cfg.HolidayYears, 1)
}
