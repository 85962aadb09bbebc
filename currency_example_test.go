package strata_test

import (
	"fmt"

	"github.com/strata-go/strata"
)

// A payment provider reports 123450 minor units of forint: ISO 4217 gives
// HUF two minor units, though CLDR shows it without decimals.
func ExampleMoneyFromMinor() {
	m, err := strata.MoneyFromMinor(123450, "HUF")
	if err != nil {
		panic(err)
	}
	iso, _ := strata.CurrencyMinorUnits("HUF")
	shown, _ := strata.CurrencyDigits("HUF")
	fmt.Println(m.Amount, iso, shown)
	// Output:
	// 1234.5 2 0
}

func ExampleSources() {
	for _, s := range strata.Sources()[3:5] {
		fmt.Println(s.Table, s.Version)
	}
	// Output:
	// currency display digits 48.2.0
	// ISO 4217 minor units 2024-06-25
}
