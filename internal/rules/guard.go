package rules

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

// Guard wraps the host's converter so that a panic in it becomes an error
// wrapping strata.ErrConverterPanicked where Strata calls it, on every
// path: the closures, cel-go's functions and the engines' own conversions.
// A converter that also implements strata.Ratios stays one; strata.Rates
// is returned as it is.
func Guard(conv strata.Converter) strata.Converter {
	switch c := conv.(type) {
	case nil:
		return nil
	case guarded, guardedRatios, strata.Rates, *strata.Rates:
		// Strata's own Rates cannot panic, and the closures compare
		// money against them on an exact fast path they recognise by type.
		return conv
	case strata.Ratios:
		return guardedRatios{guarded{conv}, c}
	default:
		return guarded{conv}
	}
}

// guarded is a Converter whose panics are errors.
type guarded struct{ conv strata.Converter }

func (g guarded) Convert(m strata.Money, to string) (out strata.Money, err error) {
	defer recoverConverter(&err)
	return g.conv.Convert(m, to)
}

// guardedRatios is a guarded Converter that also knows exact ratios.
type guardedRatios struct {
	guarded
	ratios strata.Ratios
}

func (g guardedRatios) Ratio(from, to string) (num, den decimal.Decimal, err error) {
	defer recoverConverter(&err)
	return g.ratios.Ratio(from, to)
}

// recoverConverter turns a panic into an error that names the panic
// value's type, never the value.
func recoverConverter(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("%w (a value of type %T)", strata.ErrConverterPanicked, v)
	}
}
