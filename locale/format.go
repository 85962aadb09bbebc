package locale

import (
	"bytes"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/strata-go/strata"
)

var numberTags = func() []language.Tag {
	order := []string{"en", "zh", "zh-Hant", "ja", "ko", "en-IN", "de", "fr", "es", "pt", "ar", "ru", "hi"}
	tags := make([]language.Tag, len(order))
	for i, s := range order {
		tags[i] = language.MustParse(s)
	}
	return tags
}()

var numberMatcher = language.NewMatcher(numberTags)

// Formatter formats numbers and money the way a locale writes them, from
// CLDR 48 data: separators, grouping (including India's lakh grouping),
// currency symbol and its place, and compact large-number units (万/亿 in
// Chinese, 萬/億 in Traditional Chinese, 万/億 in Japanese, 만/억 in Korean,
// lakh and crore in Hindi and Indian English). A Formatter is a small value,
// safe for concurrent use.
type Formatter struct {
	tag                      language.Tag
	d                        *numberData
	primary, secondary       int
	posPrefix, posSuffix     string
	negPrefix, negSuffix     string
	hasNeg                   bool
	decimalPrim, decimalSecd int
}

// NewFormatter returns the formatter for the best match of tag among the
// locales with number data; English when none matches.
func NewFormatter(tag language.Tag) Formatter {
	_, idx, conf := numberMatcher.Match(tag)
	if conf == language.No {
		idx = 0
	}
	key := numberTags[idx].String()
	if key == "zh-Hant" || strings.HasPrefix(key, "zh-Hant") {
		key = "zh-Hant"
	}
	d, ok := numberLocales[key]
	if !ok {
		d = numberLocales["en"]
	}
	f := Formatter{tag: numberTags[idx], d: d}
	pos, neg, hasNeg := strings.Cut(d.currencyPattern, ";")
	f.posPrefix, f.posSuffix, f.primary, f.secondary = splitPattern(pos)
	if hasNeg {
		f.negPrefix, f.negSuffix, _, _ = splitPattern(neg)
		f.hasNeg = true
	}
	_, _, f.decimalPrim, f.decimalSecd = splitPattern(d.decimalPattern)
	return f
}

// Tag returns the locale the formatter formats for.
func (f Formatter) Tag() language.Tag { return f.tag }

// splitPattern splits a CLDR pattern such as "¤#,##,##0.00" into the text
// before and after the number and the grouping sizes (3 and 2 here).
func splitPattern(p string) (prefix, suffix string, primary, secondary int) {
	start := strings.IndexAny(p, "#0")
	end := strings.LastIndexAny(p, "#0") + 1
	if start < 0 {
		return p, "", 3, 3
	}
	num := p[start:end]
	intPart, _, _ := strings.Cut(num, ".")
	groups := strings.Split(intPart, ",")
	primary, secondary = 0, 0
	if len(groups) > 1 {
		primary = len(groups[len(groups)-1])
		secondary = primary
		if len(groups) > 2 {
			secondary = len(groups[len(groups)-2])
		}
	}
	return unquote(p[:start]), unquote(p[end:]), primary, secondary
}

// unquote removes CLDR's quoting of literal text ("Mio'.'" → "Mio.").
func unquote(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	s = strings.ReplaceAll(s, "''", "\x00")
	s = strings.ReplaceAll(s, "'", "")
	return strings.ReplaceAll(s, "\x00", "'")
}

// group writes digits with the locale's separators: primary size for the
// last group, secondary for the rest; min sets the fewest digits that are
// grouped at all.
func (f Formatter) group(b *strings.Builder, digits []byte, primary, secondary, min int) {
	if primary <= 0 || len(digits) < min || len(digits) <= primary {
		b.Write(digits)
		return
	}
	head := len(digits) - primary // digits before the last group
	if secondary <= 0 {
		secondary = primary
	}
	first := head % secondary
	if first == 0 {
		first = secondary
	}
	b.Write(digits[:first])
	for i := first; i < head; i += secondary {
		b.WriteString(f.d.group)
		b.Write(digits[i : i+secondary])
	}
	b.WriteString(f.d.group)
	b.Write(digits[head:])
}

// fixed returns |d| rounded half to even to frac fraction digits, as
// digits with a '.' before the fraction (none when frac is 0), and whether
// the rounded value is below zero. Amounts of up to 18 significant digits
// are done in int64 arithmetic into buf; larger ones through decimal.
func fixed(d decimal.Decimal, frac int, buf *[48]byte) ([]byte, bool) {
	if frac >= 0 && frac <= 18 && d.NumDigits() <= 18 {
		if q, ok := roundInt64(d.CoefficientInt64(), int(d.Exponent())+frac); ok {
			neg := q < 0
			u := uint64(q)
			if neg {
				u = -u
			}
			// Digits, right to left, with at least frac+1 of them.
			i := len(buf)
			for n := 0; n <= frac || u > 0; n++ {
				if n == frac && frac > 0 {
					i--
					buf[i] = '.'
				}
				i--
				buf[i] = byte('0' + u%10)
				u /= 10
			}
			return buf[i:], neg
		}
	}
	r := d.RoundBank(int32(frac))
	return []byte(r.Abs().StringFixed(int32(frac))), r.IsNegative()
}

// roundInt64 returns coef × 10^shift rounded half to even, if it fits.
func roundInt64(coef int64, shift int) (int64, bool) {
	switch {
	case shift >= 0:
		for range shift {
			if coef > math.MaxInt64/10 || coef < math.MinInt64/10 {
				return 0, false
			}
			coef *= 10
		}
		return coef, true
	case shift < -18: // |coef| < 10^18 is less than half a unit
		return 0, true
	}
	div := int64(1)
	for range -shift {
		div *= 10
	}
	q, r := coef/div, coef%div
	if r < 0 {
		r = -r
	}
	if twice := 2 * r; twice > div || twice == div && q%2 != 0 {
		if coef < 0 {
			q--
		} else {
			q++
		}
	}
	return q, true
}

// number writes |d| rounded half-even to frac digits, grouped, and reports
// whether the rounded value is negative.
func (f Formatter) number(b *strings.Builder, d decimal.Decimal, frac int, primary, secondary, min int) bool {
	var buf [48]byte
	s, neg := fixed(d, frac, &buf)
	intPart, fracPart := s, []byte(nil)
	if i := bytes.IndexByte(s, '.'); i >= 0 {
		intPart, fracPart = s[:i], s[i+1:]
	}
	f.group(b, intPart, primary, secondary, min)
	if len(fracPart) > 0 {
		b.WriteString(f.d.decimal)
		b.Write(fracPart)
	}
	return neg
}

// Decimal formats a number with frac fraction digits (rounded half to
// even): 1234567.891 with 2 is "1,234,567.89" in en, "1.234.567,89" in de,
// "12,34,567.89" in hi.
func (f Formatter) Decimal(d decimal.Decimal, frac int) string {
	var num strings.Builder
	if f.number(&num, d, frac, f.decimalPrim, f.decimalSecd, 1) {
		return f.d.minus + num.String()
	}
	return num.String()
}

// Symbol returns the locale's symbol for a currency ("¥" for CNY in
// Chinese, "CN¥" in English), or the ISO code when it has none.
func (f Formatter) Symbol(currency string) string {
	if s, ok := f.d.symbols[currency]; ok {
		return s
	}
	return currency
}

// Money formats an amount with its currency's minor digits (two for CNY,
// none for JPY, three for BHD), rounded half to even, and the locale's
// symbol and placement: ¥5,000,000.00 in zh, 1.234,50 € in de,
// -US$12.00 in en for a refund in dollars. An amount that rounds to zero
// has no minus sign.
func (f Formatter) Money(m strata.Money) string {
	digits, ok := strata.CurrencyDigits(m.Currency)
	if !ok {
		digits = 2
	}
	var num strings.Builder
	num.Grow(32)
	neg := f.number(&num, m.Amount, digits, f.primary, f.secondary, 1)
	return f.money(m.Currency, num.String(), neg)
}

// money places the formatted number, the currency symbol and the sign as
// the locale's currency pattern says.
func (f Formatter) money(currency, num string, negative bool) string {
	sym := f.Symbol(currency)
	prefix, suffix := f.posPrefix, f.posSuffix
	var b strings.Builder
	b.Grow(len(num) + len(sym) + len(prefix) + len(suffix) + 8)
	minusInPattern := false
	if negative {
		if f.hasNeg {
			prefix, suffix = f.negPrefix, f.negSuffix
			minusInPattern = true
		} else {
			b.WriteString(f.d.minus)
		}
	}
	writeAffix(&b, prefix, sym, f.d.minus, minusInPattern)
	// CLDR currency spacing: a symbol that ends (or starts) with a letter
	// gets a no-break space next to the digits, so "BHD 1.234", not "BHD1.234".
	if strings.HasSuffix(prefix, "¤") && endsWithLetter(sym, true) {
		b.WriteString("\u00a0")
	}
	b.WriteString(num)
	if strings.HasPrefix(suffix, "¤") && endsWithLetter(sym, false) {
		b.WriteString("\u00a0")
	}
	writeAffix(&b, suffix, sym, f.d.minus, minusInPattern)
	return b.String()
}

// writeAffix writes a pattern's prefix or suffix with its first ¤ as sym
// and, when minus is set, its first '-' as the locale's minus sign.
func writeAffix(b *strings.Builder, affix, sym, minusSign string, minus bool) {
	symDone, minusDone := false, !minus
	for i := 0; i < len(affix); {
		switch {
		case !symDone && strings.HasPrefix(affix[i:], "¤"):
			b.WriteString(sym)
			i += len("¤")
			symDone = true
		case !minusDone && affix[i] == '-':
			b.WriteString(minusSign)
			i++
			minusDone = true
		default:
			b.WriteByte(affix[i])
			i++
		}
	}
}

// endsWithLetter reports whether sym's last (or first) rune is a letter
// rather than a currency sign.
func endsWithLetter(sym string, last bool) bool {
	if sym == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(sym)
	if last {
		r, _ = utf8.DecodeLastRuneInString(sym)
	}
	return unicode.IsLetter(r)
}

// Compact formats a large number with the locale's units, the way people
// say it: 5,000,000 is "500万" in zh, 120,000,000 is "1.2亿", 12,345 is
// "1.2万"; in hi 100,000 is "1 लाख". It keeps two significant digits when
// one integer digit shows and rounds to a whole number otherwise (ICU's
// rule), moving up a unit when rounding reaches it (99,999,999 is "1亿").
// Below the first unit the number is written whole ("9999").
func (f Formatter) Compact(d decimal.Decimal) string {
	var b strings.Builder
	f.compact(&b, d)
	return b.String()
}

func (f Formatter) compact(b *strings.Builder, d decimal.Decimal) {
	abs := d.Abs()
	rule := -1
	for i, r := range f.d.compact {
		if abs.Cmp(decimal.New(1, int32(r.mag))) >= 0 {
			rule = i
		}
	}
	for rule >= 0 {
		r := f.d.compact[rule]
		zeros := strings.Count(r.pattern, "0")
		if strings.Trim(unquote(r.pattern), "0") == "" { // "0": no unit at this size
			break
		}
		scaled := abs.Shift(-int32(r.mag - zeros + 1))
		frac := int32(0)
		if zeros == 1 && scaled.LessThan(decimal.NewFromInt(10)) {
			frac = 1
		}
		rounded := scaled.RoundBank(frac)
		if rounded.Cmp(decimal.New(1, int32(zeros))) >= 0 && rule+1 < len(f.d.compact) {
			rule++ // rounding reached the next unit
			continue
		}
		if d.Sign() < 0 && !rounded.IsZero() {
			b.WriteString(f.d.minus)
		}
		start := strings.Index(r.pattern, "0")
		end := strings.LastIndex(r.pattern, "0") + 1
		b.WriteString(unquote(r.pattern[:start]))
		_, fracPart, _ := strings.Cut(rounded.String(), ".") // no trailing zeros: "1万", not "1.0万"
		f.number(b, rounded, len(fracPart), 0, 0, 1)
		b.WriteString(unquote(r.pattern[end:]))
		return
	}
	// Below the first unit: a whole number, grouped from five digits up.
	if d.Sign() < 0 {
		b.WriteString(f.d.minus)
	}
	f.number(b, abs, 0, f.decimalPrim, f.decimalSecd, 5)
}

// MoneyCompact formats money with compact units: ¥500万 in zh, ₹1.2 क॰ in hi.
func (f Formatter) MoneyCompact(m strata.Money) string {
	var num strings.Builder
	f.compact(&num, m.Amount.Abs())
	return f.money(m.Currency, num.String(), m.Amount.IsNegative())
}
