// Package timezone knows when customers and reps can talk: each customer's
// local time, working calendars with weekends, public holidays and China's
// make-up workdays (调休), deadlines in business time, and follow-the-sun
// coverage across teams.
//
// ForCountry finds the IANA zones of a country and, for the countries that
// span several zones, of a subdivision; the table is generated from the IANA
// tz database's zone.tab, which Go does not ship. Weekend finds a country's
// weekend days from CLDR (Friday–Saturday in Saudi Arabia, Friday in Iran,
// Sunday in India).
//
// A Calendar is compiled from a CalendarSpec (plain data, JSON round-trips):
// working hours in a zone, split shifts and shifts past midnight allowed,
// holidays (whole or part days) and make-up workdays. Built-in holidays for
// China 2025 and 2026 come from the State Council's notices; any other year or
// country loads from JSON with ParseHolidays. The calendar's methods answer:
// IsOpen, NextOpen, NextClose, AddBusiness ("24 business hours"),
// AddBusinessDays ("1 business day"), BusinessBetween and Spans. Overlap and
// GoodTimeToContact find when a rep and a customer are both working;
// FollowTheSun and NextAvailable hand work across teams around the world.
//
// Daylight saving time follows one documented rule: working hours are
// wall-clock hours (see Calendar).
//
// Everything here is immutable and safe for concurrent use; time is always
// an argument. The package uses only the standard library and its generated
// tables.
package timezone

//go:generate go run ../internal/gen/tztables -out .
