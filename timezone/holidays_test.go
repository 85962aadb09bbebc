package timezone_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/timezone"
)

func date(s string) strata.Date {
	d, err := strata.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestHolidayFacts checks the built-in tables against dates the
// governments publish (observed days included).
func TestHolidayFacts(t *testing.T) {
	for _, f := range []struct {
		region, date string
		off          bool
		source       string
	}{
		{"US", "2026-07-03", true, "OPM: Independence Day (4 July, a Saturday) observed Friday 3 July 2026"},
		{"US", "2027-12-24", true, "OPM: Christmas Day (a Saturday) observed Friday 24 December 2027"},
		{"US", "2026-11-26", true, "OPM: Thanksgiving Day"},
		{"US", "2026-11-27", false, "the day after Thanksgiving is no federal holiday"},
		{"US-CA", "2026-11-27", true, "California Government Code §6700: the day after Thanksgiving"},
		{"US-CA", "2026-03-31", true, "California: César Chávez Day"},
		{"GB", "2026-12-28", true, "gov.uk: Boxing Day substitute day, 28 December 2026"},
		{"GB-ENG", "2026-08-31", true, "gov.uk: summer bank holiday (England and Wales), last Monday of August"},
		{"GB-SCT", "2026-08-03", true, "gov.uk: summer bank holiday (Scotland), first Monday of August"},
		{"GB-SCT", "2026-08-31", false, "no holiday in Scotland on England's summer bank holiday"},
		{"GB-SCT", "2026-11-30", true, "gov.uk: St Andrew's Day (Scotland)"},
		{"GB-NIR", "2026-03-17", true, "gov.uk: St Patrick's Day (Northern Ireland)"},
		{"DE", "2026-12-25", true, "1. Weihnachtstag"},
		{"DE", "2026-12-26", true, "2. Weihnachtstag"},
		{"DE", "2026-12-24", false, "Heiligabend is no public holiday in Germany"},
		{"DE", "2026-05-01", true, "Tag der Arbeit"},
		{"DE", "2026-01-06", false, "Heilige Drei Könige is a holiday in three Länder only"},
		{"DE-BY", "2026-01-06", true, "Bavaria: Heilige Drei Könige"},
		{"DE-BE", "2026-03-08", true, "Berlin: Internationaler Frauentag (since 2019)"},
		{"JP", "2026-04-29", true, "内閣府: 昭和の日"},
		{"JP", "2026-05-06", true, "内閣府: 振替休日 for 憲法記念日 (3 May, a Sunday)"},
		{"JP", "2026-09-22", true, "内閣府: 国民の休日 between 敬老の日 and 秋分の日"},
		{"JP", "2026-05-01", false, "1 May is no holiday in Japan"},
		{"KR", "2026-03-02", true, "대체공휴일 for 3·1절 (1 March, a Sunday)"},
		{"FR", "2026-07-14", true, "Fête nationale"},
		{"IT", "2026-06-02", true, "Festa della Repubblica"},
		{"ES", "2026-10-12", true, "Fiesta Nacional de España"},
		{"NL", "2026-04-27", true, "Koningsdag"},
		{"PL", "2026-11-11", true, "Narodowe Święto Niepodległości"},
		{"SG", "2026-02-17", true, "MOM: Chinese New Year"},
		{"HK", "2026-07-01", true, "HKSAR Establishment Day"},
		{"TW", "2026-10-10", true, "國慶日"},
		{"MY", "2026-08-31", true, "Hari Kebangsaan"},
		{"TH", "2026-04-13", true, "Songkran"},
		{"VN", "2026-09-02", true, "Quốc khánh"},
		{"ID", "2026-08-17", true, "Hari Kemerdekaan"},
		{"PH", "2026-06-12", true, "Independence Day"},
		{"IN", "2026-01-26", true, "Republic Day"},
		{"AE", "2026-12-02", true, "National Day"},
		{"SA", "2026-09-23", true, "Saudi National Day"},
		{"TR", "2026-10-29", true, "Cumhuriyet Bayramı"},
		{"BR", "2026-11-20", true, "Dia Nacional de Zumbi e da Consciência Negra (Lei 14.759/2023)"},
		{"MX", "2026-09-16", true, "Día de la Independencia"},
		{"AU", "2026-01-26", true, "Australia Day"},
		{"AU-NSW", "2026-12-28", true, "NSW: additional day for Boxing Day (26 December, a Saturday)"},
		{"CA", "2026-07-01", true, "Canada Day"},
		{"CA-QC", "2026-06-24", true, "Québec: Fête nationale"},
		{"CN", "2026-02-16", true, "国办发明电〔2025〕7号: 春节"},
		{"CN", "2026-02-14", false, "国办发明电〔2025〕7号: 调休, a working Saturday"},
	} {
		t.Run(f.region+" "+f.date, func(t *testing.T) {
			d := date(f.date)
			y, err := timezone.BuiltinHolidayYear(f.region, d.Year)
			require.NoError(t, err)
			off := slices.ContainsFunc(y.Holidays, func(h timezone.Holiday) bool { return h.Date == d && len(h.Closed) == 0 })
			assert.Equal(t, f.off, off, f.source)
		})
	}
}

// TestBuiltinCoverage: every export market has public holidays for
// 2025–2030, and the regions list every country once.
func TestBuiltinCoverage(t *testing.T) {
	regions := timezone.BuiltinHolidayRegions()
	for _, c := range []string{"US", "GB", "DE", "FR", "IT", "ES", "NL", "PL", "JP", "KR", "SG", "HK", "TW", "MY", "TH",
		"VN", "ID", "PH", "IN", "AE", "SA", "TR", "BR", "MX", "AU", "CA", "CN"} {
		assert.Contains(t, regions, c)
		last := 2030
		if c == "CN" {
			last = 2026 // the State Council publishes one year at a time
		}
		for y := 2025; y <= last; y++ {
			hy, err := timezone.BuiltinHolidayYear(c, y)
			require.NoError(t, err, "%s %d", c, y)
			assert.NotEmpty(t, hy.Holidays, "%s %d", c, y)
			assert.NotEmpty(t, hy.Source)
			for _, h := range hy.Holidays {
				assert.Equal(t, y, h.Date.Year, "%s %d: %s", c, y, h.Date)
			}
		}
	}
	for _, sub := range []string{"US-NY", "US-TX", "GB-ENG", "GB-WLS", "DE-NW", "DE-SN", "AU-VIC", "CA-ON", "ES-CT", "IN-MH"} {
		_, err := timezone.BuiltinHolidayYear(sub, 2027)
		assert.NoError(t, err, sub)
	}
	assert.True(t, slices.IsSorted(regions))
}

// TestUnknownYearSaysSo: a calendar asked about a year it has no holidays
// for says so, never "no holidays".
func TestUnknownYearSaysSo(t *testing.T) {
	sh := shanghai(t)
	monday2027 := at(t, "Asia/Shanghai", "2027-01-04 10:00")
	open, err := sh.Open(monday2027)
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	assert.ErrorContains(t, err, "CN in 2027")
	assert.False(t, open)
	assert.False(t, sh.IsOpen(monday2027), "IsOpen answers false, not knowing better")
	assert.False(t, sh.Covers(date("2027-01-04")))
	assert.True(t, sh.Covers(date("2026-12-31")))

	_, err = sh.AddBusiness(at(t, "Asia/Shanghai", "2026-12-31 17:00"), 2*time.Hour)
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData, "the count runs into 2027")
	due, err := sh.AddBusiness(at(t, "Asia/Shanghai", "2026-12-31 16:00"), time.Hour)
	require.NoError(t, err, "within 2026")
	assert.Equal(t, at(t, "Asia/Shanghai", "2026-12-31 17:00"), due)
	_, err = sh.AddBusinessDays(at(t, "Asia/Shanghai", "2026-12-31 10:00"), 1)
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	_, err = sh.NextOpen(at(t, "Asia/Shanghai", "2026-12-31 19:00"))
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	_, err = sh.IsWorkingDay(date("2024-06-03"))
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	_, err = sh.Spans(at(t, "Asia/Shanghai", "2026-12-31 00:00"), at(t, "Asia/Shanghai", "2027-01-02 00:00"))
	assert.ErrorIs(t, err, timezone.ErrNoHolidayData)
	s, err := sh.Spans(at(t, "Asia/Shanghai", "2026-12-31 00:00"), at(t, "Asia/Shanghai", "2027-01-01 00:00"))
	require.NoError(t, err, "a range that ends where the data ends")
	assert.Len(t, s, 1)

	// The host adds the year once the State Council publishes it.
	cfg := sh.Config()
	cfg.AddYear(timezone.HolidayYear{Region: "CN", Year: 2027, Source: "the 2027 notice",
		Holidays: []timezone.Holiday{{Date: date("2027-01-01"), Name: "元旦"}}})
	next := cal(t, cfg)
	open, err = next.Open(monday2027)
	require.NoError(t, err)
	assert.True(t, open)
	assert.False(t, next.IsOpen(at(t, "Asia/Shanghai", "2027-01-01 10:00")), "the host's holiday")
}

// TestSLAAcrossChristmasAndGoldenWeek: business-time and follow-the-sun
// deadlines skip Christmas in Berlin and Golden Week in Tokyo.
func TestSLAAcrossChristmasAndGoldenWeek(t *testing.T) {
	berlin := cal(t, timezone.CalendarConfig{Name: "berlin", Zone: "Europe/Berlin", Country: "DE"})
	tokyo := cal(t, timezone.CalendarConfig{Name: "tokyo", Zone: "Asia/Tokyo", Country: "JP"})
	teams := []timezone.Team{{Name: "tokyo", Calendar: tokyo}, {Name: "berlin", Calendar: berlin}}
	utc := func(s string) time.Time { return at(t, "UTC", s).UTC() }
	for _, c := range []struct {
		name       string
		cal        *timezone.Calendar
		zone, from string
		d          time.Duration
		want       string
	}{
		// Wed 16:00: 2h, Thu 24th 9h, Christmas Friday and the weekend off, Mon 28th 5h.
		{"Berlin over Christmas", berlin, "Europe/Berlin", "2026-12-23 16:00", 16 * time.Hour, "2026-12-28 14:00"},
		// Tue 17:00: 1h, 昭和の日 off, Thu 9h, Fri 9h, 3–6 May off (憲法記念日,
		// みどりの日, こどもの日, 振替休日), Thu 7 May 1h.
		{"Tokyo over Golden Week", tokyo, "Asia/Tokyo", "2026-04-28 17:00", 20 * time.Hour, "2026-05-07 10:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			due, err := c.cal.AddBusiness(at(t, c.zone, c.from), c.d)
			require.NoError(t, err)
			assert.Equal(t, at(t, c.zone, c.want), due)
		})
	}
	for _, c := range []struct {
		name, from string
		d          time.Duration
		want       string
	}{
		// Christmas Day 09:00 UTC: Tokyo has gone home, Berlin is closed for
		// Christmas, both for the weekend; Tokyo opens Monday 00:00 UTC.
		{"follow the sun over Christmas", "2026-12-25 09:00", 8 * time.Hour, "2026-12-28 08:00"},
		// 29 April 09:00 UTC: Berlin 7h (Tokyo off, 昭和の日); 30 April both,
		// 00:00–16:00 UTC, 16h; 1 May Tokyo only (Tag der Arbeit), 9h;
		// 4 May Berlin only (みどりの日), 8h more.
		{"follow the sun over Golden Week", "2026-04-29 09:00", 40 * time.Hour, "2026-05-04 15:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			due, err := timezone.AddFollowTheSun(teams, utc(c.from), c.d)
			require.NoError(t, err)
			assert.Equal(t, utc(c.want), due)
		})
	}
	// Without public holidays the same SLA would be due on Christmas Day.
	plain := cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", NoCountryHolidays: true})
	due, err := timezone.AddFollowTheSun([]timezone.Team{{Name: "tokyo", Calendar: tokyo}, {Name: "berlin", Calendar: plain}},
		utc("2026-12-25 09:00"), 8*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, utc("2026-12-25 17:00"), due)
}

// TestShippedHolidayFiles: every shipped holiday file loads strictly,
// satisfies holidays.schema.json and round-trips.
func TestShippedHolidayFiles(t *testing.T) {
	files, err := filepath.Glob("holidays/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			y := schematest.Check(t, "holidays.schema.json", data, timezone.ParseHolidayYear)
			assert.Contains(t, y.Source, "国办发明电")
		})
	}
}

func TestSources(t *testing.T) {
	sources := timezone.Sources()
	tables := map[string]bool{}
	for _, s := range sources {
		assert.NotEmpty(t, s.Source, s.Table)
		assert.NotEmpty(t, s.Version, s.Table)
		assert.False(t, s.Checked.IsZero(), s.Table)
		assert.False(t, tables[s.Table], "one entry per table: %s", s.Table)
		tables[s.Table] = true
	}
	for _, want := range []string{"time zones by country, and zone links", "weekend days by country",
		"weekend days (NP): Saturday only", "public holidays and make-up workdays (CN 2026)",
		"public holidays (DE and its subdivisions, 2025–2030)", "public holidays (JP and its subdivisions, 2025–2030)"} {
		assert.True(t, tables[want], want)
	}
}
