package tiering_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// panicSecret is what the host's converter panics with: text no error may
// repeat (a panic value may carry whatever the host had at hand).
const panicSecret = "rates feed down; last query by anna.mueller@example.de"

// panickingConverter is a host Converter with a bug: it panics on every
// call, with or without the exact Ratios capability.
type panickingConverter struct{}

func (panickingConverter) Convert(strata.Money, string) (strata.Money, error) {
	panic(panicSecret)
}

type panickingRatios struct{ panickingConverter }

func (panickingRatios) Ratio(string, string) (num, den decimal.Decimal, err error) {
	panic(panicSecret)
}

// TestClassifyAllConverterPanics: a host Converter that panics inside the
// ClassifyAll workers (every overseas customer's EUR revenue is compared
// with the starter ladder's CNY and USD thresholds) does not take the
// process down: each such customer gets an evaluation error naming the rule,
// the batch runs to its end, and the error does not repeat the panic value.
// It fails until internal/rules guards the host's Converter: the closure
// fast path calls it with no recover (the panic kills the worker's
// process), and cel-go's own recovery repeats the value ("internal error:
// <value>").
func TestClassifyAllConverterPanics(t *testing.T) {
	eur := func(units int64) strata.Money { return strata.MoneyOf(decimal.NewFromInt(units), "EUR") }
	book := make([]strata.Customer, 0, 200)
	for i := range 200 {
		book = append(book, cust(fmt.Sprint("c", i), "DE", eur(int64(1000*i)), 3))
	}
	for name, conv := range map[string]strata.Converter{"Convert": panickingConverter{}, "Ratio": panickingRatios{}} {
		onEachPath(t, func(t *testing.T) {
			t.Run(name, func(t *testing.T) {
				e := compile(t, tiering.StarterConfig("CN"), tiering.WithConverter(conv))
				n, failed := 0, 0
				var first error
				for _, err := range e.ClassifyAll(t.Context(), slices.Values(book), now) {
					n++
					if err != nil {
						failed++
						if first == nil {
							first = err
						}
					}
				}
				assert.Equal(t, len(book), n, "one pair per customer: the batch runs to its end")
				assert.Equal(t, len(book), failed, "every EUR customer needs the converter")
				require.Error(t, first)
				assert.NotContains(t, first.Error(), "anna.mueller", "the panic value is not repeated")
				var ee *strata.EvalError
				assert.ErrorAs(t, first, &ee, "an evaluation error naming the rule")

				one := book[1]
				_, err := e.Classify(t.Context(), &one, now)
				require.Error(t, err, "Classify: the panic is an error, not a crash")
				assert.ErrorAs(t, err, &ee)
				assert.NotContains(t, err.Error(), "anna.mueller", "Classify: the panic value is not repeated")
			})
		})
	}
}
