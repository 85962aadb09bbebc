package timezone

import (
	"embed"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
)

// ErrNoHolidayData is returned (wrapped, naming the region and year) when a
// calendar is asked about a day of a year whose public holidays it does not
// know, and by BuiltinHolidayYear for a region or year Strata has none for.
// Give the year in CalendarConfig.HolidayYears, or update Strata.
var ErrNoHolidayData = errors.New("timezone: no public holiday data")

// HolidayYear is one region's public holidays and make-up workdays for a
// year, as published (Source names the publication). It is the JSON format
// hosts use to keep calendars current without a release; ParseHolidayYear
// reads it and CalendarConfig.HolidayYears holds it.
type HolidayYear struct {
	// Region is an ISO 3166-1 country ("CN") or ISO 3166-2 subdivision
	// ("DE-BY").
	Region string `json:"region"`
	Year   int    `json:"year"`
	// Source names where the dates come from: the State Council notice,
	// the gazette, the data set and its version.
	Source   string    `json:"source"`
	Holidays []Holiday `json:"holidays"`
	Workdays []Workday `json:"workdays,omitempty"`
}

// ParseHolidayYear reads a HolidayYear from JSON or YAML, strictly (unknown
// keys, wrong types and missing required fields are errors naming their
// path, line and column, all at once), and checks it: the region is an ISO
// 3166 code, every date falls in the year, no date is both a holiday and a
// workday, closed hours and weekday names are valid. The JSON Schema of the
// format is holidays.schema.json beside this package.
func ParseHolidayYear(data []byte) (HolidayYear, error) {
	var y HolidayYear
	if err := load.Decode(data, &y); err != nil {
		return HolidayYear{}, err
	}
	if errs := y.check(""); len(errs) > 0 {
		return HolidayYear{}, errors.Join(errs...)
	}
	return y, nil
}

// check returns every problem of y, with paths under prefix.
func (y HolidayYear) check(prefix string) []error {
	var errs []error
	bad := func(p, format string, args ...any) {
		if prefix != "" {
			p = prefix + "." + p
		}
		errs = append(errs, &strata.ConfigError{Path: p, Msg: fmt.Sprintf(format, args...)})
	}
	if !isRegion(y.Region) {
		bad("region", "%.16q is not an ISO 3166-1 country or ISO 3166-2 subdivision code", y.Region)
	}
	if y.Year < 1 || y.Year > 9999 {
		bad("year", "%d is not a year", y.Year)
	}
	holiday := map[strata.Date]bool{}
	for i, h := range y.Holidays {
		if h.Date.Year != y.Year {
			bad(fmt.Sprintf("holidays[%d].date", i), "%s is not in %d", h.Date, y.Year)
		}
		holiday[h.Date] = true
		var scratch builder
		scratch.intervals(fmt.Sprintf("holidays[%d].closed", i), h.Closed)
		for _, e := range scratch.errs {
			var ce *strata.ConfigError
			if errors.As(e, &ce) {
				bad(ce.Path, "%s", ce.Msg)
			}
		}
	}
	for i, w := range y.Workdays {
		switch {
		case w.Date.Year != y.Year:
			bad(fmt.Sprintf("workdays[%d].date", i), "%s is not in %d", w.Date, y.Year)
		case holiday[w.Date]:
			bad(fmt.Sprintf("workdays[%d].date", i), "%s is both a holiday and a workday", w.Date)
		}
		if _, ok := parseWeekday(w.Like); w.Like != "" && !ok {
			bad(fmt.Sprintf("workdays[%d].like", i), "unknown weekday %.16q (want mon … sun)", w.Like)
		}
	}
	return errs
}

func isRegion(code string) bool {
	return len(code) == 2 && strata.IsCountry(code) || strata.IsSubdivision(code)
}

//go:embed holidays/*.json
var holidayFiles embed.FS

// officialYears are the years read from holidays/*.json (China's, from the
// State Council's notices), by region and year.
var officialYears = sync.OnceValue(func() map[string]map[int]HolidayYear {
	out := map[string]map[int]HolidayYear{}
	entries, _ := holidayFiles.ReadDir("holidays")
	for _, e := range entries {
		b, err := holidayFiles.ReadFile(path.Join("holidays", e.Name()))
		if err != nil {
			continue
		}
		y, err := ParseHolidayYear(b)
		if err != nil {
			continue // a test checks every shipped file parses
		}
		if out[y.Region] == nil {
			out[y.Region] = map[int]HolidayYear{}
		}
		out[y.Region][y.Year] = y
	}
	return out
})

// generated indexes builtinRegions by code.
var generated = sync.OnceValue(func() map[string]*builtinRegion {
	out := make(map[string]*builtinRegion, len(builtinRegions))
	for i := range builtinRegions {
		out[builtinRegions[i].code] = &builtinRegions[i]
	}
	return out
})

// generatedYears caches the HolidayYears made from the generated table, by
// region code; only codes with data are stored, so it is bounded.
var generatedYears sync.Map // string -> map[int]HolidayYear

// dataRegion returns the region whose built-in data applies to code: code
// itself when Strata has holidays of its own for it, else, for a
// subdivision, its country when that has some; "" when none applies.
func dataRegion(code string) string {
	has := func(c string) bool {
		_, gen := generated()[c]
		_, off := officialYears()[c]
		return gen || off
	}
	switch {
	case has(code):
		return code
	case strata.IsSubdivision(code) && has(code[:2]):
		return code[:2]
	}
	return ""
}

// builtinYears returns the built-in years of a data region (see dataRegion).
func builtinYears(region string) map[int]HolidayYear {
	if ys, ok := officialYears()[region]; ok {
		return ys
	}
	if ys, ok := generatedYears.Load(region); ok {
		return ys.(map[int]HolidayYear)
	}
	r, ok := generated()[region]
	if !ok {
		return nil
	}
	ys := expand(r)
	actual, _ := generatedYears.LoadOrStore(region, ys)
	return actual.(map[int]HolidayYear)
}

// expand turns a generated region into HolidayYears, a subdivision by
// applying its differences to its country's days.
func expand(r *builtinRegion) map[int]HolidayYear {
	days := r.days
	if r.parent != "" {
		p := generated()[r.parent]
		days = make([]holidayDay, 0, len(p.days)+len(r.days))
		for _, d := range p.days {
			if !slices.Contains(r.drop, d.date) {
				days = append(days, d)
			}
		}
		days = append(days, r.days...)
		slices.SortStableFunc(days, func(a, b holidayDay) int { return int(a.date - b.date) })
	}
	source := fmt.Sprintf("npm date-holidays %s (CC BY-SA 3.0): public holidays of %s (%s)", dateHolidaysVersion, r.code, r.name)
	out := map[int]HolidayYear{}
	for y := builtinFirstYear; y <= builtinLastYear; y++ {
		out[y] = HolidayYear{Region: r.code, Year: y, Source: source, Holidays: []Holiday{}}
	}
	for _, d := range days {
		date := strata.Date{Year: int(d.date / 10000), Month: timeMonth(d.date / 100 % 100), Day: int(d.date % 100)}
		h := Holiday{Date: date, Name: holidayNames[d.name]}
		if d.from > 0 {
			h.Closed = []Interval{{From: Clock(d.from), To: 1440}}
		}
		y, ok := out[date.Year]
		if !ok {
			continue // an observed day that falls outside the generated years
		}
		y.Holidays = append(y.Holidays, h)
		out[date.Year] = y
	}
	return out
}

// BuiltinHolidayYear returns the public holidays Strata ships for a region
// (an ISO 3166-1 country or ISO 3166-2 subdivision code, as ISO writes it)
// and year: China (CN) for 2025 and 2026 from the State Council's notices,
// with its make-up workdays; 26 other export markets and their
// subdivisions for 2025–2030 from date-holidays (see Sources). A
// subdivision without holidays of its own follows its country. It fails
// with an error wrapping ErrNoHolidayData for any other region or year.
func BuiltinHolidayYear(region string, year int) (HolidayYear, error) {
	data := dataRegion(region)
	if data == "" {
		return HolidayYear{}, fmt.Errorf("%w for %.16q", ErrNoHolidayData, region)
	}
	y, ok := builtinYears(data)[year]
	if !ok {
		return HolidayYear{}, fmt.Errorf("%w for %s in %d (built in: %s)", ErrNoHolidayData, region, year,
			yearList(builtinYears(data)))
	}
	y.Holidays = slices.Clone(y.Holidays)
	y.Workdays = slices.Clone(y.Workdays)
	if data != region {
		y.Region = region
		y.Source += ", which " + region + " follows"
	}
	return y, nil
}

// BuiltinHolidayRegions returns the codes of the countries and
// subdivisions with public holidays of their own in Strata, sorted.
func BuiltinHolidayRegions() []string {
	set := map[string]bool{}
	for code := range generated() {
		set[code] = true
	}
	for code := range officialYears() {
		set[code] = true
	}
	return slices.Sorted(maps.Keys(set))
}

func yearList(ys map[int]HolidayYear) string {
	years := slices.Sorted(maps.Keys(ys))
	if len(years) == 0 {
		return "none"
	}
	if years[len(years)-1]-years[0] == len(years)-1 {
		return fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
	}
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}
