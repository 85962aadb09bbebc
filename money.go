package strata

import (
	"cmp"
	"errors"
	"fmt"
	"math"

	"github.com/shopspring/decimal"
)

// ErrCurrencyMismatch is returned when two amounts in different currencies are
// combined or compared without a Converter.
var ErrCurrencyMismatch = errors.New("strata: currency mismatch")

// ErrUnknownCurrency is returned for a currency code that is not an ISO 4217
// currency in use today.
var ErrUnknownCurrency = errors.New("strata: unknown currency")

// ErrNoRate is returned by a Converter that has no rate for a currency.
var ErrNoRate = errors.New("strata: no exchange rate")

// Money is an exact decimal amount in an ISO 4217 currency. Arithmetic and
// comparison refuse mixed currencies with ErrCurrencyMismatch; convert first
// with a Converter. The zero Money (no amount, no currency) is "nothing" and
// combines with any currency.
//
// In JSON a Money is {"amount":"5000000.00","currency":"CNY"}; the amount is a
// string so that no precision is lost.
type Money struct {
	Amount   decimal.Decimal `json:"amount" cel:"-"`
	Currency string          `json:"currency" cel:"currency"`
}

// NewMoney parses amount (a decimal string such as "5000000" or "-12.50") in
// currency. It fails for a malformed amount or an unknown currency.
func NewMoney(amount, currency string) (Money, error) {
	d, err := decimal.NewFromString(amount)
	if err != nil {
		return Money{}, fmt.Errorf("strata: amount %q: not a decimal number", amount)
	}
	if !IsCurrency(currency) {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, currency)
	}
	return Money{Amount: d, Currency: currency}, nil
}

// MoneyOf returns amount in currency without checking the currency; use
// Validate or NewMoney where the code comes from input.
func MoneyOf(amount decimal.Decimal, currency string) Money {
	return Money{Amount: amount, Currency: currency}
}

// MoneyFromMinor returns an amount given in the currency's ISO 4217 minor
// units (fen, cents), the way payment systems and ledgers record it:
// MoneyFromMinor(123450, "CNY") is 1234.50 CNY, MoneyFromMinor(123450, "HUF")
// is 1234.50 HUF (ISO 4217 gives the forint 2 minor units although it is
// shown without decimals), MoneyFromMinor(1500, "JPY") is 1500 JPY. See
// CurrencyMinorUnits.
func MoneyFromMinor(minor int64, currency string) (Money, error) {
	digits, ok := CurrencyMinorUnits(currency)
	if !ok {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, currency)
	}
	return Money{Amount: decimal.New(minor, -int32(digits)), Currency: currency}, nil
}

// IsZero reports whether m has no amount and no currency, the "unset" Money.
func (m Money) IsZero() bool { return m.Currency == "" && m.Amount.IsZero() }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.Amount.IsNegative() }

// String formats m as "5000000.00 CNY", with the currency's minor digits. It
// is meant for logs and tests; package locale formats for people.
func (m Money) String() string {
	if m.Currency == "" {
		return m.Amount.String()
	}
	if d, ok := CurrencyDigits(m.Currency); ok {
		return m.Amount.StringFixed(int32(d)) + " " + m.Currency
	}
	return m.Amount.String() + " " + m.Currency
}

// Validate checks that the currency is known. An unset Money is valid.
func (m Money) Validate() error {
	if m.IsZero() {
		return nil
	}
	if !IsCurrency(m.Currency) {
		return fmt.Errorf("%w %q", ErrUnknownCurrency, m.Currency)
	}
	return nil
}

// same returns the common currency of m and o, treating an unset Money as
// taking the other's currency.
func (m Money) same(o Money) (string, error) {
	switch {
	case m.Currency == o.Currency:
		return m.Currency, nil
	case m.IsZero():
		return o.Currency, nil
	case o.IsZero():
		return m.Currency, nil
	}
	return "", fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.Currency, o.Currency)
}

// Add returns m + o. It fails with ErrCurrencyMismatch for different currencies.
func (m Money) Add(o Money) (Money, error) {
	cur, err := m.same(o)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: m.Amount.Add(o.Amount), Currency: cur}, nil
}

// Sub returns m - o. It fails with ErrCurrencyMismatch for different currencies.
func (m Money) Sub(o Money) (Money, error) {
	cur, err := m.same(o)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: m.Amount.Sub(o.Amount), Currency: cur}, nil
}

// Mul returns m scaled by factor, in the same currency, unrounded.
func (m Money) Mul(factor decimal.Decimal) Money {
	return Money{Amount: m.Amount.Mul(factor), Currency: m.Currency}
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{Amount: m.Amount.Neg(), Currency: m.Currency} }

// Cmp compares m and o: -1 if m < o, 0 if equal in value, +1 if m > o. It
// fails with ErrCurrencyMismatch for different currencies.
func (m Money) Cmp(o Money) (int, error) {
	if _, err := m.same(o); err != nil {
		return 0, err
	}
	return cmpDecimal(m.Amount, o.Amount), nil
}

// cmpDecimal is a.Cmp(b), in int64 arithmetic when both coefficients and
// the alignment of their exponents fit (amounts of up to 18 digits: every
// realistic one), which spares decimal's big.Int rescaling.
func cmpDecimal(a, b decimal.Decimal) int {
	if a.NumDigits() <= 18 && b.NumDigits() <= 18 {
		ca, cb := a.CoefficientInt64(), b.CoefficientInt64()
		ea, eb := a.Exponent(), b.Exponent()
		ok := true
		switch {
		case ea > eb:
			ca, ok = scale10(ca, int(ea-eb))
		case eb > ea:
			cb, ok = scale10(cb, int(eb-ea))
		}
		if ok {
			return cmp.Compare(ca, cb)
		}
	}
	return a.Cmp(b)
}

// scale10 returns c × 10^k if it fits in an int64.
func scale10(c int64, k int) (int64, bool) {
	if k > 18 {
		return 0, c == 0
	}
	for range k {
		if c > math.MaxInt64/10 || c < math.MinInt64/10 {
			return 0, false
		}
		c *= 10
	}
	return c, true
}

// Round returns m rounded half away from zero to its currency's minor digits
// (two for CNY, none for JPY, three for BHD).
func (m Money) Round() Money {
	d, ok := CurrencyDigits(m.Currency)
	if !ok {
		return m
	}
	return Money{Amount: m.Amount.Round(int32(d)), Currency: m.Currency}
}

// Minor returns the amount in ISO 4217 minor units (fen, cents; see
// CurrencyMinorUnits), the inverse of MoneyFromMinor, and whether it fits in
// an int64 without rounding. Hot loops compare integers instead of decimals.
func (m Money) Minor() (int64, bool) {
	d, ok := CurrencyMinorUnits(m.Currency)
	if !ok {
		return 0, false
	}
	scaled := m.Amount.Shift(int32(d))
	if !scaled.IsInteger() {
		return 0, false
	}
	bi := scaled.BigInt()
	if !bi.IsInt64() {
		return 0, false
	}
	return bi.Int64(), true
}

// In returns m in currency to, through conv when the currencies differ. A nil
// conv is allowed when no conversion is needed.
func (m Money) In(to string, conv Converter) (Money, error) {
	if m.Currency == to || m.IsZero() {
		return Money{Amount: m.Amount, Currency: to}, nil
	}
	if conv == nil {
		return Money{}, fmt.Errorf("%w: %s to %s with no converter", ErrCurrencyMismatch, m.Currency, to)
	}
	return conv.Convert(m, to)
}

// Converter converts money between currencies. The host implements it over
// its own exchange rates; for deterministic results it should answer from a
// fixed snapshot, not a live feed. Implementations must be safe for
// concurrent use.
type Converter interface {
	// Convert returns m in currency to, or an error wrapping ErrNoRate.
	Convert(m Money, to string) (Money, error)
}

// Rates is a Converter over a fixed table: PerBase[c] is how many units of
// currency c one unit of Base buys. Results are rounded to the target
// currency's minor digits. A Rates value is safe for concurrent use as long
// as nobody modifies its map.
type Rates struct {
	Base    string                     `json:"base"`
	PerBase map[string]decimal.Decimal `json:"per_base"`
}

// Convert implements Converter.
func (r Rates) Convert(m Money, to string) (Money, error) {
	if m.Currency == to {
		return m, nil
	}
	from, err := r.rate(m.Currency)
	if err != nil {
		return Money{}, err
	}
	into, err := r.rate(to)
	if err != nil {
		return Money{}, err
	}
	amount := m.Amount.Mul(into).DivRound(from, 12)
	return Money{Amount: amount, Currency: to}.Round(), nil
}

func (r Rates) rate(currency string) (decimal.Decimal, error) {
	if currency == r.Base {
		return decimal.NewFromInt(1), nil
	}
	rate, ok := r.PerBase[currency]
	if !ok || !rate.IsPositive() {
		return decimal.Decimal{}, fmt.Errorf("%w for %s", ErrNoRate, currency)
	}
	return rate, nil
}
