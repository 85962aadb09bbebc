package strata

// Two tables give a currency's digits, and they differ for 16 currencies in
// use (HUF, IDR, COP, PKR, IRR, LAK … have 2 minor units in ISO 4217 but are
// shown without decimals; IQD has 3 and is shown with none):
//
//   - CurrencyMinorUnits is ISO 4217's minor unit: how banks and payment
//     systems record amounts ("minor units", fen, cents). MoneyFromMinor and
//     Money.Minor use it.
//   - CurrencyDigits is the number of decimals Unicode CLDR displays the
//     currency with; package locale formats money with it.

// CurrencyMinorUnits returns the ISO 4217 minor unit of a currency in use
// (2 for CNY, USD and HUF, 0 for JPY and KRW, 3 for BHD and IQD) and whether
// the code is known. The table comes from ISO 4217 List One as published by
// SIX Financial Information (see Sources).
func CurrencyMinorUnits(code string) (int, bool) {
	d, ok := currencyMinorUnits[code]
	return int(d), ok
}
