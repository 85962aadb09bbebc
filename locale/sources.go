package locale

import "github.com/strata-go/strata"

// checked is when the built-in tables were last compared with their
// sources.
var checked = strata.Date{Year: 2026, Month: 12, Day: 1}

// Sources returns where this package's built-in tables come from: the
// number formats of every declared locale (Unicode CLDR, checked against
// CLDR's own formatting through ICU), the label catalogue (Strata's
// translations), and the country and language names (golang.org/x/text's
// CLDR tables). A host logs them to audit the data its output rests on.
func Sources() []strata.DataSource {
	return []strata.DataSource{
		{Table: "number and currency formats of the declared locales (NumberLocales)",
			Source: "Unicode CLDR (npm cldr-numbers-full and cldr-core)", Version: cldrVersion,
			License: "Unicode License v3", URL: "https://github.com/unicode-org/cldr-json", Checked: checked},
		{Table: "field and name labels (BuiltinCatalog)", Source: "Strata's translations, locale/catalog/builtin.json",
			Version: "2026-12", License: "as Strata", Checked: checked},
		{Table: "country and language names", Source: "golang.org/x/text/language/display (Unicode CLDR)",
			Version: "CLDR 32 as carried by golang.org/x/text", License: "BSD-3-Clause (x/text), Unicode License",
			URL: "https://pkg.go.dev/golang.org/x/text/language/display", Checked: checked},
	}
}
