package timezone

import (
	"github.com/strata-go/strata"

	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
)

// HolidayYear is one country's public holidays and make-up workdays for a
// year, as published (the source names the notice). It is the JSON format
// hosts use to keep calendars current without a release.
type HolidayYear struct {
	Country  string    `json:"country"`
	Year     int       `json:"year"`
	Source   string    `json:"source"`
	Holidays []Holiday `json:"holidays"`
	Workdays []Workday `json:"workdays,omitempty"`
}

// ParseHolidays reads a HolidayYear from JSON and checks that every date
// falls in its year and that no date is both a holiday and a workday.
func ParseHolidays(data []byte) (HolidayYear, error) {
	var y HolidayYear
	if err := json.Unmarshal(data, &y); err != nil {
		return HolidayYear{}, fmt.Errorf("timezone: holidays: %w", err)
	}
	seen := map[strata.Date]string{}
	for _, h := range y.Holidays {
		if h.Date.Year != y.Year {
			return HolidayYear{}, fmt.Errorf("timezone: holidays: %s is not in %d", h.Date, y.Year)
		}
		seen[h.Date] = "holiday"
	}
	for _, w := range y.Workdays {
		if w.Date.Year != y.Year {
			return HolidayYear{}, fmt.Errorf("timezone: holidays: workday %s is not in %d", w.Date, y.Year)
		}
		if seen[w.Date] == "holiday" {
			return HolidayYear{}, fmt.Errorf("timezone: holidays: %s is both a holiday and a workday", w.Date)
		}
	}
	return y, nil
}

//go:embed holidays/*.json
var holidayFiles embed.FS

var builtin = sync.OnceValue(func() map[string][]HolidayYear {
	out := map[string][]HolidayYear{}
	entries, _ := holidayFiles.ReadDir("holidays")
	for _, e := range entries {
		b, err := holidayFiles.ReadFile(path.Join("holidays", e.Name()))
		if err != nil {
			continue
		}
		y, err := ParseHolidays(b)
		if err != nil {
			continue // a test checks every shipped file parses
		}
		out[y.Country] = append(out[y.Country], y)
	}
	for _, ys := range out {
		slices.SortFunc(ys, func(a, b HolidayYear) int { return a.Year - b.Year })
	}
	return out
})

// BuiltinHolidays returns the shipped holidays of a country for a year:
// China (CN) for 2025 and 2026, from the State Council's notices.
func BuiltinHolidays(country string, year int) (HolidayYear, bool) {
	for _, y := range builtin()[strings.ToUpper(country)] {
		if y.Year == year {
			return y, true
		}
	}
	return HolidayYear{}, false
}

func builtinYears(country string) []HolidayYear { return builtin()[strings.ToUpper(country)] }

// AddYear adds a HolidayYear's holidays and workdays to the spec.
func (s *CalendarConfig) AddYear(y HolidayYear) {
	s.Holidays = append(s.Holidays, y.Holidays...)
	s.Workdays = append(s.Workdays, y.Workdays...)
}
