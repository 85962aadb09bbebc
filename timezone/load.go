package timezone

import "github.com/strata-go/strata/internal/load"

// ParseCalendarConfig reads a calendar configuration from JSON or YAML
// (JSON when data starts with '{'), strictly: unknown keys, values of the
// wrong type and a missing zone are errors, each a *strata.ConfigError
// naming its path and its line and column, all returned at once. It does
// not compile the calendar; NewCalendar does. The JSON Schema of the format
// is calendar.schema.json beside this package.
func ParseCalendarConfig(data []byte) (CalendarConfig, error) {
	var cfg CalendarConfig
	if err := load.Decode(data, &cfg); err != nil {
		return CalendarConfig{}, err
	}
	return cfg, nil
}
