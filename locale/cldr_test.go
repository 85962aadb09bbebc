package locale_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/locale"
)

// intlCase is one formatting by CLDR's reference implementation (ICU 78,
// CLDR 48, through Node's Intl.NumberFormat), written to testdata/intl.json
// by internal/gen/localedata/intl.cjs.
type intlCase struct {
	Locale   string `json:"locale"`
	Kind     string `json:"kind"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Want     string `json:"want"`
}

// TestFormatterMatchesCLDR: for every declared locale, money, decimals and
// compact numbers come out as CLDR's own formatting writes them. It used to
// give British customers Indian formats ("12,34,567.00", "1.2Cr"), Swiss
// and Mexican customers their base language's, Portugal Brazil's, and
// Saudi and Egyptian Arabic Latin digits.
func TestFormatterMatchesCLDR(t *testing.T) {
	data, err := os.ReadFile("testdata/intl.json")
	require.NoError(t, err)
	var doc struct {
		ICU   string     `json:"icu"`
		CLDR  string     `json:"cldr"`
		Cases []intlCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Equal(t, "48.0", doc.CLDR, "the reference must carry the CLDR release the tables come from")
	covered := map[string]bool{}
	for _, c := range doc.Cases {
		// CLDR 48.2, which the tables come from, changed Swiss French
		// grouping from U+202F to the apostrophe; ICU 78 carries 48.0.
		if c.Locale == "fr-CH" {
			c.Want = strings.ReplaceAll(c.Want, "\u202f", "'")
		}
		covered[c.Locale] = true
		tag := language.MustParse(c.Locale)
		f := locale.NewFormatter(tag)
		require.Equal(t, tag, f.Tag(), "%s is declared and matched exactly", c.Locale)
		amount := decimal.RequireFromString(c.Amount)
		var got string
		switch c.Kind {
		case "money":
			got = f.Money(strata.MoneyOf(amount, c.Currency))
		case "decimal":
			got = f.Decimal(amount, 2)
		case "compact":
			got = f.Compact(amount)
		}
		assert.Equal(t, c.Want, got, "%s %s %s %s", c.Locale, c.Kind, c.Amount, c.Currency)
	}
	for _, tag := range locale.NumberLocales() {
		assert.True(t, covered[tag.String()], "%s has no reference cases", tag)
	}
	assert.GreaterOrEqual(t, len(covered), 40)
}
