package tiering

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
	"github.com/strata-go/strata/internal/par"
	"github.com/strata-go/strata/timezone"
)

// ScheduleConfig says when customers can be contacted and who covers for
// whom, for follow-up schedules (NewScheduler), as plain data
// (ParseScheduleConfig; schedule.schema.json beside this package).
type ScheduleConfig struct {
	// CustomerHours are the hours customers are assumed to work, on the
	// working days of their country, in their own zone; default 09:00–18:00.
	CustomerHours []timezone.Interval `json:"customer_hours,omitempty"`
	// HolidayYears adds public holidays for customers' countries and years
	// Strata does not ship (China's next year once the State Council
	// publishes it, a country Strata has none for), or replaces shipped
	// ones.
	HolidayYears []timezone.HolidayYear `json:"holiday_years,omitempty"`
	// NoHolidays lists countries (ISO 3166-1) whose customers are scheduled
	// without public holidays. A customer in a country Strata has no
	// holidays for, neither here nor in HolidayYears, cannot be scheduled:
	// its follow-up is an error, not a call on Christmas Day.
	NoHolidays []string `json:"no_holidays,omitempty"`
	// Owners are the reps' shifts, by the ID a record's Owner holds (a
	// routing.Agent's Shift).
	Owners map[string]timezone.CalendarConfig `json:"owners,omitempty"`
	// Teams cover, in order, for an owner whose shift never meets the
	// customer's hours within two weeks, or a customer with no owner:
	// follow the sun.
	Teams []TeamConfig `json:"teams,omitempty"`
	// Slot is the shortest contact window worth offering; default 30
	// minutes.
	Slot strata.Duration `json:"slot,omitempty"`
}

// TeamConfig is a team that takes calls in its own shift.
type TeamConfig struct {
	Name     string                  `json:"name"`
	Calendar timezone.CalendarConfig `json:"calendar"`
}

// ParseScheduleConfig reads a schedule configuration from JSON or YAML
// (JSON when data starts with '{'), strictly: unknown keys, values of the
// wrong type and missing required fields are errors, each a
// *strata.ConfigError naming its path and its line and column, all returned
// at once. NewScheduler checks the values.
func ParseScheduleConfig(data []byte) (ScheduleConfig, error) {
	var c ScheduleConfig
	if err := load.Decode(data, &c); err != nil {
		return ScheduleConfig{}, err
	}
	return c, nil
}

// Cover says whose working time a follow-up slot falls in.
type Cover string

// The covers. Every slot is inside the customer's working hours.
const (
	ByOwner    Cover = "owner"    // the owner's shift too
	ByTeam     Cover = "team"     // a covering team's shift (follow the sun)
	ByCustomer Cover = "customer" // nobody's shift meets it within two weeks: the host decides
)

// FollowUp is when a customer should next be contacted.
type FollowUp struct {
	CustomerID string  `json:"customer_id"`
	Tier       string  `json:"tier"`
	Cadence    Cadence `json:"cadence"`
	Owner      string  `json:"owner,omitempty"`
	// Due is when the cadence makes the next contact due, in the customer's
	// zone: the last contact plus the cadence in the customer's calendar
	// days and months. Zero when the tier has no follow-up.
	Due time.Time `json:"due,omitzero"`
	// Overdue counts the customer's calendar days from the due date to
	// now's date; 0 when due today or later.
	Overdue int `json:"overdue,omitempty"`
	// Slot is the first window, from the due date on (and not before now),
	// in the customer's working hours (never a weekend or public holiday of
	// theirs) and, as By says, in the owner's or a team's shift, at least
	// ScheduleConfig.Slot long. Times are in the customer's zone.
	Slot strata.Span `json:"slot,omitzero"`
	By   Cover       `json:"by,omitempty"`
	// Team is the covering team when By is ByTeam.
	Team string `json:"team,omitempty"`
}

// LastContact is one customer of a book with when its owner last reached
// it (zero: never).
type LastContact struct {
	Customer strata.Customer `json:"customer"`
	At       time.Time       `json:"at,omitzero"`
}

// Scheduler plans follow-ups in customers' working hours: the tier's cadence
// from a tiering Engine, each customer's calendar (its zone, country and
// subdivision: weekends and public holidays from package timezone), the
// owner's shift, and covering teams. It is immutable and safe for
// concurrent use; it caches customers' calendars (a bounded number).
type Scheduler struct {
	tiers  *Engine
	cfg    ScheduleConfig
	owners map[string]*timezone.Calendar
	teams  []timezone.Team
	slot   time.Duration
	noHol  map[string]bool
	cals   sync.Map // zone|country|subdivision → *timezone.Calendar
	calN   atomic.Int64
}

// maxCachedCalendars bounds the customer calendars a Scheduler keeps.
const maxCachedCalendars = 4096

// searchDays is how far a slot in someone's shift is looked for.
const searchDays = 14

// NewScheduler builds a Scheduler over a tiering engine (whose primary
// ladder's tiers give the cadences). It reports every problem at once: a
// nil or zero engine, invalid owner and team calendars (with their paths),
// team names empty or repeated, invalid holiday years and countries, a
// negative slot.
func NewScheduler(tiers *Engine, cfg ScheduleConfig) (*Scheduler, error) {
	if err := tiers.ready(); err != nil {
		return nil, err
	}
	s := &Scheduler{tiers: tiers, cfg: cloneSchedule(cfg), owners: map[string]*timezone.Calendar{},
		slot: cfg.Slot.Std(), noHol: map[string]bool{}}
	if s.slot == 0 {
		s.slot = 30 * time.Minute
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if s.slot < 0 {
		bad("slot", "negative")
	}
	for _, id := range slices.Sorted(maps.Keys(cfg.Owners)) {
		cal, err := timezone.NewCalendar(cfg.Owners[id])
		if err != nil {
			errs = append(errs, strata.Prefix("owners."+id, err))
			continue
		}
		s.owners[id] = cal
	}
	names := map[string]bool{}
	for i, t := range cfg.Teams {
		if t.Name == "" || names[t.Name] {
			bad(fmt.Sprintf("teams[%d].name", i), "missing or duplicate team name %q", t.Name)
		}
		names[t.Name] = true
		cal, err := timezone.NewCalendar(t.Calendar)
		if err != nil {
			errs = append(errs, strata.Prefix(fmt.Sprintf("teams[%d].calendar", i), err))
			continue
		}
		s.teams = append(s.teams, timezone.Team{Name: t.Name, Calendar: cal})
	}
	for i, c := range cfg.NoHolidays {
		if !strata.IsCountry(c) {
			bad(fmt.Sprintf("no_holidays[%d]", i), "%q is not an ISO 3166-1 alpha-2 country code", c)
		}
		s.noHol[c] = true
	}
	if _, err := timezone.NewCalendar(timezone.CalendarConfig{Zone: "UTC", Hours: cfg.CustomerHours}); err != nil {
		for _, p := range strata.Problems(err) {
			if ce, ok := errors.AsType[*strata.ConfigError](p); ok && strings.HasPrefix(ce.Path, "hours") {
				e := *ce
				e.Path = "customer_hours" + strings.TrimPrefix(ce.Path, "hours")
				p = &e
			}
			errs = append(errs, p)
		}
	}
	errs = append(errs, s.checkYears()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// checkYears checks the holiday years as a calendar observing them would.
func (s *Scheduler) checkYears() []error {
	var errs []error
	for i, y := range s.cfg.HolidayYears {
		country, _, _ := strings.Cut(y.Region, "-")
		cfg := timezone.CalendarConfig{Zone: "UTC", Observe: []string{y.Region}, HolidayYears: []timezone.HolidayYear{y}}
		if !strata.IsCountry(country) {
			errs = append(errs, &strata.ConfigError{Path: fmt.Sprintf("holiday_years[%d].region", i),
				Msg: fmt.Sprintf("%q is not an ISO 3166 code", y.Region)})
			continue
		}
		if _, err := timezone.NewCalendar(cfg); err != nil {
			errs = append(errs, strata.Prefix(fmt.Sprintf("holiday_years[%d]", i), err))
		}
	}
	return errs
}

func cloneSchedule(c ScheduleConfig) ScheduleConfig {
	c.CustomerHours = slices.Clone(c.CustomerHours)
	c.HolidayYears = slices.Clone(c.HolidayYears)
	c.NoHolidays = slices.Clone(c.NoHolidays)
	c.Owners = maps.Clone(c.Owners)
	c.Teams = slices.Clone(c.Teams)
	return c
}

// Config returns a copy of the configuration the Scheduler was built from.
func (s *Scheduler) Config() ScheduleConfig {
	if s == nil {
		return ScheduleConfig{}
	}
	return cloneSchedule(s.cfg)
}

// CustomerCalendar returns the working calendar a customer is scheduled
// in: its zone (the record's TimeZone, else its subdivision's or country's),
// the configured hours on its country's working days, and the public
// holidays of its subdivision or country. It fails for a record without a
// valid country or zone, and for a country Strata has no holidays for that
// the configuration neither gives (HolidayYears) nor exempts (NoHolidays).
func (s *Scheduler) CustomerCalendar(c *strata.Customer) (*timezone.Calendar, error) {
	if s == nil || s.tiers == nil {
		return nil, errors.New("tiering: nil Scheduler (build one with NewScheduler)")
	}
	if c == nil {
		return nil, errNilRecord
	}
	zone, err := timezone.Resolve(c.TimeZone, c.Country, c.Subdivision)
	if err != nil {
		return nil, fmt.Errorf("tiering: customer %q: %w", c.ID, err)
	}
	key := zone + "|" + c.Country + "|" + c.Subdivision
	if v, ok := s.cals.Load(key); ok {
		return v.(*timezone.Calendar), nil
	}
	cfg := timezone.CalendarConfig{Zone: zone, Country: c.Country, Subdivision: c.Subdivision,
		Hours: s.cfg.CustomerHours, NoCountryHolidays: s.noHol[c.Country]}
	for _, y := range s.cfg.HolidayYears {
		if y.Region == c.Country || (c.Subdivision != "" && y.Region == c.Subdivision) {
			cfg.AddYear(y)
		}
	}
	cal, err := timezone.NewCalendar(cfg)
	if err != nil {
		return nil, fmt.Errorf("tiering: customer %q's calendar: %w", c.ID, err)
	}
	if s.calN.Load() < maxCachedCalendars {
		if _, loaded := s.cals.LoadOrStore(key, cal); !loaded {
			s.calN.Add(1)
		}
	}
	return cal, nil
}

// Next returns the customer's next follow-up after the last contact (zero:
// never contacted, so due since it entered its tier, or now), as of now:
// the cadence of its tier on the primary ladder (the record's Tier) makes
// it due, and the slot is the first window from the due date on, not before
// now, inside the customer's working hours and, where they meet within two
// weeks, the owner's shift (the record's Owner), else the first covering
// team's, else the customer's hours alone (By says which). A tier whose
// cadence is none gives a FollowUp with no due date. It fails for a record
// without a tier the engine knows, for a customer whose calendar cannot be
// built (see CustomerCalendar), and, wrapping timezone.ErrNoHolidayData, when
// the search reaches a year whose public holidays a calendar does not know:
// a schedule is never made up.
func (s *Scheduler) Next(c *strata.Customer, last, now time.Time) (FollowUp, error) {
	if s == nil || s.tiers == nil {
		return FollowUp{}, errors.New("tiering: nil Scheduler (build one with NewScheduler)")
	}
	if c == nil {
		return FollowUp{}, errNilRecord
	}
	t, ok := s.tiers.Tier(s.tiers.ladders[0].name, c.Tier)
	if !ok {
		return FollowUp{}, fmt.Errorf("tiering: customer %q: tier %q is not on ladder %q (classify and apply first)",
			c.ID, c.Tier, s.tiers.ladders[0].name)
	}
	f := FollowUp{CustomerID: c.ID, Tier: c.Tier, Cadence: t.FollowUp, Owner: c.Owner}
	if t.FollowUp == CadenceNone || t.FollowUp == CadenceUnset {
		return f, nil
	}
	cal, err := s.CustomerCalendar(c)
	if err != nil {
		return FollowUp{}, err
	}
	loc := cal.Location()
	f.Due = s.due(c, t.FollowUp, last, now).In(loc)
	dueDay, today := strata.DateOf(f.Due), strata.DateOf(now.In(loc))
	f.Overdue = max(0, int(today.In(time.UTC).Sub(dueDay.In(time.UTC)).Hours()/24))
	from := dueDay.In(loc)
	if from.Before(now) {
		from = now
	}
	if err := s.slotFor(&f, cal, c.Owner, from); err != nil {
		return FollowUp{}, fmt.Errorf("tiering: customer %q's follow-up: %w", c.ID, err)
	}
	return f, nil
}

// due is when the cadence makes the next contact due.
func (s *Scheduler) due(c *strata.Customer, cd Cadence, last, now time.Time) time.Time {
	switch {
	case !last.IsZero():
		return cd.Next(last)
	case !c.TierSince.IsZero():
		return c.TierSince
	}
	return now
}

// slotFor finds the slot from from on: with the owner, else a team, else
// the customer alone.
func (s *Scheduler) slotFor(f *FollowUp, cal *timezone.Calendar, owner string, from time.Time) error {
	loc := cal.Location()
	if oc := s.owners[owner]; oc != nil {
		span, ok, err := s.window(cal, oc, from)
		if err != nil {
			return fmt.Errorf("owner %q: %w", owner, err)
		}
		if ok {
			f.Slot, f.By = inZone(span, loc), ByOwner
			return nil
		}
	}
	found := false
	for _, t := range s.teams {
		span, ok, err := s.window(cal, t.Calendar, from)
		if err != nil {
			return fmt.Errorf("team %q: %w", t.Name, err)
		}
		if ok && (!found || span.Start.Before(f.Slot.Start)) {
			f.Slot, f.By, f.Team, found = inZone(span, loc), ByTeam, t.Name, true
		}
	}
	if found {
		return nil
	}
	span, err := s.alone(cal, from)
	if err != nil {
		return err
	}
	f.Slot, f.By = inZone(span, loc), ByCustomer
	return nil
}

func inZone(s strata.Span, loc *time.Location) strata.Span {
	return strata.Span{Start: s.Start.In(loc), End: s.End.In(loc)}
}

// window returns the first span of at least the slot's length, within
// searchDays of from, when both calendars are working, day by day in the
// customer's zone, so a day past the last one needed is never asked about.
func (s *Scheduler) window(cust, other *timezone.Calendar, from time.Time) (strata.Span, bool, error) {
	loc := cust.Location()
	start := from
	for d := 0; d < searchDays; d++ {
		l := start.In(loc)
		end := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
		a, err := cust.Spans(start, end)
		if err != nil {
			return strata.Span{}, false, err
		}
		if len(a) > 0 {
			b, err := other.Spans(start, end)
			if err != nil {
				return strata.Span{}, false, err
			}
			for _, sp := range strata.IntersectSpans(a, b) {
				if sp.Duration() >= s.slot {
					return sp, true, nil
				}
			}
		}
		start = end
	}
	return strata.Span{}, false, nil
}

// alone returns the customer's first working span of at least the slot's
// length from from on.
func (s *Scheduler) alone(cust *timezone.Calendar, from time.Time) (strata.Span, error) {
	t := from
	for range 2 * 366 * 4 { // at most four spans a day for two years
		open, err := cust.NextOpen(t)
		if err != nil {
			return strata.Span{}, err
		}
		end, err := cust.NextClose(open)
		if err != nil {
			return strata.Span{}, err
		}
		if end.Sub(open) >= s.slot {
			return strata.Span{Start: open, End: end}, nil
		}
		t = end
	}
	return strata.Span{}, timezone.ErrNeverOpen
}

// Calls is the daily call list: it goes through a book and yields, in input
// order, the follow-up of every customer due on or before now's date in the
// customer's zone (Overdue counts the days late), each with its slot, or the
// error that kept a customer from being scheduled (with its ID, so no
// customer silently drops off the list). Customers not yet due, and tiers
// without follow-ups, are left out. It works on all cores and stops when
// the consumer stops or ctx is done (the last pair then carries ctx's
// error); a panic of the sequence ends it with an error wrapping
// ErrPanicked.
func (s *Scheduler) Calls(ctx context.Context, book iter.Seq[LastContact], now time.Time) iter.Seq2[FollowUp, error] {
	return func(yield func(FollowUp, error) bool) {
		switch {
		case s == nil || s.tiers == nil:
			yield(FollowUp{}, errors.New("tiering: nil Scheduler (build one with NewScheduler)"))
			return
		case ctx == nil:
			yield(FollowUp{}, errors.New("tiering: nil context"))
			return
		case book == nil:
			yield(FollowUp{}, errors.New("tiering: nil book"))
			return
		}
		type out struct {
			f   FollowUp
			due bool
		}
		worker := func() par.Func[LastContact, out] {
			return func(_ context.Context, lc *LastContact) (out, error) {
				f, err := s.Next(&lc.Customer, lc.At, now)
				if err != nil {
					return out{f: FollowUp{CustomerID: lc.Customer.ID}}, err
				}
				due := !f.Due.IsZero() && !strata.DateOf(f.Due).After(strata.DateOf(now.In(f.Due.Location())))
				return out{f: f, due: due}, nil
			}
		}
		err := par.Map(ctx, book, worker, func(o out, err error) bool {
			if err == nil && !o.due {
				return true
			}
			return yield(o.f, err)
		})
		if err != nil {
			if errors.Is(err, par.ErrPanicked) {
				err = fmt.Errorf("%w: %w", ErrPanicked, err)
			}
			yield(FollowUp{}, err)
		}
	}
}
