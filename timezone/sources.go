package timezone

import (
	"fmt"
	"maps"
	"slices"

	"github.com/strata-go/strata"
)

// checked is when the built-in tables were last compared with their
// sources.
var checked = strata.Date{Year: 2026, Month: 12, Day: 1}

// Sources returns where every built-in table of this package comes from:
// the zones of each country and the zone links (IANA tz database), the
// zones of subdivisions, the weekend of each country (Unicode CLDR, with
// Nepal's override), and the public holidays of each built-in region and
// year. A host logs them to audit the data its calendars rest on.
func Sources() []strata.DataSource {
	out := []strata.DataSource{
		{Table: "time zones by country, and zone links", Source: "IANA tz database (zone.tab, tzdata.zi)",
			Version: TZVersion, License: "public domain", URL: "https://www.iana.org/time-zones", Checked: checked},
		{Table: "time zones by subdivision (US, CA, MX, BR, RU, AU, ID, KZ)",
			Source: "Strata, each zone checked against IANA zone.tab", Version: TZVersion, License: "public domain",
			URL: "https://www.iana.org/time-zones", Checked: checked},
		{Table: "weekend days by country", Source: "Unicode CLDR supplemental weekData (npm cldr-core)",
			Version: cldrVersion, License: "Unicode License v3", URL: "https://github.com/unicode-org/cldr-json",
			Checked: checked},
		{Table: "weekend days (NP): Saturday only", Source: "Government of Nepal, Council of Ministers decision " +
			"of 6 June 2022, in force from 15 June 2022 (overrides CLDR's Saturday–Sunday)",
			Version: "2022-06-06", Checked: checked},
	}
	for _, region := range slices.Sorted(maps.Keys(officialYears())) {
		ys := officialYears()[region]
		for _, y := range slices.Sorted(maps.Keys(ys)) {
			out = append(out, strata.DataSource{Table: fmt.Sprintf("public holidays and make-up workdays (%s %d)", region, y),
				Source: ys[y].Source, Version: fmt.Sprint(y), License: "public government notice",
				URL: "https://www.gov.cn/zhengce/", Checked: checked})
		}
	}
	for _, r := range builtinRegions {
		if r.parent != "" {
			continue
		}
		out = append(out, strata.DataSource{
			Table:   fmt.Sprintf("public holidays (%s and its subdivisions, %d–%d)", r.code, builtinFirstYear, builtinLastYear),
			Source:  "npm date-holidays, compiled from Wikipedia and official calendars; observed days included",
			Version: dateHolidaysVersion, License: "CC BY-SA 3.0 (data), ISC (code)",
			URL: "https://github.com/commenthol/date-holidays", Checked: checked})
	}
	return out
}
