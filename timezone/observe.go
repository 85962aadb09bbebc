package timezone

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// observed is one region whose public holidays a calendar keeps: its data
// region (see dataRegion), and its years, built-in and the host's.
type observed struct {
	region string
	years  map[int]HolidayYear
}

func timeMonth(m int32) time.Month { return time.Month(m) }

// publicHolidays resolves the regions the calendar observes, merges their
// built-in years with the configuration's HolidayYears, applies the years
// all of them have and records which days are covered.
func (b *builder) publicHolidays() {
	host := b.hostYears()
	var obs []observed
	add := func(path, code string) {
		region := code
		if _, ok := host[code]; !ok {
			region = dataRegion(code)
		}
		if region == "" && len(code) > 2 && host[code[:2]] != nil {
			region = code[:2]
		}
		if region == "" {
			b.bad(path, "no built-in public holidays for %.16q: give them in holiday_years%s", code, b.optOut(path))
			return
		}
		if slices.ContainsFunc(obs, func(o observed) bool { return o.region == region }) {
			return
		}
		years := maps.Clone(builtinYears(region))
		if years == nil {
			years = map[int]HolidayYear{}
		}
		maps.Copy(years, host[region])
		obs = append(obs, observed{region: region, years: years})
	}
	if b.cfg.Country != "" && !b.cfg.NoCountryHolidays && strata.IsCountry(b.cfg.Country) {
		path, code := "country", b.cfg.Country
		if b.cfg.Subdivision != "" && strata.IsSubdivision(b.cfg.Subdivision) {
			path, code = "subdivision", b.cfg.Subdivision
		}
		add(path, code)
	}
	for i, code := range b.cfg.Observe {
		if !isRegion(code) {
			b.bad(fmt.Sprintf("observe[%d]", i), "%.16q is not an ISO 3166-1 country or ISO 3166-2 subdivision code", code)
			continue
		}
		add(fmt.Sprintf("observe[%d]", i), code)
	}
	b.checkHostRegions(host, obs)
	b.c.observed = obs
	b.apply(obs)
}

func (b *builder) optOut(path string) string {
	if path == "country" || path == "subdivision" {
		return ", or set no_country_holidays"
	}
	return ""
}

// hostYears checks the configuration's HolidayYears and indexes them by
// region and year.
func (b *builder) hostYears() map[string]map[int]HolidayYear {
	host := map[string]map[int]HolidayYear{}
	for i, y := range b.cfg.HolidayYears {
		path := fmt.Sprintf("holiday_years[%d]", i)
		if errs := y.check(path); len(errs) > 0 {
			b.errs = append(b.errs, errs...)
			continue
		}
		if _, dup := host[y.Region][y.Year]; dup {
			b.bad(path, "%s %d is given twice", y.Region, y.Year)
			continue
		}
		if host[y.Region] == nil {
			host[y.Region] = map[int]HolidayYear{}
		}
		host[y.Region][y.Year] = y
	}
	return host
}

// checkHostRegions refuses holiday years of a region the calendar does not
// observe: a typo would otherwise be ignored.
func (b *builder) checkHostRegions(host map[string]map[int]HolidayYear, obs []observed) {
	for i, y := range b.cfg.HolidayYears {
		if host[y.Region] == nil {
			continue // already refused
		}
		if !slices.ContainsFunc(obs, func(o observed) bool { return o.region == y.Region }) {
			b.bad(fmt.Sprintf("holiday_years[%d].region", i),
				"%s is not observed by this calendar (country, subdivision or observe)", y.Region)
		}
	}
}

// apply adds the holidays of the years every observed region has, and
// records those years as the calendar's cover.
func (b *builder) apply(obs []observed) {
	if len(obs) == 0 {
		return
	}
	var common []int
	for y := range obs[0].years {
		if !slices.ContainsFunc(obs[1:], func(o observed) bool { _, ok := o.years[y]; return !ok }) {
			common = append(common, y)
		}
	}
	slices.Sort(common)
	if len(common) == 0 {
		b.bad("observe", "the observed regions' public holidays share no year")
		return
	}
	for _, y := range common {
		for _, o := range obs {
			hy := o.years[y]
			b.workdays("holiday_years", hy.Workdays)
			b.holidays("holiday_years", hy.Holidays)
		}
		lo := dayNumber(strata.Date{Year: y, Month: time.January, Day: 1})
		hi := dayNumber(strata.Date{Year: y + 1, Month: time.January, Day: 1})
		if k := len(b.c.cover); k > 0 && b.c.cover[k-1].hi == lo {
			b.c.cover[k-1].hi = hi
			continue
		}
		b.c.cover = append(b.c.cover, dayRange{lo, hi})
	}
}

// noData returns the error for a year the calendar has no holidays for,
// naming the first observed region that lacks it.
func (c *Calendar) noData(year int) error {
	for _, o := range c.observed {
		if _, ok := o.years[year]; !ok {
			return fmt.Errorf("%w for %s in %d (known: %s; give the year in holiday_years)",
				ErrNoHolidayData, o.region, year, yearList(o.years))
		}
	}
	return fmt.Errorf("%w in %d", ErrNoHolidayData, year)
}
