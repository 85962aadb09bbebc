package locale

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestFixedMatchesDecimal checks the int64 fast path of fixed against
// shopspring/decimal's half-away-from-zero rounding (Round) over random amounts: small
// and large coefficients, positive and negative exponents, exact halves.
func TestFixedMatchesDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	check := func(d decimal.Decimal, frac int) {
		t.Helper()
		r := d.Round(int32(frac))
		want := r.Abs().StringFixed(int32(frac))
		var buf [48]byte
		got, neg := fixed(d, frac, &buf)
		require.Equal(t, want, string(got), "%s to %d digits", d, frac)
		require.Equal(t, r.IsNegative(), neg, "%s to %d digits: sign", d, frac)
	}
	for _, s := range []string{"0", "-0.005", "0.005", "0.015", "-0.015", "2.5", "3.5", "-2.5", "999999999999999999",
		"-999999999999999999", "9223372036854775807", "-9223372036854775808", "123456789012345678901234.5", "1e20", "1e-30", "-1234567.505"} {
		for frac := range 5 {
			check(decimal.RequireFromString(s), frac)
		}
	}
	for range 20000 {
		coef := rng.Int64N(1 << uint(1+rng.IntN(62)))
		if rng.IntN(2) == 0 {
			coef = -coef
		}
		if rng.IntN(4) == 0 { // an exact half at some digit
			coef = coef/10*10 + 5
		}
		check(decimal.New(coef, int32(rng.IntN(30)-20)), rng.IntN(6))
	}
}
