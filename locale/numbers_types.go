package locale

// numberData is one locale's number formatting, from CLDR.
type numberData struct {
	decimal, group, minus           string
	decimalPattern, currencyPattern string
	compact                         []compactRule // ascending magnitude
	symbols                         map[string]string
}

// compactRule is a short compact pattern for numbers from 10^mag: "0万".
type compactRule struct {
	mag     int
	pattern string
}
