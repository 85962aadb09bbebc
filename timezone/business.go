package timezone

import (
	"fmt"
	"time"

	"github.com/strata-go/strata"
)

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
// where one runs straight into the next, until f returns false (walk then
// returns nil), the horizon passes (ErrNeverOpen), or a day without holiday
// data is reached (ErrNoHolidayData).
func (c *Calendar) walk(t time.Time, f func(strata.Span) bool) error {
	if !c.ok() {
		return ErrNilCalendar
	}
	n := c.dayNumber(t)
	if c.overnight {
		n-- // yesterday's overnight shift may still run
	}
	var buf [8]strata.Span
	var pending bool
	var held strata.Span
	for i := 0; i < horizonDays; i++ {
		if err := c.check(n + i); err != nil {
			if pending && !f(held) {
				return nil
			}
			return err
		}
		for _, s := range c.spansOn(n+i, buf[:0]) {
			if !s.End.After(t) {
				continue
			}
			if pending && !s.Start.After(held.End) {
				held.End = maxTime(held.End, s.End)
				continue
			}
			if pending && !f(held) {
				return nil
			}
			held, pending = s, true
		}
	}
	if pending && !f(held) {
		return nil
	}
	return ErrNeverOpen
}

// Spans returns the working spans that overlap [from, to), clipped to it,
// in the calendar's zone, within two years of from. It fails with an error
// wrapping ErrNoHolidayData when [from, to) reaches a day whose holidays the
// calendar does not know.
func (c *Calendar) Spans(from, to time.Time) ([]strata.Span, error) {
	if !c.ok() {
		return nil, ErrNilCalendar
	}
	if err := c.checkRange(from, to); err != nil {
		return nil, err
	}
	var out []strata.Span
	_ = c.walk(from, func(s strata.Span) bool { // days past to may lack data: no matter
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
	return out, nil
}

// checkRange returns the error for the first day of [from, to), within the
// horizon, that has no holiday data.
func (c *Calendar) checkRange(from, to time.Time) error {
	if c.cover == nil || !from.Before(to) {
		return nil
	}
	first, last := c.dayNumber(from), c.dayNumber(to.Add(-time.Nanosecond))
	if c.overnight {
		first--
	}
	last = min(last, first+horizonDays)
	for n := first; n <= last; n++ {
		if err := c.check(n); err != nil {
			return err
		}
	}
	return nil
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
// not enough working time within two years, with ErrNoHolidayData when the
// count reaches a day whose holidays the calendar does not know, and for a
// negative d.
func (c *Calendar) AddBusiness(t time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("timezone: negative business duration %v", d)
	}
	if !c.ok() {
		return time.Time{}, ErrNilCalendar
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
	if !c.ok() {
		return time.Time{}, ErrNilCalendar
	}
	day := c.dayNumber(t)
	if n == 0 {
		return t, nil
	}
	if err := c.check(day); err != nil {
		return time.Time{}, err
	}
	into := c.workedBefore(day, t)
	target := day
	for found := 0; found < n; {
		target++
		if target-day > horizonDays {
			return time.Time{}, ErrNeverOpen
		}
		if err := c.check(target); err != nil {
			return time.Time{}, err
		}
		if len(c.hoursOn(target)) > 0 {
			found++
		}
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

// workedBefore returns the working time of day n before t.
func (c *Calendar) workedBefore(n int, t time.Time) time.Duration {
	var into time.Duration
	for _, s := range c.spansOn(n, nil) {
		switch {
		case !t.After(s.Start):
		case t.Before(s.End):
			into += t.Sub(s.Start)
		default:
			into += s.Duration()
		}
	}
	return into
}

// BusinessBetween returns the working time between a and b; negative when b
// is before a.
func (c *Calendar) BusinessBetween(a, b time.Time) (time.Duration, error) {
	if b.Before(a) {
		d, err := c.BusinessBetween(b, a)
		return -d, err
	}
	spans, err := c.Spans(a, b)
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, s := range spans {
		total += s.Duration()
	}
	return total, nil
}
