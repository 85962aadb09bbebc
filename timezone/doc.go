// Package timezone knows when customers and reps can talk: each customer's
// local time, working calendars with weekends, public holidays and China's
// make-up workdays (调休), deadlines in business time, and follow-the-sun
// coverage across teams.
//
// ForCountry finds the IANA zones of a country and, for the countries that
// span several zones, of a subdivision; the table is generated from the IANA
// tz database's zone.tab, which Go does not ship. Weekend finds a country's
// weekend days from Unicode CLDR (Friday–Saturday in Saudi Arabia, Friday in
// Iran, Sunday in India), with documented overrides where a country changed
// its weekend since: Nepal's is Saturday alone since 15 June 2022.
//
// # Calendars
//
// A Calendar is built by NewCalendar from a CalendarConfig (plain data;
// ParseCalendarConfig reads it from JSON or YAML, strictly, and
// calendar.schema.json describes it): working hours in a zone, split shifts
// and shifts past midnight allowed, the public holidays of its country (or
// subdivision) and of any other region it observes, and its own closed and
// extra working days. Its methods answer: IsOpen and Open, NextOpen,
// NextClose, AddBusiness ("24 business hours"), AddBusinessDays ("1
// business day"), BusinessBetween and Spans. Overlap and GoodTimeToContact
// find when a rep and a customer are both working; FollowTheSun,
// NextAvailable and AddFollowTheSun hand work across teams around the
// world.
//
// Daylight saving time follows one documented rule: working hours are
// wall-clock hours (see Calendar).
//
// # Public holidays
//
// BuiltinHolidayYear returns the public holidays Strata ships, by ISO 3166
// region and year (a HolidayYear; ParseHolidayYear reads the same format
// from a file, holidays.schema.json describes it):
//
//   - China (CN), 2025 and 2026, with its make-up workdays, from the State
//     Council's notices (国办发明电〔2024〕12号, 国办发明电〔2025〕7号);
//   - the United States (federal and by state), the United Kingdom (and
//     England, Wales, Scotland, Northern Ireland), Germany (and its Länder),
//     France, Italy, Spain, the Netherlands, Poland, Japan, Korea,
//     Singapore, Hong Kong, Taiwan, Malaysia, Thailand, Vietnam, Indonesia,
//     the Philippines, India, the UAE, Saudi Arabia, Turkey, Brazil, Mexico,
//     Australia and Canada, with their subdivisions, 2025–2030, generated
//     from the npm package date-holidays (holiday data CC BY-SA 3.0) by
//     internal/gen/holidays, observed days included (a US holiday on a
//     Saturday is observed the Friday before, Japan's 振替休日, Korea's
//     대체공휴일, British substitute days).
//
// Only public holidays are included, not bank holidays, observances or
// customary closures (Japan's 年末年始, Christmas Eve afternoons, bridge
// days decreed year by year such as Vietnam's Tết extension). Islamic
// holidays are computed from the calendar and can differ by a day from the
// dates announced after the moon is sighted; Taiwan's and Korea's make-up
// workdays are not in the data. Sources lists every table with its source
// and version; a host corrects or extends any of them with
// CalendarConfig.HolidayYears.
//
// A calendar knows public holidays for some years only. Asked about a day
// outside them it says so, with an error wrapping ErrNoHolidayData (IsOpen,
// which has no error, answers false); it never treats an unknown year as
// having no holidays.
//
// # Zero values
//
// Every field of CalendarConfig but Zone may be left out, and each zero
// value has one meaning:
//
//   - no Hours: 09:00–18:00 on working days;
//   - no Week: Hours on every day outside the country's weekend; a Week
//     with no days, or no hours on any day, is refused rather than read as
//     "never open";
//   - no Country: a Saturday–Sunday weekend and no public holidays;
//   - a Country: its public holidays are observed. A country Strata has no
//     holidays for is refused (give them in HolidayYears, or set
//     NoCountryHolidays), so that a calendar never silently runs through
//     Christmas;
//   - a Holiday with no Closed hours closes the whole day; a Workday with
//     no Like works Monday's hours.
//
// A nil or zero Calendar is never open and its methods return
// ErrNilCalendar.
//
// # Determinism and concurrency
//
// NewCalendar reports every problem at once, each a *strata.ConfigError
// naming its path, in a fixed order; no map order reaches an answer, an
// error or a JSON output. Everything here is immutable and safe for
// concurrent use; time is always an argument. Only valid zone names are
// cached, a bounded number of them. The package uses only the standard
// library and its generated tables.
package timezone

//go:generate go run ../internal/gen/tztables -out .
//go:generate sh -c "cd .. && go run ./internal/gen/holidays"
