package timezone_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/timezone"
)

func teams(t testing.TB) []timezone.Team {
	return []timezone.Team{
		{Name: "shanghai", Calendar: shanghai(t)},
		{Name: "berlin", Calendar: cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE"})},
		{Name: "sao-paulo", Calendar: cal(t, timezone.CalendarConfig{Zone: "America/Sao_Paulo", Country: "BR"})},
	}
}

func TestOverlapAndGoodTimeToContact(t *testing.T) {
	rep := shanghai(t)
	berlin := cal(t, timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Hours: hours("09:00", "17:00")})
	chicago := cal(t, timezone.CalendarConfig{Zone: "America/Chicago", Country: "US", Hours: hours("09:00", "17:00")})

	ov := overlap(t, rep, berlin, at(t, "Asia/Shanghai", "2026-11-24 00:00"))
	require.Len(t, ov, 1)
	assert.True(t, at(t, "Asia/Shanghai", "2026-11-24 16:00").Equal(ov[0].Start), "%v", ov[0])
	assert.True(t, at(t, "Asia/Shanghai", "2026-11-24 18:00").Equal(ov[0].End), "%v", ov[0])
	assert.Empty(t, overlap(t, rep, chicago, at(t, "Asia/Shanghai", "2026-11-24 00:00")), "no shared hours with Chicago")

	s, err := timezone.GoodTimeToContact(berlin, rep, at(t, "Asia/Shanghai", "2026-11-24 17:30"), time.Hour)
	require.NoError(t, err)
	assert.True(t, at(t, "Europe/Berlin", "2026-11-25 09:00").Equal(s.Start), "17:30–18:00 today is too short; tomorrow 09:00 Berlin: %v", s)
	_, err = timezone.GoodTimeToContact(chicago, rep, at(t, "Asia/Shanghai", "2026-11-24 09:00"), 30*time.Minute)
	assert.ErrorIs(t, err, timezone.ErrNoOverlap)

	// A rep on a late shift for the Americas can reach Chicago.
	late := cal(t, timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN", Hours: hours("20:00", "02:00")})
	s, err = timezone.GoodTimeToContact(chicago, late, at(t, "Asia/Shanghai", "2026-11-24 09:00"), 30*time.Minute)
	require.NoError(t, err)
	assert.True(t, at(t, "America/Chicago", "2026-11-24 09:00").Equal(s.Start), "%v", s)
	assert.Equal(t, 3*time.Hour, s.Duration(), "Chicago 09:00–12:00 is Shanghai 23:00–02:00")
}

func TestFollowTheSun(t *testing.T) {
	cov := followTheSun(t, teams(t), time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC))
	utc := func(h int) time.Time { return time.Date(2026, 11, 24, h, 0, 0, 0, time.UTC) }
	want := []timezone.Segment{
		{Start: utc(0), End: utc(1), Teams: []string{}},
		{Start: utc(1), End: utc(8), Teams: []string{"shanghai"}},
		{Start: utc(8), End: utc(10), Teams: []string{"berlin", "shanghai"}},
		{Start: utc(10), End: utc(12), Teams: []string{"berlin"}},
		{Start: utc(12), End: utc(17), Teams: []string{"berlin", "sao-paulo"}},
		{Start: utc(17), End: utc(21), Teams: []string{"sao-paulo"}},
		{Start: utc(21), End: utc(24), Teams: []string{}},
	}
	require.Len(t, cov.Segments, len(want))
	for i := range want {
		assert.True(t, want[i].Start.Equal(cov.Segments[i].Start) && want[i].End.Equal(cov.Segments[i].End), "segment %d: %v", i, cov.Segments[i])
		assert.Equal(t, want[i].Teams, cov.Segments[i].Teams, "segment %d", i)
	}
	require.Len(t, cov.Handovers, 2)
	assert.Equal(t, []string{"shanghai"}, cov.Handovers[0].From)
	assert.Equal(t, []string{"berlin"}, cov.Handovers[0].To)
	assert.True(t, cov.Handovers[1].At.Equal(utc(17)))
	assert.Len(t, cov.Gaps, 2)
	assert.InDelta(t, 20.0/24, cov.Covered(), 1e-9)

	name, when, err := timezone.NextAvailable(teams(t), utc(22))
	require.NoError(t, err)
	assert.Equal(t, "shanghai", name)
	assert.True(t, when.Equal(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)))
	name, when, err = timezone.NextAvailable(teams(t), utc(9))
	require.NoError(t, err)
	assert.Equal(t, "shanghai", name, "ties go to the team listed first")
	assert.True(t, when.Equal(utc(9)))
}

var fuzzZones = []string{"Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu", "UTC", "America/Sao_Paulo"}

// FuzzCalendar builds arbitrary schedules and checks, for arbitrary times and
// durations: nothing panics, AddBusiness is monotonic, and
// BusinessBetween(t, AddBusiness(t, d)) == d.
func FuzzCalendar(f *testing.F) {
	f.Add(uint8(0), []byte{9, 0, 18, 0}, int64(1771030800), uint32(86400), uint32(3600))
	f.Add(uint8(1), []byte{22, 0, 6, 0, 1, 30, 2, 30}, int64(1772953200), uint32(36000), uint32(60))
	f.Add(uint8(3), []byte{0, 0, 24, 0}, int64(1775350800), uint32(1), uint32(999999))
	f.Fuzz(func(t *testing.T, zone uint8, raw []byte, unix int64, d1s, d2s uint32) {
		spec := timezone.CalendarConfig{Zone: fuzzZones[int(zone)%len(fuzzZones)], Week: map[string][]timezone.Interval{}, Observe: []string{"CN"}}
		days := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
		for i := 0; i+3 < len(raw) && i < 28; i += 4 {
			iv := timezone.Interval{From: timezone.Clock(int(raw[i])%25*60 + int(raw[i+1])%60), To: timezone.Clock(int(raw[i+2])%25*60 + int(raw[i+3])%60)}
			day := days[(i/4)%7]
			spec.Week[day] = append(spec.Week[day], iv)
		}
		c, err := timezone.NewCalendar(spec)
		if err != nil {
			return // overlapping or empty intervals: refused, not panicking
		}
		from := time.Unix(unix%(1<<33), 0) // years 1970–2242
		d1 := time.Duration(d1s%(200*3600)) * time.Second
		d2 := d1 + time.Duration(d2s%(200*3600))*time.Second
		_ = c.IsOpen(from)
		_, _ = c.NextOpen(from)
		_, _ = c.NextClose(from)
		_, _ = c.AddBusinessDays(from, int(d1s%10))
		e1, err1 := c.AddBusiness(from, d1)
		e2, err2 := c.AddBusiness(from, d2)
		if err1 != nil || err2 != nil {
			return
		}
		require.False(t, e2.Before(e1), "AddBusiness is monotonic")
		b1, err1 := c.BusinessBetween(from, e1)
		b2, err2 := c.BusinessBetween(from, e2)
		if err1 != nil || err2 != nil {
			require.ErrorIs(t, errors.Join(err1, err2), timezone.ErrNoHolidayData)
			return
		}
		require.Equal(t, d1, b1)
		require.Equal(t, d2, b2)
	})
}

// TestAddBusinessProperty is the fuzz property on random inputs, run every time.
func TestAddBusinessProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cals := []*timezone.Calendar{shanghai(t),
		cal(t, timezone.CalendarConfig{Zone: "America/New_York", Week: map[string][]timezone.Interval{"sun": hours("01:00", "05:00"), "mon": hours("22:00", "06:00")}}),
		cal(t, timezone.CalendarConfig{Zone: "Australia/Lord_Howe", Country: "AU"})}
	for range 500 {
		c := cals[r.IntN(len(cals))]
		// China's holidays are known for 2025 and 2026 only.
		from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))
		d := time.Duration(r.Int64N(int64(100 * time.Hour)))
		due, err := c.AddBusiness(from, d)
		require.NoError(t, err)
		require.Equal(t, d, between(t, c, from, due), "%s from %s + %v", c.Zone(), from, d)
	}
}
