package scoring

import "github.com/strata-go/strata/internal/load"

// ParseConfig reads a scorecard from JSON or YAML (JSON when data starts
// with '{'), strictly: unknown keys, values of the wrong type and missing
// required fields are errors, each a *strata.ConfigError naming its path
// and its line and column, all returned at once. It does not compile the
// rules; New does. The JSON Schema of the format is config.schema.json
// beside this package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}
