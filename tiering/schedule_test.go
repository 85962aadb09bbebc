package tiering_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/tiering"
	"github.com/strata-go/strata/timezone"
)

// scheduleTiers has a tier for every cadence the tests need.
func scheduleTiers(t testing.TB) *tiering.Engine {
	t.Helper()
	return compile(t, tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value", Tiers: []tiering.Tier{
		{Name: "vip", When: `customer.orders >= 100`, FollowUp: tiering.CadenceWeekly},
		{Name: "key", When: `customer.orders >= 50`, FollowUp: tiering.CadenceMonthly},
		{Name: "daily", When: `customer.orders >= 40`, FollowUp: tiering.CadenceDaily},
		{Name: "dormant", When: `customer.orders == 0`, FollowUp: tiering.CadenceNone},
		{Name: "regular", FollowUp: tiering.CadenceQuarterly},
	}}}})
}

func hours(spec ...string) []timezone.Interval {
	var out []timezone.Interval
	for _, s := range spec {
		from, to, _ := strings.Cut(s, "-")
		f, err := timezone.ParseClock(from)
		if err != nil {
			panic(err)
		}
		tt, err := timezone.ParseClock(to)
		if err != nil {
			panic(err)
		}
		out = append(out, timezone.Interval{From: f, To: tt})
	}
	return out
}

func scheduler(t testing.TB, cfg tiering.ScheduleConfig) *tiering.Scheduler {
	t.Helper()
	s, err := tiering.NewScheduler(scheduleTiers(t), cfg)
	require.NoError(t, err)
	return s
}

func shanghaiRep() timezone.CalendarConfig {
	return timezone.CalendarConfig{Zone: "Asia/Shanghai", Country: "CN"}
}

func local(t time.Time, zone string) time.Time {
	loc, err := timezone.Location(zone)
	if err != nil {
		panic(err)
	}
	return t.In(loc)
}

// The finding of issue 19: NextFollowUp is now plus the cadence in now's
// zone, so a weekly follow-up of a customer in São Paulo lands on a Sunday
// at 3 a.m. their time. The Scheduler puts it in their working hours.
func TestFollowUpInTheCustomersHours(t *testing.T) {
	c := strata.Customer{ID: "sp", Country: "BR", Subdivision: "BR-SP", Orders: 120, Tier: "vip"}
	e := scheduleTiers(t)
	p, err := e.Classify(t.Context(), &c, now) // Sunday 22 November 2026, 09:00 UTC
	require.NoError(t, err)
	naive := local(p.NextFollowUp, "America/Sao_Paulo")
	assert.Equal(t, time.Sunday, naive.Weekday(), "the finding: a Sunday")
	assert.Equal(t, 6, naive.Hour(), "at 6 a.m. in São Paulo")

	s := scheduler(t, tiering.ScheduleConfig{})
	f, err := s.Next(&c, now, now)
	require.NoError(t, err)
	assert.Equal(t, "2026-11-29T06:00:00-03:00", f.Due.Format(time.RFC3339), "due a week later, in the customer's zone")
	assert.Equal(t, "2026-11-30T09:00:00-03:00", f.Slot.Start.Format(time.RFC3339), "called on Monday at nine")
	assert.Equal(t, "2026-11-30T18:00:00-03:00", f.Slot.End.Format(time.RFC3339))
	assert.Equal(t, tiering.ByCustomer, f.By, "no owner, no team")
	assert.Equal(t, 0, f.Overdue)
	assert.Equal(t, tiering.FollowUp{CustomerID: "sp", Tier: "vip", Cadence: tiering.CadenceWeekly,
		Due: f.Due, Slot: f.Slot, By: tiering.ByCustomer}, f)
}

// A rep in Shanghai and a customer in Singapore share their hours, but not
// China's National Day holiday: the follow-up due on 1 October waits until
// the rep is back, and is never on one of the rep's public holidays.
func TestFollowUpInTheOwnersShift(t *testing.T) {
	s := scheduler(t, tiering.ScheduleConfig{Owners: map[string]timezone.CalendarConfig{"rep-sh": shanghaiRep()}})
	c := strata.Customer{ID: "sg", Country: "SG", Orders: 120, Tier: "vip", Owner: "rep-sh"}
	last := time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC)
	f, err := s.Next(&c, last, last)
	require.NoError(t, err)
	assert.Equal(t, tiering.ByOwner, f.By)
	assert.Equal(t, "2026-10-01", strata.DateOf(f.Due).String())
	cn, err := timezone.BuiltinHolidayYear("CN", 2026)
	require.NoError(t, err)
	holiday := func(d strata.Date) bool {
		return slices.ContainsFunc(cn.Holidays, func(h timezone.Holiday) bool { return h.Date == d })
	}
	day := strata.DateOf(local(f.Slot.Start, "Asia/Shanghai"))
	assert.Equal(t, "2026-10-08", day.String())
	assert.False(t, holiday(day))
	for d := strata.DateOf(f.Due); d.Before(day); d = d.AddDays(1) {
		assert.True(t, holiday(d) || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday, "%s was a working day for the rep", d)
	}
	assert.Equal(t, 9, local(f.Slot.Start, "Asia/Singapore").Hour())
}

// A rep in Shanghai never shares working hours with a customer in São
// Paulo: a covering team in New York takes the call (follow the sun), and
// without one the slot is in the customer's hours alone.
func TestFollowUpFollowsTheSun(t *testing.T) {
	c := strata.Customer{ID: "sp", Country: "BR", Subdivision: "BR-SP", Orders: 60, Tier: "key", Owner: "rep-sh"}
	last := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	at := time.Date(2026, 4, 2, 1, 0, 0, 0, time.UTC)
	teams := []tiering.TeamConfig{
		{Name: "berlin", Calendar: timezone.CalendarConfig{Zone: "Europe/Berlin", Country: "DE", Subdivision: "DE-BE"}},
		{Name: "new-york", Calendar: timezone.CalendarConfig{Zone: "America/New_York", Country: "US", Subdivision: "US-NY"}},
	}
	s := scheduler(t, tiering.ScheduleConfig{Owners: map[string]timezone.CalendarConfig{"rep-sh": shanghaiRep()}, Teams: teams})
	f, err := s.Next(&c, last, at)
	require.NoError(t, err)
	assert.Equal(t, tiering.ByTeam, f.By)
	assert.Equal(t, "berlin", f.Team, "Berlin's afternoon meets São Paulo's morning first")
	assert.Equal(t, "2026-04-02T09:00:00-03:00", f.Slot.Start.Format(time.RFC3339))
	assert.Equal(t, "2026-04-02T13:00:00-03:00", f.Slot.End.Format(time.RFC3339), "18:00 in Berlin")

	s = scheduler(t, tiering.ScheduleConfig{Owners: map[string]timezone.CalendarConfig{"rep-sh": shanghaiRep()}, Teams: teams[1:]})
	f, err = s.Next(&c, last, at)
	require.NoError(t, err)
	assert.Equal(t, tiering.ByTeam, f.By)
	assert.Equal(t, "new-york", f.Team)
	assert.Equal(t, "2026-04-02T10:00:00-03:00", f.Slot.Start.Format(time.RFC3339), "09:00 in New York")

	s = scheduler(t, tiering.ScheduleConfig{Owners: map[string]timezone.CalendarConfig{"rep-sh": shanghaiRep()}})
	f, err = s.Next(&c, last, at)
	require.NoError(t, err)
	assert.Equal(t, tiering.ByCustomer, f.By)
	assert.Empty(t, f.Team)
	assert.Equal(t, "2026-04-02T09:00:00-03:00", f.Slot.Start.Format(time.RFC3339))
}

// A year whose public holidays a calendar does not know is an error, never
// a schedule: China's 2027 holidays are not published yet. Given by the
// host, the year schedules.
func TestFollowUpWithoutHolidayData(t *testing.T) {
	c := strata.Customer{ID: "cn", Country: "CN", Subdivision: "CN-ZJ", Orders: 120, Tier: "vip"}
	s := scheduler(t, tiering.ScheduleConfig{})
	last := time.Date(2026, 12, 29, 3, 0, 0, 0, time.UTC)
	_, err := s.Next(&c, last, last)
	require.ErrorIs(t, err, timezone.ErrNoHolidayData)
	assert.Contains(t, err.Error(), `customer "cn"`)

	// The owner's calendar lacks the year: the same.
	us := strata.Customer{ID: "us", Country: "US", Subdivision: "US-NY", Orders: 120, Tier: "vip", Owner: "rep-sh"}
	s = scheduler(t, tiering.ScheduleConfig{Owners: map[string]timezone.CalendarConfig{"rep-sh": shanghaiRep()}})
	_, err = s.Next(&us, last, last)
	require.ErrorIs(t, err, timezone.ErrNoHolidayData)
	assert.Contains(t, err.Error(), `owner "rep-sh"`)

	y2027 := timezone.HolidayYear{Region: "CN", Year: 2027, Source: "test: New Year's Day only",
		Holidays: []timezone.Holiday{{Date: strata.Date{Year: 2027, Month: 1, Day: 1}, Name: "元旦"}}}
	s = scheduler(t, tiering.ScheduleConfig{HolidayYears: []timezone.HolidayYear{y2027}})
	f, err := s.Next(&c, last, last)
	require.NoError(t, err)
	assert.Equal(t, "2027-01-05T09:00:00+08:00", f.Slot.Start.Format(time.RFC3339))

	// A country Strata has no holidays for is refused, unless exempted.
	ke := strata.Customer{ID: "ke", Country: "KE", Orders: 120, Tier: "vip"}
	_, err = scheduler(t, tiering.ScheduleConfig{}).Next(&ke, now, now)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `customer "ke"'s calendar`)
	f, err = scheduler(t, tiering.ScheduleConfig{NoHolidays: []string{"KE"}}).Next(&ke, now, now)
	require.NoError(t, err)
	assert.Equal(t, "2026-11-30T09:00:00+03:00", f.Slot.Start.Format(time.RFC3339))
}

func TestFollowUpCadencesAndDue(t *testing.T) {
	s := scheduler(t, tiering.ScheduleConfig{CustomerHours: hours("08:30-12:00", "14:00-17:30"), Slot: strata.Duration(time.Hour)})
	de := func(orders int, tier string) strata.Customer {
		return strata.Customer{ID: "de", Country: "DE", Subdivision: "DE-BY", Orders: orders, Tier: tier}
	}
	now := time.Date(2026, 6, 10, 10, 0, 0, 0, time.UTC) // Wednesday, 12:00 in Munich
	tests := []struct {
		name       string
		c          strata.Customer
		last       time.Time
		due, slot  string
		overdue    int
		noFollowUp bool
	}{
		{"monthly, not yet due", de(60, "key"), time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC),
			"2026-07-01T10:00:00+02:00", "2026-07-01T08:30:00+02:00", 0, false},
		{"quarterly, overdue: the slot is from now on", de(1, "regular"), time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC),
			"2026-05-03T10:00:00+02:00", "2026-06-10T14:00:00+02:00", 38, false},
		{"daily, due today: the morning's rest is shorter than the slot", de(45, "daily"), time.Date(2026, 6, 9, 7, 0, 0, 0, time.UTC),
			"2026-06-10T09:00:00+02:00", "2026-06-10T14:00:00+02:00", 0, false},
		{"never contacted: due since it entered its tier", func() strata.Customer {
			c := de(120, "vip")
			c.TierSince = time.Date(2026, 6, 3, 22, 0, 0, 0, time.UTC)
			return c
		}(), time.Time{}, "2026-06-04T00:00:00+02:00", "2026-06-10T14:00:00+02:00", 6, false},
		{"never contacted, no tier date: due now", de(120, "vip"), time.Time{}, "2026-06-10T12:00:00+02:00", "2026-06-10T14:00:00+02:00", 0, false},
		{"Corpus Christi in Bavaria", de(120, "vip"), time.Date(2026, 5, 28, 9, 0, 0, 0, time.UTC),
			"2026-06-04T11:00:00+02:00", "2026-06-10T14:00:00+02:00", 6, false},
		{"no follow-up", de(0, "dormant"), time.Time{}, "", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := s.Next(&tt.c, tt.last, now)
			require.NoError(t, err)
			if tt.noFollowUp {
				assert.Equal(t, tiering.FollowUp{CustomerID: "de", Tier: tt.c.Tier, Cadence: tiering.CadenceNone}, f)
				return
			}
			assert.Equal(t, tt.due, f.Due.Format(time.RFC3339))
			assert.Equal(t, tt.slot, f.Slot.Start.Format(time.RFC3339))
			assert.Equal(t, tt.overdue, f.Overdue)
			assert.GreaterOrEqual(t, f.Slot.Duration(), time.Hour)
		})
	}
}

func TestSchedulerRefuses(t *testing.T) {
	e := scheduleTiers(t)
	_, err := tiering.NewScheduler(nil, tiering.ScheduleConfig{})
	require.Error(t, err)
	_, err = tiering.NewScheduler(&tiering.Engine{}, tiering.ScheduleConfig{})
	require.Error(t, err)
	_, err = tiering.NewScheduler(e, tiering.ScheduleConfig{
		Owners:        map[string]timezone.CalendarConfig{"b": {Zone: "Mars/Olympus"}, "a": {Zone: "UTC", Country: "KE"}},
		Teams:         []tiering.TeamConfig{{Name: "x", Calendar: timezone.CalendarConfig{Zone: "UTC"}}, {Name: "x", Calendar: timezone.CalendarConfig{Zone: "UTC"}}},
		NoHolidays:    []string{"XX"},
		CustomerHours: []timezone.Interval{{From: 600, To: 600}},
		Slot:          -1,
		HolidayYears:  []timezone.HolidayYear{{Region: "ZZ", Year: 2027}},
	})
	var got []string
	for _, p := range strata.Problems(err) {
		got = append(got, p.Error())
	}
	assert.Equal(t, []string{
		"slot: negative",
		"owners.a.country: no built-in public holidays for \"KE\": give them in holiday_years, or set no_country_holidays",
		"owners.b.zone: unknown IANA zone \"Mars/Olympus\"",
		`teams[1].name: missing or duplicate team name "x"`,
		`no_holidays[0]: "XX" is not an ISO 3166-1 alpha-2 country code`,
		"customer_hours[0]: empty interval 10:00–10:00",
		`holiday_years[0].region: "ZZ" is not an ISO 3166 code`,
	}, got)

	s := scheduler(t, tiering.ScheduleConfig{})
	var nilS *tiering.Scheduler
	c := strata.Customer{ID: "x", Country: "CN", Tier: "gold"}
	_, err = s.Next(&c, now, now)
	assert.ErrorContains(t, err, `tier "gold" is not on ladder "value"`)
	_, err = s.Next(nil, now, now)
	assert.Error(t, err)
	_, err = nilS.Next(&c, now, now)
	assert.Error(t, err)
	_, err = nilS.CustomerCalendar(&c)
	assert.Error(t, err)
	_, err = s.CustomerCalendar(nil)
	assert.Error(t, err)
	bad := strata.Customer{ID: "y", Country: "", Tier: "vip"}
	_, err = s.Next(&bad, now, now)
	assert.Error(t, err)
	assert.Equal(t, tiering.ScheduleConfig{}, nilS.Config())
}

// The daily call list over a book: customers due today or overdue, in input
// order, each with its slot; errors carry the customer's ID; the rest are
// left out.
func TestCalls(t *testing.T) {
	s := scheduler(t, tiering.ScheduleConfig{Owners: map[string]timezone.CalendarConfig{"rep-sh": shanghaiRep()}})
	at := time.Date(2026, 6, 10, 1, 0, 0, 0, time.UTC) // Wednesday 09:00 in Shanghai
	book := []tiering.LastContact{
		{Customer: strata.Customer{ID: "due-today", Country: "CN", Orders: 120, Tier: "vip", Owner: "rep-sh"}, At: at.AddDate(0, 0, -7)},
		{Customer: strata.Customer{ID: "not-yet", Country: "CN", Orders: 60, Tier: "key", Owner: "rep-sh"}, At: at.AddDate(0, 0, -3)},
		{Customer: strata.Customer{ID: "overdue", Country: "JP", Orders: 1, Tier: "regular", Owner: "rep-sh"}, At: at.AddDate(0, -4, 0)},
		{Customer: strata.Customer{ID: "dormant", Country: "CN", Tier: "dormant"}},
		{Customer: strata.Customer{ID: "broken", Country: "CN", Tier: "platinum"}},
		{Customer: strata.Customer{ID: "never", Country: "US", Subdivision: "US-CA", Orders: 120, Tier: "vip"}},
	}
	for i := range 1000 {
		book = append(book, tiering.LastContact{Customer: strata.Customer{ID: fmt.Sprint("bulk", i), Country: "DE", Orders: 60, Tier: "key"}, At: at.AddDate(0, 0, -i%60)})
	}
	var ids []string
	var errs []string
	overdue := map[string]int{}
	for f, err := range s.Calls(t.Context(), slices.Values(book), at) {
		if err != nil {
			errs = append(errs, f.CustomerID+": "+err.Error())
			continue
		}
		ids = append(ids, f.CustomerID)
		overdue[f.CustomerID] = f.Overdue
		assert.False(t, f.Slot.Start.Before(at), f.CustomerID)
	}
	require.GreaterOrEqual(t, len(ids), 3)
	assert.Equal(t, []string{"due-today", "overdue", "never"}, ids[:3])
	assert.Equal(t, 0, overdue["due-today"])
	assert.Equal(t, 31, overdue["overdue"], "due 10 May in Tokyo, 31 days before 10 June")
	assert.Equal(t, []string{`broken: tiering: customer "broken": tier "platinum" is not on ladder "value" (classify and apply first)`}, errs)
	bulk := 0
	for _, id := range ids {
		if strings.HasPrefix(id, "bulk") {
			bulk++
		}
	}
	// Monthly in Germany: due when the last contact was a month ago or more
	// (10 May or before): i%60 >= 31.
	assert.Equal(t, 1000/60*29+max(0, 1000%60-31), bulk)
}

func TestCallsStops(t *testing.T) {
	s := scheduler(t, tiering.ScheduleConfig{})
	var nilS *tiering.Scheduler
	var nilCtx context.Context
	for name, seq := range map[string]func(yield func(tiering.FollowUp, error) bool){
		"nil scheduler": nilS.Calls(t.Context(), slices.Values([]tiering.LastContact{}), now),
		"nil context":   s.Calls(nilCtx, slices.Values([]tiering.LastContact{}), now),
		"nil book":      s.Calls(t.Context(), nil, now),
	} {
		n := 0
		for _, err := range seq {
			n++
			assert.Error(t, err, name)
		}
		assert.Equal(t, 1, n, name)
	}
	panicking := func(yield func(tiering.LastContact) bool) {
		yield(tiering.LastContact{Customer: strata.Customer{ID: "a", Country: "CN", Orders: 120, Tier: "vip"}})
		panic("database gone")
	}
	var last error
	for _, err := range s.Calls(t.Context(), panicking, now) {
		last = err
	}
	assert.ErrorIs(t, last, tiering.ErrPanicked)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, err := range s.Calls(ctx, slices.Values([]tiering.LastContact{{}}), now) {
		last = err
	}
	assert.ErrorIs(t, last, context.Canceled)
}

// holidayYear returns the built-in public holidays that apply to a region
// and year, as a set of closed dates (whole days only) and make-up
// workdays.
func holidayYear(t *testing.T, region string, year int) (closed, workdays map[strata.Date]bool) {
	y, err := timezone.BuiltinHolidayYear(region, year)
	require.NoError(t, err)
	closed, workdays = map[strata.Date]bool{}, map[strata.Date]bool{}
	for _, h := range y.Holidays {
		if len(h.Closed) == 0 {
			closed[h.Date] = true
		}
	}
	for _, w := range y.Workdays {
		workdays[w.Date] = true
	}
	return closed, workdays
}

type market struct {
	country, subdivision string
	zones                []string
}

var markets = []market{
	{"CN", "CN-SH", nil}, {"CN", "", nil}, {"US", "US-CA", []string{"America/Los_Angeles"}}, {"US", "US-NY", nil},
	{"DE", "DE-BY", nil}, {"BR", "BR-SP", nil}, {"BR", "", []string{"America/Manaus"}}, {"JP", "", nil}, {"GB", "GB-SCT", nil},
	{"IN", "", nil}, {"AE", "", nil}, {"SA", "", nil}, {"SG", "", nil}, {"AU", "AU-NSW", nil}, {"MX", "", nil}, {"FR", "", nil},
}

var shapes = [][]timezone.Interval{nil, hours("08:00-12:00", "13:00-17:00"), hours("10:00-16:00"), hours("07:30-19:45"), hours("09:00-11:00", "15:00-19:00")}

// randomSchedule returns a scheduler with random customer hours, owners and
// teams, and the names of its owners.
func randomSchedule(t *testing.T, rng *rand.Rand) (*tiering.Scheduler, []string, []timezone.Interval) {
	cfg := tiering.ScheduleConfig{CustomerHours: shapes[rng.IntN(len(shapes))], Owners: map[string]timezone.CalendarConfig{},
		Slot: strata.Duration(time.Duration(15+rng.IntN(4)*15) * time.Minute)}
	reps := []timezone.CalendarConfig{
		{Zone: "Asia/Shanghai", Country: "CN"}, {Zone: "Europe/Berlin", Country: "DE", Subdivision: "DE-BE"},
		{Zone: "America/Sao_Paulo", Country: "BR", Subdivision: "BR-SP", Hours: hours("08:00-17:00")},
		{Zone: "Asia/Dubai", Country: "AE", Hours: hours("22:00-06:00")}, {Zone: "America/New_York", Country: "US", Subdivision: "US-NY"},
	}
	var owners []string
	for i := range 1 + rng.IntN(3) {
		id := fmt.Sprint("rep", i)
		owners = append(owners, id)
		cfg.Owners[id] = reps[rng.IntN(len(reps))]
	}
	for i := range rng.IntN(3) {
		cfg.Teams = append(cfg.Teams, tiering.TeamConfig{Name: fmt.Sprint("team", i), Calendar: reps[rng.IntN(len(reps))]})
	}
	owners = append(owners, "", "nobody")
	hrs := cfg.CustomerHours
	if hrs == nil {
		hrs = hours("09:00-18:00")
	}
	return scheduler(t, cfg), owners, hrs
}

// Property: whatever the customer, calendars, cadence and dates, a
// follow-up's slot lies in the customer's working hours, on a working day
// of theirs (never a weekend unless a make-up workday, never a public
// holiday), not before now, at least a slot long, and in the shift of whom
// By names; the only failure is a year without holiday data. The holidays
// are checked against the published tables, not through the calendar.
func TestPropertyFollowUpsInCustomersHours(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2026))
	tiers := []string{"vip", "key", "daily", "regular"}
	checked, noData := 0, 0
	for round := range 40 {
		s, owners, hrs := randomSchedule(t, rng)
		for range 50 {
			m := markets[rng.IntN(len(markets))]
			c := strata.Customer{ID: fmt.Sprint("c", round), Country: m.country, Subdivision: m.subdivision,
				Tier: tiers[rng.IntN(len(tiers))], Owner: owners[rng.IntN(len(owners))]}
			if len(m.zones) > 0 {
				c.TimeZone = m.zones[0]
			}
			at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(730 * 24 * time.Hour))))
			last := at.Add(-time.Duration(rng.Int64N(int64(200 * 24 * time.Hour))))
			if rng.IntN(10) == 0 {
				last = time.Time{}
			}
			f, err := s.Next(&c, last, at)
			if err != nil {
				require.ErrorIs(t, err, timezone.ErrNoHolidayData, "%+v", c)
				noData++
				continue
			}
			checkSlot(t, s, &c, f, at, hrs)
			checked++
		}
	}
	assert.Greater(t, checked, 1500)
	assert.Less(t, noData, checked/4)
}

func checkSlot(t *testing.T, s *tiering.Scheduler, c *strata.Customer, f tiering.FollowUp, at time.Time, hrs []timezone.Interval) {
	t.Helper()
	cal, err := s.CustomerCalendar(c)
	require.NoError(t, err)
	start, end := f.Slot.Start.In(cal.Location()), f.Slot.End.In(cal.Location())
	slot := s.Config().Slot.Std()
	if slot == 0 {
		slot = 30 * time.Minute
	}
	require.GreaterOrEqual(t, f.Slot.Duration(), slot, "%+v", f)
	require.False(t, start.Before(at), "before now: %+v", f)
	require.False(t, strata.DateOf(start).Before(strata.DateOf(f.Due)), "before the due date: %+v", f)
	// On one working day of the customer's, within one interval of its hours.
	day := strata.DateOf(start)
	require.Equal(t, day, strata.DateOf(end.Add(-time.Nanosecond)), "%+v", f)
	region := c.Country
	if c.Subdivision != "" {
		region = c.Subdivision
	}
	closed, workdays := holidayYear(t, region, day.Year)
	require.False(t, closed[day], "%s is a public holiday in %s: %+v", day, region, f)
	if slices.Contains(timezone.Weekend(c.Country), day.Weekday()) {
		require.True(t, workdays[day], "%s is a weekend day in %s: %+v", day, c.Country, f)
	}
	from := start.Hour()*60 + start.Minute()
	to := end.Hour()*60 + end.Minute()
	if to == 0 {
		to = 1440
	}
	require.True(t, slices.ContainsFunc(hrs, func(iv timezone.Interval) bool { return int(iv.From) <= from && to <= int(iv.To) }),
		"%s–%s outside the customer's hours %v (%s)", start, end, hrs, c.Country)
	// In the named shift, the whole slot.
	var other *timezone.Calendar
	switch f.By {
	case tiering.ByOwner:
		other, err = timezone.NewCalendar(s.Config().Owners[c.Owner])
	case tiering.ByTeam:
		for _, tm := range s.Config().Teams {
			if tm.Name == f.Team {
				other, err = timezone.NewCalendar(tm.Calendar)
			}
		}
		require.NotNil(t, other)
	}
	require.NoError(t, err)
	for _, cl := range []*timezone.Calendar{cal, other} {
		if cl == nil {
			continue
		}
		worked, err := cl.BusinessBetween(start, end)
		require.NoError(t, err)
		require.Equal(t, f.Slot.Duration(), worked, "not all working time in %s: %+v", cl.Zone(), f)
	}
}

func TestScheduleConfigFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/schedule.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "schedule.schema.json", data, tiering.ParseScheduleConfig)
	s, err := tiering.NewScheduler(scheduleTiers(t), cfg)
	require.NoError(t, err)
	assert.Equal(t, cfg, s.Config())
	_, err = tiering.ParseScheduleConfig([]byte("slot: 30m\nowners:\n  rep-1:\n    zon: UTC\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `4:5: owners.rep-1.zon: unknown field (did you mean "zone"?)`)
	assert.True(t, errors.Is(err, err))
}

func FuzzParseScheduleConfig(f *testing.F) {
	data, err := os.ReadFile("testdata/schedule.yaml")
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"slot": "90d", "teams": [{"name": "", "calendar": {"zone": ""}}]}`))
	f.Add([]byte(`{"customer_hours": [{"from": "24:00", "to": "00:00"}], "no_holidays": ["CN", "CN"]}`))
	e, err := tiering.New(tiering.StarterConfig("CN"))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := tiering.ParseScheduleConfig(data)
		if err != nil {
			return
		}
		if s, err := tiering.NewScheduler(e, cfg); err == nil {
			c := strata.Customer{ID: "f", Country: "DE", Tier: "vip"}
			_, _ = s.Next(&c, now, now)
		}
	})
}
