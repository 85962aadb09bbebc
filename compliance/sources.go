package compliance

import "github.com/strata-go/strata"

// Sources names the reference data this package is built on: the fideslang
// taxonomy whose keys Category uses, and the ITU-T E.164 country calling
// codes MaskPhone keeps.
func Sources() []strata.DataSource {
	return []strata.DataSource{
		{
			Table:   "data categories (Category, BuiltinTags)",
			Source:  "Ethyca fideslang default taxonomy, data_categories",
			Version: "3.2.0",
			License: "CC BY 4.0",
			URL:     "https://github.com/ethyca/fideslang",
			Checked: strata.Date{Year: 2026, Month: 12, Day: 1},
		},
		{
			Table:   "country calling code lengths (MaskPhone)",
			Source:  "ITU-T Recommendation E.164, list of assigned country codes (one-digit 1 and 7; the two-digit codes)",
			Version: "Complement to ITU-T Rec. E.164 (11/2010), as amended",
			URL:     "https://www.itu.int/pub/T-SP-E.164D",
			Checked: strata.Date{Year: 2026, Month: 12, Day: 1},
		},
	}
}
