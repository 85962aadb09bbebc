package strata

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestCmpDecimalMatchesDecimal checks the int64 comparison against
// decimal.Cmp over random pairs: equal values at different exponents,
// near neighbours, large coefficients and far-apart exponents.
func TestCmpDecimalMatchesDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	random := func() decimal.Decimal {
		c := rng.Int64N(1 << uint(1+rng.IntN(62)))
		if rng.IntN(2) == 0 {
			c = -c
		}
		return decimal.New(c, int32(rng.IntN(40)-20))
	}
	for _, p := range [][2]string{{"2400000", "2400000.00"}, {"0", "-0.000"}, {"1e18", "999999999999999999"},
		{"9223372036854775807", "9223372036854775806.9"}, {"-1e30", "1"}, {"123456789012345678901", "1e20"}} {
		a, b := decimal.RequireFromString(p[0]), decimal.RequireFromString(p[1])
		require.Equal(t, a.Cmp(b), cmpDecimal(a, b), "%s vs %s", a, b)
		require.Equal(t, b.Cmp(a), cmpDecimal(b, a), "%s vs %s", b, a)
	}
	for range 50000 {
		a := random()
		b := random()
		switch rng.IntN(3) {
		case 0: // the same value written with more digits
			b = decimal.New(a.CoefficientInt64()*10, a.Exponent()-1)
		case 1: // a neighbour
			b = a.Add(decimal.New(int64(rng.IntN(3)-1), a.Exponent()))
		}
		require.Equal(t, a.Cmp(b), cmpDecimal(a, b), "%s vs %s", a, b)
	}
}
