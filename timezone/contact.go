package timezone

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// ErrNoOverlap is returned when two calendars share no working time long
// enough within the search window.
var ErrNoOverlap = errors.New("timezone: no shared working time")

// Overlap returns when both calendars are working during the day that
// contains day in a's zone (a is usually the rep): when a rep in Shanghai
// and a customer in Chicago can both pick up the phone.
func Overlap(a, b *Calendar, day time.Time) ([]strata.Span, error) {
	if !a.ok() || !b.ok() {
		return nil, ErrNilCalendar
	}
	local := day.In(a.loc)
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, a.loc)
	end := start.AddDate(0, 0, 1)
	return intersectSpans(a, b, start, end)
}

// intersectSpans returns when both calendars work in [from, to).
func intersectSpans(a, b *Calendar, from, to time.Time) ([]strata.Span, error) {
	sa, err := a.Spans(from, to)
	if err != nil {
		return nil, err
	}
	sb, err := b.Spans(from, to)
	if err != nil {
		return nil, err
	}
	return strata.IntersectSpans(sa, sb), nil
}

// GoodTimeToContact returns the first window from from on, within two
// weeks, when both the customer's and the agent's calendars are open for at
// least atLeast (at least one minute): the time to call, in both zones'
// working hours, so nobody is called at 3 a.m.
func GoodTimeToContact(customer, agent *Calendar, from time.Time, atLeast time.Duration) (strata.Span, error) {
	if !customer.ok() || !agent.ok() {
		return strata.Span{}, ErrNilCalendar
	}
	atLeast = max(atLeast, time.Minute)
	to := from.AddDate(0, 0, 14)
	both, err := intersectSpans(customer, agent, from, to)
	if err != nil {
		return strata.Span{}, err
	}
	for _, s := range both {
		if s.Duration() >= atLeast {
			return s, nil
		}
	}
	return strata.Span{}, ErrNoOverlap
}

// Team is a group working one calendar, for follow-the-sun coverage.
type Team struct {
	Name     string
	Calendar *Calendar
}

// Segment is a stretch of time with the same teams on duty.
type Segment struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Teams []string  `json:"teams"` // sorted; empty in a gap
}

// Handover is a moment when one team goes off duty and another carries on.
type Handover struct {
	At   time.Time `json:"at"`
	From []string  `json:"from"` // teams going off duty
	To   []string  `json:"to"`   // teams on duty after
}

// Coverage is who covers each minute of a UTC day.
type Coverage struct {
	Day       time.Time     `json:"day"` // 00:00 UTC
	Segments  []Segment     `json:"segments"`
	Gaps      []strata.Span `json:"gaps"`
	Handovers []Handover    `json:"handovers"`
}

// Covered returns the share of the day some team is on duty, 0–1.
func (c Coverage) Covered() float64 {
	var gap time.Duration
	for _, g := range c.Gaps {
		gap += g.Duration()
	}
	return 1 - gap.Hours()/24
}

// FollowTheSun returns, for the UTC day containing day, which teams are on
// duty when, the gaps nobody covers, and the hand-over points where one team
// passes work to the next. It fails for a team without a calendar, or whose
// calendar does not know that day's public holidays.
func FollowTheSun(teams []Team, day time.Time) (Coverage, error) {
	u := day.UTC()
	start := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 1)
	cov := Coverage{Day: start}
	cuts := []time.Time{start, end}
	spans := make([][]strata.Span, len(teams))
	for i, t := range teams {
		var err error
		if spans[i], err = t.Calendar.Spans(start, end); err != nil {
			return Coverage{}, fmt.Errorf("team %q: %w", t.Name, err)
		}
		for _, s := range spans[i] {
			cuts = append(cuts, s.Start.UTC(), s.End.UTC())
		}
	}
	slices.SortFunc(cuts, func(a, b time.Time) int { return a.Compare(b) })
	cuts = slices.CompactFunc(cuts, func(a, b time.Time) bool { return a.Equal(b) })
	cov.Segments = segments(teams, spans, cuts)
	cov.Gaps, cov.Handovers = gapsAndHandovers(cov.Segments)
	return cov, nil
}

// segments cuts the day at every span boundary and lists who is on duty in
// each piece, merging neighbours with the same teams.
func segments(teams []Team, spans [][]strata.Span, cuts []time.Time) []Segment {
	var out []Segment
	for k := 0; k+1 < len(cuts); k++ {
		seg := Segment{Start: cuts[k], End: cuts[k+1], Teams: []string{}}
		for i, t := range teams {
			for _, s := range spans[i] {
				if !s.Start.After(seg.Start) && s.End.After(seg.Start) {
					seg.Teams = append(seg.Teams, t.Name)
					break
				}
			}
		}
		slices.Sort(seg.Teams)
		if n := len(out); n > 0 && slices.Equal(out[n-1].Teams, seg.Teams) {
			out[n-1].End = seg.End
			continue
		}
		out = append(out, seg)
	}
	return out
}

// gapsAndHandovers finds the segments nobody covers and the moments one
// team hands over to another.
func gapsAndHandovers(segs []Segment) (gaps []strata.Span, handovers []Handover) {
	for i, seg := range segs {
		if len(seg.Teams) == 0 {
			gaps = append(gaps, strata.Span{Start: seg.Start, End: seg.End})
		}
		if i == 0 {
			continue
		}
		prev := segs[i-1]
		var leaving []string
		for _, t := range prev.Teams {
			if !slices.Contains(seg.Teams, t) {
				leaving = append(leaving, t)
			}
		}
		if len(leaving) > 0 && len(seg.Teams) > 0 {
			handovers = append(handovers, Handover{At: seg.Start, From: leaving, To: seg.Teams})
		}
	}
	return gaps, handovers
}

// NextAvailable returns the team that is on duty at t, or that comes on
// duty first after t, and when; ties go to the team listed first. It fails
// for a team without a calendar, and when a calendar that does not know its
// public holidays far enough ahead could have come first.
func NextAvailable(teams []Team, t time.Time) (string, time.Time, error) {
	best, bestAt := "", time.Time{}
	for _, team := range teams {
		at, err := team.Calendar.NextOpen(t)
		switch {
		case errors.Is(err, ErrNeverOpen):
			continue
		case err != nil:
			return "", time.Time{}, fmt.Errorf("team %q: %w", team.Name, err)
		}
		if best == "" || at.Before(bestAt) {
			best, bestAt = team.Name, at
		}
	}
	if best == "" {
		return "", time.Time{}, ErrNeverOpen
	}
	return best, bestAt, nil
}

// AddFollowTheSun returns when d of covered time has passed after t, time
// being covered while at least one team is on duty: the due time of a
// follow-the-sun SLA ("answer within 8 hours of support time"), each team
// keeping its own hours, weekends and public holidays. It fails with
// ErrNeverOpen when the teams do not cover d within two years, for a team
// without a calendar, and when a team's calendar does not know the public
// holidays of a day the count reaches.
func AddFollowTheSun(teams []Team, t time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("timezone: negative duration %v", d)
	}
	if d == 0 {
		return t, nil
	}
	if len(teams) == 0 {
		return time.Time{}, ErrNeverOpen
	}
	left := d
	u := t.UTC()
	day := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	for range horizonDays {
		next := day.AddDate(0, 0, 1)
		var all []strata.Span
		for _, team := range teams {
			s, err := team.Calendar.Spans(maxTime(day, t), next)
			if err != nil {
				return time.Time{}, fmt.Errorf("team %q: %w", team.Name, err)
			}
			all = append(all, s...)
		}
		for _, s := range union(all) {
			if span := s.Duration(); span < left {
				left -= span
				continue
			}
			return s.Start.Add(left).UTC(), nil
		}
		day = next
	}
	return time.Time{}, ErrNeverOpen
}

// union merges spans into sorted, disjoint ones.
func union(spans []strata.Span) []strata.Span {
	slices.SortFunc(spans, func(a, b strata.Span) int { return a.Start.Compare(b.Start) })
	var out []strata.Span
	for _, s := range spans {
		if k := len(out); k > 0 && !s.Start.After(out[k-1].End) {
			out[k-1].End = maxTime(out[k-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}
