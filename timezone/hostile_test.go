package timezone_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/timezone"
)

// TestDeterminism builds the same configurations 50 times, with their maps
// filled in shuffled order, and requires identical bytes out: error texts
// (NewCalendar used to report the week map's problems in map order), the
// configuration's JSON, and answers.
func TestDeterminism(t *testing.T) {
	type day struct {
		name string
		ivs  []timezone.Interval
	}
	days := []day{{"mon", hours("09:00", "18:00")}, {"tue", hours("09:00", "18:00")}, {"wed", hours("10:00", "10:00")},
		{"thu", hours("09:00", "18:00")}, {"fri", []timezone.Interval{{From: 1500, To: 18 * 60}}}, {"sat", hours("10:00", "14:00")},
		{"funday", hours("09:00", "17:00")}, {"Sun", hours("09:00", "17:00")}}
	r := rand.New(rand.NewPCG(1, 2))
	var firstErr, firstJSON, firstSpans string
	for i := range 50 {
		order := r.Perm(len(days))
		week := map[string][]timezone.Interval{}
		for _, k := range order {
			week[days[k].name] = days[k].ivs
		}
		_, err := timezone.NewCalendar(timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Week: week,
			Observe: []string{"XX", "CN"}})
		require.Error(t, err)
		errText := err.Error()

		valid := map[string][]timezone.Interval{}
		for _, k := range order {
			if d := days[k]; d.name == "mon" || d.name == "tue" || d.name == "sat" {
				valid[d.name] = d.ivs
			}
		}
		c := cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Week: valid, Observe: []string{"CN"}})
		js, err := c.MarshalJSON()
		require.NoError(t, err)
		s := fmt.Sprint(spans(t, c, at(t, "Europe/Berlin", "2026-09-28 00:00"), at(t, "Europe/Berlin", "2026-10-12 00:00")))
		if i == 0 {
			firstErr, firstJSON, firstSpans = errText, string(js), s
			continue
		}
		require.Equal(t, firstErr, errText, "run %d", i)
		require.Equal(t, firstJSON, string(js), "run %d", i)
		require.Equal(t, firstSpans, s, "run %d", i)
	}
	assert.Contains(t, firstErr, "week.wed[0]: empty interval")
	assert.Less(t, strings.Index(firstErr, "week.wed"), strings.Index(firstErr, "week.Sun"), "weekdays first, in week order")
}

// TestNilAndZeroCalendar: a nil or zero Calendar answers with
// ErrNilCalendar (IsOpen: false), never a panic.
func TestNilAndZeroCalendar(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for name, c := range map[string]*timezone.Calendar{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			assert.False(t, c.IsOpen(now))
			_, err := c.Open(now)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.NextOpen(now)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.NextClose(now)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.AddBusiness(now, time.Hour)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.AddBusinessDays(now, 1)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.Spans(now, now.Add(time.Hour))
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.BusinessBetween(now, now.Add(time.Hour))
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = c.IsWorkingDay(date("2026-11-23"))
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			assert.False(t, c.Covers(date("2026-11-23")))
			assert.Equal(t, time.UTC, c.Location())
			assert.NotPanics(t, func() { _ = c.Config(); _ = c.Zone() })
			_, err = timezone.Overlap(c, shanghai(t), now)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = timezone.GoodTimeToContact(c, shanghai(t), now, time.Hour)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			teams := []timezone.Team{{Name: "x", Calendar: c}}
			_, err = timezone.FollowTheSun(teams, now)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, _, err = timezone.NextAvailable(teams, now)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
			_, err = timezone.AddFollowTheSun(teams, now, time.Hour)
			assert.ErrorIs(t, err, timezone.ErrNilCalendar)
		})
	}
}

// hostile are inputs from the internet: long, binary, deeply nested,
// numbers that do not fit, names that are almost zones.
func hostile() []string {
	return []string{
		"", "null", "{}", "[]", "{", `{"zone":`, "\x00\xff\xfe", strings.Repeat("[", 100_000),
		strings.Repeat(`{"a":`, 10_000), `{"zone":"Asia/Shanghai","week":{"mon":[{"from":"09:00","to":"99:99"}]}}`,
		`{"zone":"../../../etc/passwd"}`, `{"zone":"Asia//Shanghai"}`, `{"zone":"` + strings.Repeat("A/", 5000) + `"}`,
		`{"zone":"UTC","holidays":[{"date":"99999-01-01"}]}`, `{"zone":"UTC","holiday_years":[{"region":"CN","year":1e30}]}`,
		`{"zone":"UTC","observe":["` + strings.Repeat("X", 1<<16) + `"]}`, "zone: UTC\nweek: &a {mon: *a}\n",
		"a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
		`{"zone":"UTC","hours":[{"from":"09:00","to":"18:00"}],"week":{"mon":[]}}`,
		`{"region":"CN","year":2026,"source":"x","holidays":[{"date":"2026-02-30"}]}`,
		`{"zone":"UTC","country":"DE","subdivision":"DE-` + strings.Repeat("Z", 100) + `"}`,
	}
}

// TestHostileInput: every entry point refuses hostile input with an error,
// in bounded time, without panicking.
func TestHostileInput(t *testing.T) {
	for i, in := range hostile() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			start := time.Now()
			assert.NotPanics(t, func() {
				if cfg, err := timezone.ParseCalendarConfig([]byte(in)); err == nil {
					_, err = timezone.NewCalendar(cfg)
					assert.Error(t, err)
				}
				_, err := timezone.ParseHolidayYear([]byte(in))
				assert.Error(t, err)
				_, err = timezone.Location(in)
				assert.Error(t, err)
				_, err = timezone.BuiltinHolidayYear(in, 2026)
				assert.Error(t, err)
				_, err = timezone.ParseClock(in)
				assert.Error(t, err)
				_, ok := timezone.ForCountry(in, in)
				assert.False(t, ok)
				_ = timezone.Weekend(in)
				_ = timezone.Canonical(in)
			})
			assert.Less(t, time.Since(start), 2*time.Second, "bounded time")
		})
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHostileInputLeavesNoGarbage: 10,000 distinct invalid inputs to each
// entry point leave the live heap within 1 MiB (no cache keeps them).
func TestHostileInputLeavesNoGarbage(t *testing.T) {
	// Warm the caches that valid input fills.
	_, _ = timezone.BuiltinHolidayYear("DE", 2026)
	_, _ = timezone.Location("Asia/Shanghai")
	_, _ = timezone.NewCalendar(timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN"})
	before := liveHeap()
	for i := range 10_000 {
		name := fmt.Sprintf("Mars/Zone_%d", i)
		_, err := timezone.Location(name)
		require.Error(t, err)
		_, err = timezone.Resolve(name, "CN", "")
		require.Error(t, err)
		_, err = timezone.BuiltinHolidayYear(fmt.Sprintf("X%d", i), 2026)
		require.Error(t, err)
		_, err = timezone.NewCalendar(timezone.CalendarConfig{Zone: name, Observe: []string{fmt.Sprintf("Q%d", i)}})
		require.Error(t, err)
		_, err = timezone.ParseCalendarConfig([]byte(fmt.Sprintf(`{"zone":"UTC","wek%d":1}`, i)))
		require.Error(t, err)
		_, err = timezone.ParseHolidayYear([]byte(fmt.Sprintf(`{"region":"Y%d","year":1,"source":"","holidays":[]}`, i)))
		require.Error(t, err)
		_, err = timezone.ParseClock(fmt.Sprintf("%02d:%02d", 25+i%70, i%60))
		require.Error(t, err)
	}
	after := liveHeap()
	assert.LessOrEqual(t, int64(after)-int64(before), int64(1<<20), "live heap grew by %d bytes", int64(after)-int64(before))
}

// FuzzParseCalendarConfig: any input is refused or gives a configuration
// that compiles or is refused with ConfigErrors, and a compiled calendar
// answers without panicking and round-trips.
func FuzzParseCalendarConfig(f *testing.F) {
	f.Add([]byte(`{"zone":"Asia/Shanghai","country":"CN"}`))
	f.Add([]byte("zone: Europe/Berlin\ncountry: DE\nsubdivision: DE-BY\nhours: [{from: \"08:00\", to: \"12:00\"}, {from: \"13:00\", to: \"17:00\"}]\n"))
	f.Add([]byte(`{"zone":"America/Sao_Paulo","week":{"mon":[{"from":"22:00","to":"06:00"}]},"observe":["BR-SP"]}`))
	f.Add([]byte(`{"zone":"UTC","country":"KE","holiday_years":[{"region":"KE","year":2026,"source":"gazette","holidays":[{"date":"2026-06-01","name":"Madaraka Day"}]}]}`))
	for _, h := range hostile() {
		f.Add([]byte(h))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := timezone.ParseCalendarConfig(data)
		if err != nil {
			return
		}
		c, err := timezone.NewCalendar(cfg)
		if err != nil {
			return
		}
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		_ = c.IsOpen(now)
		_, _ = c.AddBusiness(now, 8*time.Hour)
		js, err := c.MarshalJSON()
		require.NoError(t, err)
		again, err := timezone.ParseCalendarConfig(js)
		require.NoError(t, err, "%s", js)
		_, err = timezone.NewCalendar(again)
		require.NoError(t, err)
	})
}

// FuzzParseHolidayYear: any input is refused with errors or gives a year
// whose dates all fall in it.
func FuzzParseHolidayYear(f *testing.F) {
	f.Add([]byte(`{"region":"CN","year":2026,"source":"x","holidays":[{"date":"2026-10-01"}],"workdays":[{"date":"2026-10-10"}]}`))
	f.Add([]byte("region: DE-BY\nyear: 2027\nsource: x\nholidays:\n  - date: 2027-01-06\n    closed: [{from: \"12:00\", to: \"24:00\"}]\n"))
	for _, h := range hostile() {
		f.Add([]byte(h))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := timezone.ParseHolidayYear(data)
		if err != nil {
			for _, p := range strata.Problems(err) {
				var ce *strata.ConfigError
				require.ErrorAs(t, p, &ce, "every problem is a ConfigError")
			}
			return
		}
		for _, h := range y.Holidays {
			require.Equal(t, y.Year, h.Date.Year)
		}
	})
}
