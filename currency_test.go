package strata_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

// TestMinorUnitsAreISO4217: the 16 currencies whose ISO 4217 minor unit
// differs from the digits CLDR displays them with are read from minor units
// by ISO 4217 (List One, 2024-06-25), not by CLDR: MoneyFromMinor used to
// misread them by 100× (HUF, IDR, COP, PKR …) or 1000× (IQD).
func TestMinorUnitsAreISO4217(t *testing.T) {
	cases := []struct {
		code         string
		iso, display int
		amount       string // 123450 minor units
	}{
		{"AFN", 2, 0, "1234.5"}, {"ALL", 2, 0, "1234.5"}, {"COP", 2, 0, "1234.5"}, {"HUF", 2, 0, "1234.5"},
		{"IDR", 2, 0, "1234.5"}, {"IQD", 3, 0, "123.45"}, {"IRR", 2, 0, "1234.5"}, {"KPW", 2, 0, "1234.5"},
		{"LAK", 2, 0, "1234.5"}, {"LBP", 2, 0, "1234.5"}, {"MGA", 2, 0, "1234.5"}, {"MMK", 2, 0, "1234.5"},
		{"PKR", 2, 0, "1234.5"}, {"SOS", 2, 0, "1234.5"}, {"SYP", 2, 0, "1234.5"}, {"YER", 2, 0, "1234.5"},
		// Alike in both.
		{"CNY", 2, 2, "1234.5"}, {"JPY", 0, 0, "123450"}, {"KRW", 0, 0, "123450"}, {"BHD", 3, 3, "123.45"},
		{"TWD", 2, 2, "1234.5"}, {"CLP", 0, 0, "123450"}, {"XCG", 2, 2, "1234.5"},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			iso, ok := strata.CurrencyMinorUnits(c.code)
			require.True(t, ok)
			display, ok := strata.CurrencyDigits(c.code)
			require.True(t, ok)
			assert.Equal(t, c.iso, iso, "ISO 4217 minor unit")
			assert.Equal(t, c.display, display, "CLDR display digits")

			m, err := strata.MoneyFromMinor(123_450, c.code)
			require.NoError(t, err)
			assert.Equal(t, c.amount, m.Amount.String(), "123450 minor units")
			back, ok := m.Minor()
			require.True(t, ok)
			assert.Equal(t, int64(123_450), back, "Minor is the inverse of MoneyFromMinor")
		})
	}
}

// TestEveryCurrencyHasBothTables: no currency in use lacks a minor unit or
// display digits.
func TestEveryCurrencyHasBothTables(t *testing.T) {
	for _, code := range []string{"USD", "EUR", "CNY", "GBP", "INR", "XCG", "VES", "ZWG"} {
		_, iso := strata.CurrencyMinorUnits(code)
		_, display := strata.CurrencyDigits(code)
		assert.Equal(t, strata.IsCurrency(code), iso, code)
		assert.Equal(t, strata.IsCurrency(code), display, code)
	}
	_, ok := strata.CurrencyMinorUnits("XXX")
	assert.False(t, ok)
}

func TestSources(t *testing.T) {
	for _, s := range strata.Sources() {
		assert.NotEmpty(t, s.Table)
		assert.NotEmpty(t, s.Source, s.Table)
		assert.NotEmpty(t, s.Version, s.Table)
		assert.NotEmpty(t, s.License, s.Table)
		assert.False(t, s.Checked.IsZero(), s.Table)
	}
	// 6 code tables, the numbering plans, the OpenCC table, and the rule
	// language's region groups: CLDR's and the curated ones.
	assert.Len(t, strata.Sources(), 10)
	var tables []string
	for _, s := range strata.Sources() {
		tables = append(tables, s.Table)
	}
	assert.Contains(t, tables, "region groups from CLDR territory containment (UN M.49 regions, the EU)")
	assert.Contains(t, tables, "curated region groups (EEA, Eurozone, ASEAN, the seven Chinese macro-regions 华东 … 东北, 欧美 …)")
}
