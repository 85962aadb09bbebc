package rules

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

type panicky struct{}

func (panicky) Convert(strata.Money, string) (strata.Money, error) { panic("secret@example.com") }

type panickyRatios struct{ panicky }

func (panickyRatios) Ratio(string, string) (decimal.Decimal, decimal.Decimal, error) {
	panic("secret@example.com")
}

// TestGuard: a guarded converter keeps its Ratios capability, turns a panic
// into ErrConverterPanicked without the value, and is not wrapped twice.
func TestGuard(t *testing.T) {
	assert.Nil(t, Guard(nil))
	plain := Guard(panicky{})
	_, isRatios := plain.(strata.Ratios)
	assert.False(t, isRatios, "a plain converter does not grow Ratios")
	_, err := plain.Convert(strata.Money{}, "USD")
	require.ErrorIs(t, err, strata.ErrConverterPanicked)
	assert.NotContains(t, err.Error(), "secret")

	exact := Guard(panickyRatios{})
	r, ok := exact.(strata.Ratios)
	require.True(t, ok, "Ratios is kept")
	_, _, err = r.Ratio("EUR", "USD")
	require.ErrorIs(t, err, strata.ErrConverterPanicked)
	assert.NotContains(t, err.Error(), "secret")
	assert.Equal(t, exact, Guard(exact), "not wrapped twice")
	rates := strata.Rates{Base: "USD"}
	assert.Equal(t, strata.Converter(rates), Guard(rates), "Strata's own Rates keep their fast path")
	assert.Equal(t, strata.Converter(&rates), Guard(&rates))
}
