package strata_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/compliance/law"
	"github.com/strata-go/strata/locale"
	"github.com/strata-go/strata/routing/match"
	"github.com/strata-go/strata/timezone"
)

// TestEveryTableNamesItsSource checks every built-in table of every
// package: each names its source and version and the date it was last
// checked against that source, and no two entries describe the same table.
func TestEveryTableNamesItsSource(t *testing.T) {
	packages := map[string][]strata.DataSource{
		"strata":         strata.Sources(),
		"timezone":       timezone.Sources(),
		"locale":         locale.Sources(),
		"compliance":     compliance.Sources(),
		"compliance/law": law.Sources(),
		"routing/match":  match.Sources(),
	}
	for _, pkg := range []string{"strata", "timezone", "locale", "compliance", "compliance/law", "routing/match"} {
		t.Run(pkg, func(t *testing.T) {
			sources := packages[pkg]
			assert.NotEmpty(t, sources)
			seen := map[string]bool{}
			for _, s := range sources {
				assert.NotEmpty(t, s.Table, "a table without a name in %s", pkg)
				assert.NotEmpty(t, s.Source, "%s: no source", s.Table)
				assert.NotEmpty(t, s.Version, "%s: no version", s.Table)
				assert.False(t, s.Checked.IsZero(), "%s: no date checked", s.Table)
				assert.False(t, seen[s.Table], "%s listed twice", s.Table)
				seen[s.Table] = true
			}
		})
	}
}
