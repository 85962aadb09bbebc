package timezone

import (
	"github.com/strata-go/strata"

	"errors"
	"slices"
	"time"
)

// ErrNoOverlap is returned when two calendars share no working time long
// enough within the search window.
var ErrNoOverlap = errors.New("timezone: no shared working time")

// intersect returns the spans both lists cover; both must be sorted.
func intersect(a, b []strata.Span) []strata.Span {
	var out []strata.Span
	for i, j := 0, 0; i < len(a) && j < len(b); {
		start, end := a[i].Start, a[i].End
		if b[j].Start.After(start) {
			start = b[j].Start
		}
		if b[j].End.Before(end) {
			end = b[j].End
		}
		if start.Before(end) {
			out = append(out, strata.Span{Start: start, End: end})
		}
		if a[i].End.Before(b[j].End) {
			i++
		} else {
			j++
		}
	}
	return out
}

// Overlap returns when both calendars are working during the day that
// contains day in a's zone (a is usually the rep): when a rep in Shanghai
// and a customer in Chicago can both pick up the phone.
func Overlap(a, b *Calendar, day time.Time) []strata.Span {
	local := day.In(a.loc)
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, a.loc)
	end := start.AddDate(0, 0, 1)
	return intersect(a.Spans(start, end), b.Spans(start, end))
}

// GoodTimeToContact returns the first window from from on, within two
// weeks, when both the customer's and the agent's calendars are open for at
// least atLeast (at least one minute): the time to call, in both zones'
// working hours, so nobody is called at 3 a.m.
func GoodTimeToContact(customer, agent *Calendar, from time.Time, atLeast time.Duration) (strata.Span, error) {
	atLeast = max(atLeast, time.Minute)
	to := from.AddDate(0, 0, 14)
	for _, s := range intersect(customer.Spans(from, to), agent.Spans(from, to)) {
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
// passes work to the next.
func FollowTheSun(teams []Team, day time.Time) Coverage {
	u := day.UTC()
	start := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 1)
	cov := Coverage{Day: start}
	cuts := []time.Time{start, end}
	spans := make([][]strata.Span, len(teams))
	for i, t := range teams {
		spans[i] = t.Calendar.Spans(start, end)
		for _, s := range spans[i] {
			cuts = append(cuts, s.Start.UTC(), s.End.UTC())
		}
	}
	slices.SortFunc(cuts, func(a, b time.Time) int { return a.Compare(b) })
	cuts = slices.CompactFunc(cuts, func(a, b time.Time) bool { return a.Equal(b) })
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
		if n := len(cov.Segments); n > 0 && slices.Equal(cov.Segments[n-1].Teams, seg.Teams) {
			cov.Segments[n-1].End = seg.End
			continue
		}
		cov.Segments = append(cov.Segments, seg)
	}
	for i, seg := range cov.Segments {
		if len(seg.Teams) == 0 {
			cov.Gaps = append(cov.Gaps, strata.Span{Start: seg.Start, End: seg.End})
		}
		if i == 0 {
			continue
		}
		prev := cov.Segments[i-1]
		var leaving []string
		for _, t := range prev.Teams {
			if !slices.Contains(seg.Teams, t) {
				leaving = append(leaving, t)
			}
		}
		if len(leaving) > 0 && len(seg.Teams) > 0 {
			cov.Handovers = append(cov.Handovers, Handover{At: seg.Start, From: leaving, To: seg.Teams})
		}
	}
	return cov
}

// NextAvailable returns the team that is on duty at t, or that comes on
// duty first after t, and when; ties go to the team listed first.
func NextAvailable(teams []Team, t time.Time) (string, time.Time, error) {
	best, bestAt := "", time.Time{}
	for _, team := range teams {
		at, err := team.Calendar.NextOpen(t)
		if err != nil {
			continue
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
