package strata

// Sources returns where this package's built-in tables come from: the ISO
// 3166 country and subdivision codes, the ISO 4217 currencies in use with
// their minor units and display digits, and the BCP 47 language subtags that
// Customer.Validate checks records against; the telephone numbering plans
// of NormalizePhone; the traditional-to-simplified Chinese table of
// CompanyKey; and the region groups of the rule language's in_group (CLDR's
// territory containment, and the groups curated by hand: the EEA, the euro
// area, ASEAN, the seven Chinese macro-regions and others). A host logs them
// to audit the reference data its decisions rest on. (The Public Suffix List
// is package match's.)
func Sources() []DataSource {
	cldr := func(table string) DataSource {
		return DataSource{Table: table, Source: "Unicode CLDR (npm cldr-core)", Version: cldrVersion,
			License: "Unicode License v3", URL: "https://github.com/unicode-org/cldr-json", Checked: checked}
	}
	return []DataSource{
		cldr("ISO 3166-1 alpha-2 country codes (with XK, Kosovo)"),
		cldr("ISO 3166-2 subdivision codes"),
		cldr("ISO 4217 currencies in use"),
		cldr("currency display digits"),
		{Table: "ISO 4217 minor units", Source: "ISO 4217 List One, published by SIX Financial Information " +
			"(the ISO 4217 maintenance agency), as shipped in npm currency-codes; XCG from the Central Bank of " +
			"Curaçao and Sint Maarten", Version: iso4217Published, License: "ISO 4217 code list (freely published); " +
			"currency-codes: MIT", URL: "https://www.six-group.com/en/products-services/financial-information/data-standards.html",
			Checked: checked},
		cldr("BCP 47 primary language subtags"),
		{Table: "telephone numbering plans", Source: "Google libphonenumber metadata, via github.com/nyaruka/phonenumbers v1.8.1",
			Version: "9.0.32", License: "Apache-2.0", URL: "https://github.com/google/libphonenumber", Checked: checked},
		{Table: "traditional to simplified Chinese characters", Source: "OpenCC TSCharacters.txt (npm opencc)",
			Version: "1.4.2", License: "Apache-2.0", URL: "https://github.com/BYVoid/OpenCC", Checked: checked},
		{Table: "region groups from CLDR territory containment (UN M.49 regions, the EU)",
			Source:  "Unicode CLDR supplemental territoryContainment.json (npm cldr-core), expanded to countries",
			Version: cldrVersion, License: "Unicode License v3",
			URL:     "https://github.com/unicode-org/cldr-json/blob/main/cldr-json/cldr-core/supplemental/territoryContainment.json",
			Checked: checked},
		{Table: "curated region groups (EEA, Eurozone, ASEAN, the seven Chinese macro-regions 华东 … 东北, 欧美 …)",
			Source: "compiled by Strata from: TFEU Art. 349 and 355 and Protocol 2 to the 1994 Act of Accession (EU " +
				"territories); the EEA Agreement and its Protocol 40 (EEA); the euro area's members (Croatia from 1 January " +
				"2023, Bulgaria from 1 January 2026); ASEAN's members (Timor-Leste from 26 October 2025); and China's " +
				"seven conventional geographic regions (七大地理分区: 华东, 华南, 华北, 华中, 西南, 西北, 东北), a customary " +
				"division with no official standard, by ISO 3166-2:CN code",
			Version: "internal/rules/groups.go as of " + checked.String(), License: "facts, compiled by Strata",
			Checked: checked},
	}
}

// checked is when the tables above were last compared with their sources.
var checked = Date{2026, 12, 1}
