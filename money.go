package strata

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

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

// ErrConverterPanicked is wrapped by the error a rule evaluation returns
// when the host's Converter (or its Ratios) panicked: the panic is recovered
// where Strata calls the converter, and its value is not repeated, since it
// may hold anything the host had at hand; the error names only its type.
var ErrConverterPanicked = errors.New("strata: the host's Converter panicked")

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

// NewMoney parses amount (a decimal string such as "5000000" or "-12.50",
// an exponent allowed: "5e6") in currency. It fails for a malformed amount,
// one of more than MaxAmountDigits digits, or an unknown currency. The
// length of the text is checked before it is parsed, so a hostile amount
// costs constant time.
func NewMoney(amount, currency string) (Money, error) {
	d, err := ParseAmount(amount)
	if err != nil {
		return Money{}, err
	}
	if !IsCurrency(currency) {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, quoteShort(currency))
	}
	return Money{Amount: d, Currency: currency}, nil
}

// MaxAmountDigits bounds the digits of an amount read from text (NewMoney,
// JSON, money() in rules) and of an amount Validate accepts: written out
// without an exponent, an amount has at most this many digits, as SQL's
// DECIMAL(38). It keeps parsing and comparing amounts cheap whatever the
// input.
const MaxAmountDigits = 38

// maxAmountText is the longest amount text worth parsing: the digits plus a
// sign, a point and an exponent.
const maxAmountText = MaxAmountDigits + 8

// ParseAmount parses a decimal amount ("5000000", "-12.50", "5e6") of at
// most MaxAmountDigits digits. Longer text is refused before any parsing.
func ParseAmount(s string) (decimal.Decimal, error) {
	if len(s) > maxAmountText {
		return decimal.Decimal{}, fmt.Errorf("strata: amount of %d characters: more than %d digits", len(s), MaxAmountDigits)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("strata: amount %q: not a decimal number", s)
	}
	if err := checkAmount(d); err != nil {
		return decimal.Decimal{}, fmt.Errorf("strata: amount %q: %w", s, err)
	}
	return d, nil
}

// checkAmount reports an amount of more than MaxAmountDigits digits when
// written out without an exponent. It costs time linear in the size of the
// coefficient, never more.
func checkAmount(d decimal.Decimal) error {
	// A coefficient of more than 128 bits has more than 38 digits; only
	// smaller ones are counted exactly.
	if d.Coefficient().BitLen() > 128 {
		return fmt.Errorf("more than %d digits", MaxAmountDigits)
	}
	n, exp := int64(d.NumDigits()), int64(d.Exponent())
	digits := n + exp // integer digits, and no fraction
	if exp < 0 {
		digits = max(n, -exp)
	}
	if digits > MaxAmountDigits {
		return fmt.Errorf("more than %d digits", MaxAmountDigits)
	}
	return nil
}

// quoteShort returns s, cut to 64 bytes, for error messages.
func quoteShort(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// UnmarshalJSON reads {"amount":"5000000.00","currency":"CNY"}, the amount
// as a string or a number of at most MaxAmountDigits digits (checked before
// it is parsed). Keys other than amount and currency are errors.
func (m *Money) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("strata: money: %w", err)
	}
	var amount decimal.Decimal
	if text := bytes.TrimSpace(raw.Amount); len(text) > 0 && string(text) != "null" {
		d, err := parseJSONAmount(text)
		if err != nil {
			return fmt.Errorf("strata: money: %w", err)
		}
		amount = d
	}
	*m = Money{Amount: amount, Currency: raw.Currency}
	return nil
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

// Validate checks that the currency is known and the amount has at most
// MaxAmountDigits digits. An unset Money is valid.
func (m Money) Validate() error {
	if m.IsZero() {
		return nil
	}
	if !IsCurrency(m.Currency) {
		return fmt.Errorf("%w %q", ErrUnknownCurrency, quoteShort(m.Currency))
	}
	if err := checkAmount(m.Amount); err != nil {
		return fmt.Errorf("strata: amount: %w", err)
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

// Ratios is implemented by Converters that know exactly how two currencies
// relate, as Rates does. Comparisons across currencies (Money.CmpIn, money
// rules in tiering, scoring and routing) then compare exact values: neither
// side is rounded, so an amount just under a threshold in another currency
// stays under it.
type Ratios interface {
	// Ratio returns positive num and den such that an amount a in currency
	// from is worth exactly a × num / den in currency to, or an error
	// wrapping ErrNoRate.
	Ratio(from, to string) (num, den decimal.Decimal, err error)
}

// CmpIn compares m with o, converting o into m's currency when they differ
// (an unset Money takes the other's currency): -1, 0 or +1. When conv
// implements Ratios the comparison is exact; otherwise o is converted with
// conv.Convert and compared as conv rounds it. A nil conv fails with
// ErrCurrencyMismatch when the currencies differ.
func (m Money) CmpIn(o Money, conv Converter) (int, error) {
	if _, err := m.same(o); err == nil {
		return cmpDecimal(m.Amount, o.Amount), nil
	}
	if conv == nil {
		return 0, fmt.Errorf("%w: %s and %s with no converter", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	if r, ok := conv.(Ratios); ok {
		num, den, err := r.Ratio(o.Currency, m.Currency)
		if err != nil {
			return 0, err
		}
		if num.Sign() <= 0 || den.Sign() <= 0 {
			return 0, fmt.Errorf("%w from %s to %s: ratio %s/%s is not positive", ErrNoRate, o.Currency, m.Currency, num, den)
		}
		// m against o × num / den, both sides times den > 0.
		return cmpDecimal(m.Amount.Mul(den), o.Amount.Mul(num)), nil
	}
	converted, err := conv.Convert(o, m.Currency)
	if err != nil {
		return 0, err
	}
	return m.Cmp(converted)
}

// Rates is a Converter over a fixed table: PerBase[c] is how many units of
// currency c one unit of Base buys. Convert rounds once, half away from
// zero, to the target currency's minor digits (of the exact product, never
// of an intermediate result); Ratio gives the exact ratio for comparisons.
// A Rates value is safe for concurrent use as long as nobody modifies its
// map.
type Rates struct {
	Base    string                     `json:"base"`
	PerBase map[string]decimal.Decimal `json:"per_base"`
}

// UnmarshalJSON reads {"base":"USD","per_base":{"CNY":"7.10"}}, each rate
// a string or a number of at most MaxAmountDigits digits, checked before it
// is parsed. Keys other than base and per_base are errors.
func (r *Rates) UnmarshalJSON(data []byte) error {
	var raw struct {
		Base    string                     `json:"base"`
		PerBase map[string]json.RawMessage `json:"per_base"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("strata: rates: %w", err)
	}
	out := Rates{Base: raw.Base}
	if raw.PerBase != nil {
		out.PerBase = make(map[string]decimal.Decimal, len(raw.PerBase))
	}
	for _, cur := range slices.Sorted(maps.Keys(raw.PerBase)) {
		d, err := parseJSONAmount(raw.PerBase[cur])
		if err != nil {
			return fmt.Errorf("strata: rates: per_base.%s: %w", quoteShort(cur), err)
		}
		out.PerBase[cur] = d
	}
	*r = out
	return nil
}

// parseJSONAmount reads an amount given as a JSON string or number.
func parseJSONAmount(text json.RawMessage) (decimal.Decimal, error) {
	text = bytes.TrimSpace(text)
	if len(text) > maxAmountText+2 {
		return decimal.Decimal{}, fmt.Errorf("amount of %d characters: more than %d digits", len(text), MaxAmountDigits)
	}
	s := string(text)
	if len(text) > 0 && text[0] == '"' {
		if err := json.Unmarshal(text, &s); err != nil {
			return decimal.Decimal{}, err
		}
	}
	return ParseAmount(s)
}

// Convert implements Converter: m × PerBase[to] / PerBase[m.Currency],
// rounded half away from zero to to's minor digits.
func (r Rates) Convert(m Money, to string) (Money, error) {
	if m.Currency == to {
		return m, nil
	}
	num, den, err := r.Ratio(m.Currency, to)
	if err != nil {
		return Money{}, err
	}
	digits, ok := CurrencyDigits(to)
	if !ok {
		digits = 12
	}
	return Money{Amount: m.Amount.Mul(num).DivRound(den, int32(digits)), Currency: to}, nil
}

// Ratio implements Ratios: an amount in from is worth amount ×
// PerBase[to] / PerBase[from] in to (a rate of 1 for Base).
func (r Rates) Ratio(from, to string) (num, den decimal.Decimal, err error) {
	if den, err = r.rate(from); err != nil {
		return decimal.Decimal{}, decimal.Decimal{}, err
	}
	if num, err = r.rate(to); err != nil {
		return decimal.Decimal{}, decimal.Decimal{}, err
	}
	return num, den, nil
}

func (r Rates) rate(currency string) (decimal.Decimal, error) {
	if currency == r.Base {
		return decimal.NewFromInt(1), nil
	}
	rate, ok := r.PerBase[currency]
	if !ok || !rate.IsPositive() {
		return decimal.Decimal{}, fmt.Errorf("%w for %s", ErrNoRate, quoteShort(currency))
	}
	return rate, nil
}
