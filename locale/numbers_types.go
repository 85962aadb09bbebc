package locale

// numberData is one locale's number formatting, from CLDR.
type numberData struct {
	decimal, group, minus string
	// currencyDecimal and currencyGroup are the separators of money
	// amounts: "." in Swiss French money ("1 234.50 CHF"), "." groups in
	// Austrian German money ("€ 1.234,50") though numbers group with a space.
	currencyDecimal, currencyGroup string
	// digits are the ten digits of the locale's default numbering system
	// (٠١٢٣٤٥٦٧٨٩ in Saudi Arabic); empty for 0–9.
	digits string
	// minGroup is CLDR's minimumGroupingDigits: with 2, Spanish writes
	// "1234" but "12.345".
	minGroup                        int
	decimalPattern, currencyPattern string
	// currencyAlphaPattern is the currency pattern for a symbol whose
	// letter stands next to the number ("CHF 12.00"); empty when the same.
	currencyAlphaPattern string
	compact              []compactRule // ascending magnitude
	symbols              map[string]string
}

// compactRule is a short compact pattern for numbers from 10^mag: "0万".
// few, when set, is the pattern for Arabic's plural category "few" (whole
// numbers whose last two digits are 3–10): "0 آلاف".
type compactRule struct {
	mag     int
	pattern string
	few     string
}
