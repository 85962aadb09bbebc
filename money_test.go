package strata_test

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

func mustMoney(t testing.TB, amount, cur string) strata.Money {
	t.Helper()
	m, err := strata.NewMoney(amount, cur)
	require.NoError(t, err)
	return m
}

func TestNewMoney(t *testing.T) {
	m, err := strata.NewMoney("5000000", "CNY")
	require.NoError(t, err)
	assert.Equal(t, "5000000.00 CNY", m.String())

	_, err = strata.NewMoney("5,000,000", "CNY")
	assert.ErrorContains(t, err, "not a decimal number")
	_, err = strata.NewMoney("1", "XXX")
	assert.ErrorIs(t, err, strata.ErrUnknownCurrency)

	jpy, err := strata.MoneyFromMinor(1500, "JPY")
	require.NoError(t, err)
	assert.Equal(t, "1500 JPY", jpy.String())
	bhd, err := strata.MoneyFromMinor(1500, "BHD")
	require.NoError(t, err)
	assert.Equal(t, "1.500 BHD", bhd.String())
}

func TestMoneyArithmetic(t *testing.T) {
	a, b := mustMoney(t, "100.10", "USD"), mustMoney(t, "0.20", "USD")
	sum, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "100.30 USD", sum.String(), "exact decimal, no float drift")
	diff, err := b.Sub(a)
	require.NoError(t, err)
	assert.True(t, diff.IsNegative())
	assert.Equal(t, "-99.90 USD", diff.String())
	assert.Equal(t, "99.90 USD", diff.Neg().String())
	assert.Equal(t, "50.05 USD", a.Mul(decimal.RequireFromString("0.5")).String())

	c, err := a.Cmp(b)
	require.NoError(t, err)
	assert.Equal(t, 1, c)
	same, err := mustMoney(t, "100.1", "USD").Cmp(a)
	require.NoError(t, err)
	assert.Equal(t, 0, same, "100.1 and 100.10 are equal in value")

	// An unset Money combines with any currency.
	z, err := strata.Money{}.Add(a)
	require.NoError(t, err)
	assert.Equal(t, "USD", z.Currency)
}

func TestMoneyRefusesMixedCurrencies(t *testing.T) {
	usd, cny := mustMoney(t, "1", "USD"), mustMoney(t, "1", "CNY")
	_, err := usd.Add(cny)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)
	_, err = usd.Sub(cny)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)
	_, err = usd.Cmp(cny)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)
	_, err = usd.In("CNY", nil)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)
}

// fakeConverter records calls, to prove conversion goes through the host.
type fakeConverter struct{ calls int }

func (f *fakeConverter) Convert(m strata.Money, to string) (strata.Money, error) {
	f.calls++
	if m.Currency == "USD" && to == "CNY" {
		return strata.MoneyOf(m.Amount.Mul(decimal.NewFromInt(7)), "CNY"), nil
	}
	return strata.Money{}, strata.ErrNoRate
}

func TestMoneyConversion(t *testing.T) {
	conv := &fakeConverter{}
	got, err := mustMoney(t, "10", "USD").In("CNY", conv)
	require.NoError(t, err)
	assert.Equal(t, "70.00 CNY", got.String())
	assert.Equal(t, 1, conv.calls)
	_, err = mustMoney(t, "10", "EUR").In("CNY", conv)
	assert.ErrorIs(t, err, strata.ErrNoRate)
	same, err := mustMoney(t, "10", "CNY").In("CNY", conv)
	require.NoError(t, err)
	assert.Equal(t, 2, conv.calls, "no call when no conversion is needed")
	assert.Equal(t, "10.00 CNY", same.String())
}

func TestRates(t *testing.T) {
	r := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{
		"CNY": decimal.RequireFromString("7.10"), "EUR": decimal.RequireFromString("0.92"), "JPY": decimal.RequireFromString("150"),
	}}
	for _, tt := range []struct{ from, amount, to, want string }{
		{"USD", "100", "CNY", "710.00 CNY"},
		{"CNY", "710", "USD", "100.00 USD"},
		{"EUR", "92", "JPY", "15000 JPY"},
		{"CNY", "1", "JPY", "21 JPY"}, // 21.126… rounds to whole yen
	} {
		got, err := r.Convert(mustMoney(t, tt.amount, tt.from), tt.to)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got.String(), "%s %s → %s", tt.amount, tt.from, tt.to)
	}
	_, err := r.Convert(mustMoney(t, "1", "GBP"), "USD")
	assert.ErrorIs(t, err, strata.ErrNoRate)
}

func TestMoneyMinorAndRound(t *testing.T) {
	minor, ok := mustMoney(t, "1234.56", "CNY").Minor()
	assert.True(t, ok)
	assert.Equal(t, int64(123456), minor)
	_, ok = mustMoney(t, "1.005", "CNY").Minor()
	assert.False(t, ok, "sub-fen amounts do not fit minor units")
	assert.Equal(t, "1.01 CNY", mustMoney(t, "1.005", "CNY").Round().String())
	assert.Equal(t, "3 JPY", mustMoney(t, "2.5", "JPY").Round().String())
}

func TestMoneyJSON(t *testing.T) {
	m := mustMoney(t, "5000000.10", "CNY")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Equal(t, `{"amount":"5000000.1","currency":"CNY"}`, string(b))
	var back strata.Money
	require.NoError(t, json.Unmarshal(b, &back))
	c, err := back.Cmp(m)
	require.NoError(t, err)
	assert.Zero(t, c)
	assert.NoError(t, back.Validate())
	assert.ErrorIs(t, strata.Money{Currency: "ABC"}.Validate(), strata.ErrUnknownCurrency)
}

// TestRatesConvertRoundsOnceExactly: Convert equals the exact quotient
// rounded half away from zero to the target's minor digits, for random
// amounts and rates, including amounts whose exact value is a hair under a
// half (rounding an intermediate result first would round those up).
func TestRatesConvertRoundsOnceExactly(t *testing.T) {
	// 1 USD is worth 0.0049999999999996 CNY: under half a fen, so 0.00;
	// rounding to 12 places first gives 0.005000000000 and then 0.01.
	tiny := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("0.0049999999999996")}}
	got, err := tiny.Convert(mustMoney(t, "1", "USD"), "CNY")
	require.NoError(t, err)
	assert.Equal(t, "0.00 CNY", got.String())
	got, err = tiny.Convert(mustMoney(t, "-1", "USD"), "CNY")
	require.NoError(t, err)
	assert.Equal(t, "0.00 CNY", got.Round().String())

	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		rates := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{
			"CNY": decimal.New(r.Int64N(1e9)+1, -int32(r.IntN(9))),
			"JPY": decimal.New(r.Int64N(1e9)+1, -int32(r.IntN(9))),
			"BHD": decimal.New(r.Int64N(1e9)+1, -int32(r.IntN(9))),
		}}
		from := []string{"USD", "CNY", "JPY", "BHD"}[r.IntN(4)]
		to := []string{"USD", "CNY", "JPY", "BHD"}[r.IntN(4)]
		amount := decimal.New(r.Int64N(1e12)-5e11, -int32(r.IntN(6)))
		got, err := rates.Convert(strata.MoneyOf(amount, from), to)
		require.NoError(t, err)
		if from == to {
			assert.True(t, got.Amount.Equal(amount))
			continue
		}
		rate := func(c string) *big.Rat {
			if c == "USD" {
				return big.NewRat(1, 1)
			}
			return rates.PerBase[c].Rat()
		}
		exact := new(big.Rat).Mul(amount.Rat(), rate(to))
		exact.Quo(exact, rate(from))
		digits, _ := strata.CurrencyDigits(to)
		assert.Equal(t, roundHalfAway(exact, digits), got.Amount.StringFixed(int32(digits)), "%s %s → %s", amount, from, to)
	}
}

// roundHalfAway rounds x to digits decimals, half away from zero, exactly.
func roundHalfAway(x *big.Rat, digits int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	scaled := new(big.Rat).Mul(x, new(big.Rat).SetInt(scale))
	neg := scaled.Sign() < 0
	scaled.Abs(scaled)
	q, rem := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	if new(big.Int).Lsh(rem, 1).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -int32(digits)).StringFixed(int32(digits))
}

// TestCmpInIsExact: across currencies, CmpIn orders amounts as the exact
// converted values do, also for amounts a fraction of a cent apart, where
// a conversion rounded to cents would call them equal or reverse them.
func TestCmpInIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	rates := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.1234"), "EUR": decimal.RequireFromString("0.9173")}}
	for range 5000 {
		x := strata.MoneyOf(decimal.New(r.Int64N(1e10), -2), []string{"USD", "CNY", "EUR"}[r.IntN(3)])
		y := strata.MoneyOf(decimal.New(r.Int64N(1e10), -2), []string{"USD", "CNY", "EUR"}[r.IntN(3)])
		if r.IntN(2) == 0 { // y just around x's value
			num, den, err := rates.Ratio(x.Currency, y.Currency)
			require.NoError(t, err)
			y.Amount = x.Amount.Mul(num).DivRound(den, 2).Add(decimal.New(r.Int64N(3)-1, -2))
		}
		got, err := x.CmpIn(y, rates)
		require.NoError(t, err)
		num, den, _ := rates.Ratio(y.Currency, x.Currency)
		want := new(big.Rat).Mul(x.Amount.Rat(), den.Rat()).Cmp(new(big.Rat).Mul(y.Amount.Rat(), num.Rat()))
		require.Equal(t, want, got, "%v vs %v", x, y)
	}
	// The finding: 14,999.99 USD against a threshold of 106,851 CNY (exactly
	// 15,000 USD at 7.1234) is under it; rounding the threshold to cents
	// would not change that here, but a threshold of 106,851.004 CNY
	// rounds to 15,000.00 USD and would put 15,000.00 USD above it.
	under, err := mustMoney(t, "15000.00", "USD").CmpIn(mustMoney(t, "106851.004", "CNY"), rates)
	require.NoError(t, err)
	assert.Equal(t, -1, under, "15,000.00 USD is worth 106,851.00 CNY, under 106,851.004")
	_, err = mustMoney(t, "1", "USD").CmpIn(mustMoney(t, "1", "CNY"), nil)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)
	_, err = mustMoney(t, "1", "USD").CmpIn(mustMoney(t, "1", "GBP"), rates)
	assert.ErrorIs(t, err, strata.ErrNoRate)
	// A Converter without Ratios is used as it rounds.
	c, err := mustMoney(t, "70", "CNY").CmpIn(mustMoney(t, "10", "USD"), &fakeConverter{})
	require.NoError(t, err)
	assert.Zero(t, c)
}

// TestRatesJSON: rates read back what they wrote, and a rate of a million
// digits is refused by its length.
func TestRatesJSON(t *testing.T) {
	r := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.10"), "JPY": decimal.NewFromInt(150)}}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back strata.Rates
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.PerBase["CNY"].Equal(r.PerBase["CNY"]))
	assert.Equal(t, "USD", back.Base)
	require.NoError(t, json.Unmarshal([]byte(`{"base":"USD","per_base":{"EUR":0.92}}`), &back))
	assert.Equal(t, "0.92", back.PerBase["EUR"].String())
	err = json.Unmarshal([]byte(`{"base":"USD","per_base":{"EUR":"`+strings.Repeat("9", 1_000_000)+`"}}`), &back)
	assert.ErrorContains(t, err, "per_base.EUR")
	assert.ErrorContains(t, err, "more than 38 digits")
	assert.Error(t, json.Unmarshal([]byte(`{"base":"USD","rates":{}}`), &back), "an unknown key")
}
