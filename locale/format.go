package locale

import (
	"strings"
	"unicode"

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
func (f Formatter) group(b *strings.Builder, digits string, primary, secondary, min int) {
	if primary <= 0 || len(digits) < min || len(digits) <= primary {
		b.WriteString(digits)
		return
	}
	head := len(digits) - primary
	var parts []string
	for head > 0 {
		start := max(head-secondary, 0)
		parts = append(parts, digits[start:head])
		head = start
	}
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
		b.WriteString(f.d.group)
	}
	b.WriteString(digits[len(digits)-primary:])
}

// number writes |d| rounded half-even to frac digits, grouped.
func (f Formatter) number(b *strings.Builder, d decimal.Decimal, frac int, primary, secondary, min int) {
	s := d.Abs().StringFixedBank(int32(frac))
	intPart, fracPart, _ := strings.Cut(s, ".")
	f.group(b, intPart, primary, secondary, min)
	if fracPart != "" {
		b.WriteString(f.d.decimal)
		b.WriteString(fracPart)
	}
}

// Decimal formats a number with frac fraction digits (rounded half to
// even): 1234567.891 with 2 is "1,234,567.89" in en, "1.234.567,89" in de,
// "12,34,567.89" in hi.
func (f Formatter) Decimal(d decimal.Decimal, frac int) string {
	var b strings.Builder
	if d.Round(int32(frac)).IsNegative() {
		b.WriteString(f.d.minus)
	}
	f.number(&b, d, frac, f.decimalPrim, f.decimalSecd, 1)
	return b.String()
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
// -US$12.00 in en for a refund in dollars.
func (f Formatter) Money(m strata.Money) string {
	digits, ok := strata.CurrencyDigits(m.Currency)
	if !ok {
		digits = 2
	}
	return f.money(m, func(b *strings.Builder) {
		f.number(b, m.Amount, digits, f.primary, f.secondary, 1)
	}, m.Amount.Round(int32(digits)).IsNegative())
}

func (f Formatter) money(m strata.Money, num func(*strings.Builder), negative bool) string {
	sym := f.Symbol(m.Currency)
	prefix, suffix := f.posPrefix, f.posSuffix
	var b strings.Builder
	if negative {
		if f.hasNeg {
			prefix, suffix = f.negPrefix, f.negSuffix
			prefix = strings.Replace(prefix, "-", f.d.minus, 1)
		} else {
			b.WriteString(f.d.minus)
		}
	}
	// CLDR currency spacing: a symbol that ends (or starts) with a letter
	// gets a no-break space next to the digits, so "BHD 1.234", not "BHD1.234".
	if strings.HasSuffix(prefix, "¤") && endsWithLetter(sym, true) {
		prefix += "\u00a0"
	}
	if strings.HasPrefix(suffix, "¤") && endsWithLetter(sym, false) {
		suffix = "\u00a0" + suffix
	}
	b.WriteString(strings.Replace(prefix, "¤", sym, 1))
	num(&b)
	b.WriteString(strings.Replace(suffix, "¤", sym, 1))
	return b.String()
}

// endsWithLetter reports whether sym's last (or first) rune is a letter
// rather than a currency sign.
func endsWithLetter(sym string, last bool) bool {
	r := []rune(sym)
	if len(r) == 0 {
		return false
	}
	c := r[0]
	if last {
		c = r[len(r)-1]
	}
	return unicode.IsLetter(c)
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
	return f.money(m, func(b *strings.Builder) { f.compact(b, m.Amount.Abs()) }, m.Amount.IsNegative())
}
