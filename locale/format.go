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

// numberTags are the declared locales with number data, the fallback
// (English) first.
var numberTags = func() []language.Tag {
	tags := make([]language.Tag, len(numberTagNames))
	for i, s := range numberTagNames {
		tags[i] = language.MustParse(s)
	}
	return tags
}()

var numberMatcher = language.NewMatcher(numberTags)

// NumberLocales returns the locales Formatter has CLDR data for: the
// declared export-market locales, regional variants included ("en-GB",
// "de-CH", "pt-PT", "ar-SA" …). NewFormatter matches any tag to one of them.
func NumberLocales() []language.Tag { return append([]language.Tag(nil), numberTags...) }

// pattern is a parsed CLDR number pattern: the text around the number for
// positive and negative values, and the grouping sizes.
type pattern struct {
	posPrefix, posSuffix string
	negPrefix, negSuffix string
	hasNeg               bool
	grouping
}

// grouping says how a number is written: the size of the last group of
// integer digits, of the others, the fewest digits that are grouped at all,
// and the group and decimal separators.
type grouping struct {
	primary, secondary, min int
	group, decimal          string
}

func parsePattern(p string, minGroup int) pattern {
	pos, neg, hasNeg := strings.Cut(p, ";")
	var out pattern
	out.posPrefix, out.posSuffix, out.primary, out.secondary = splitPattern(pos)
	out.min = out.primary + minGroup
	if hasNeg {
		out.negPrefix, out.negSuffix, _, _ = splitPattern(neg)
		out.hasNeg = true
	}
	return out
}

// Formatter formats numbers and money the way a locale writes them, from
// CLDR 48 data: digits (Arabic-Indic in Saudi and Egyptian Arabic),
// separators, grouping (India's lakh grouping, Spanish and Polish leaving
// four-digit numbers ungrouped), the currency symbol and its place, and
// compact large-number units (万/亿 in Chinese, 萬/億 in Traditional
// Chinese, 万/億 in Japanese, 만/억 in Korean, lakh and crore in Hindi and
// Indian English, Mio. in German). Amounts are rounded half away from zero,
// as ECMA-402's Intl.NumberFormat and invoices do.
//
// A Formatter is a small value, safe for concurrent use. The zero Formatter
// formats as English.
type Formatter struct{ l *numberLocale }

// numberLocale is a declared locale's data with its patterns parsed.
type numberLocale struct {
	tag      language.Tag
	d        *numberData
	currency pattern // the standard currency pattern
	alpha    pattern // for symbols with a letter next to the number
	decimal  grouping
	compactG grouping
}

// parsedLocales holds every declared locale, parsed once, by index in
// numberTags.
var parsedLocales = func() []*numberLocale {
	out := make([]*numberLocale, len(numberTags))
	for i, tag := range numberTags {
		out[i] = parseLocale(tag, numberLocales[numberTagNames[i]])
	}
	return out
}()

func parseLocale(tag language.Tag, d *numberData) *numberLocale {
	l := &numberLocale{tag: tag, d: d}
	l.currency = parsePattern(d.currencyPattern, d.minGroup)
	l.alpha = l.currency
	if d.currencyAlphaPattern != "" {
		l.alpha = parsePattern(d.currencyAlphaPattern, d.minGroup)
	}
	for _, p := range []*pattern{&l.currency, &l.alpha} {
		p.group, p.decimal = d.currencyGroup, d.currencyDecimal
	}
	dp := parsePattern(d.decimalPattern, d.minGroup)
	l.decimal = dp.grouping
	l.decimal.group, l.decimal.decimal = d.group, d.decimal
	l.compactG = l.decimal
	l.compactG.min = dp.primary + 2 // ICU's compact notation groups from 5 digits
	return l
}

// NewFormatter returns the formatter for the best match of tag among
// NumberLocales: en-GB gets British formats, de-CH Swiss ones ("CHF
// 1'234.50"), pt-PT European Portuguese, zh-TW and zh-HK Traditional Chinese;
// English when nothing matches.
func NewFormatter(tag language.Tag) Formatter {
	_, idx, conf := numberMatcher.Match(tag)
	if conf == language.No {
		idx = 0
	}
	return Formatter{parsedLocales[idx]}
}

// loc returns f's locale, English for the zero Formatter.
func (f Formatter) loc() *numberLocale {
	if f.l == nil {
		return parsedLocales[0]
	}
	return f.l
}

// Tag returns the locale the formatter formats for.
func (f Formatter) Tag() language.Tag { return f.loc().tag }

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

// writeDigits writes ASCII digits in the locale's numbering system.
func (l *numberLocale) writeDigits(b *strings.Builder, digits []byte) {
	if l.d.digits == "" {
		b.Write(digits)
		return
	}
	for _, c := range digits {
		i := 0
		for range int(c - '0') {
			_, size := utf8.DecodeRuneInString(l.d.digits[i:])
			i += size
		}
		r, _ := utf8.DecodeRuneInString(l.d.digits[i:])
		b.WriteRune(r)
	}
}

// group writes digits with the locale's separators: g.primary digits in the
// last group, g.secondary in the others, and no grouping at all below
// g.min digits.
func (l *numberLocale) group(b *strings.Builder, digits []byte, g *grouping) {
	if g.primary <= 0 || len(digits) < g.min || len(digits) <= g.primary {
		l.writeDigits(b, digits)
		return
	}
	head := len(digits) - g.primary // digits before the last group
	secondary := g.secondary
	if secondary <= 0 {
		secondary = g.primary
	}
	first := head % secondary
	if first == 0 {
		first = secondary
	}
	l.writeDigits(b, digits[:first])
	for i := first; i < head; i += secondary {
		b.WriteString(g.group)
		l.writeDigits(b, digits[i:i+secondary])
	}
	b.WriteString(g.group)
	l.writeDigits(b, digits[head:])
}

// fixed returns |d| rounded half away from zero to frac fraction digits, as
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
	r := d.Round(int32(frac))
	return []byte(r.Abs().StringFixed(int32(frac))), r.IsNegative()
}

// roundInt64 returns coef × 10^shift rounded half away from zero, if it
// fits.
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
	if 2*r >= div {
		if coef < 0 {
			q--
		} else {
			q++
		}
	}
	return q, true
}

// number writes |d| rounded half away from zero to frac digits, grouped,
// and reports whether the rounded value is negative.
func (l *numberLocale) number(b *strings.Builder, d decimal.Decimal, frac int, g *grouping) bool {
	var buf [48]byte
	s, neg := fixed(d, frac, &buf)
	intPart, fracPart := s, []byte(nil)
	if i := bytes.IndexByte(s, '.'); i >= 0 {
		intPart, fracPart = s[:i], s[i+1:]
	}
	l.group(b, intPart, g)
	if len(fracPart) > 0 {
		b.WriteString(g.decimal)
		l.writeDigits(b, fracPart)
	}
	return neg
}

// Decimal formats a number with frac fraction digits, rounded half away
// from zero: 1234567.891 with 2 is "1,234,567.89" in en, "1.234.567,89" in
// de, "12,34,567.89" in hi, "١٬٢٣٤٬٥٦٧٫٨٩" in ar-SA.
func (f Formatter) Decimal(d decimal.Decimal, frac int) string {
	l := f.loc()
	frac = min(max(frac, 0), 30)
	var num strings.Builder
	if l.number(&num, d, frac, &l.decimal) {
		return l.d.minus + num.String()
	}
	return num.String()
}

// Symbol returns the locale's symbol for a currency ("¥" for CNY in
// Chinese, "CN¥" in English, "£" for GBP in British English), or the ISO
// code when it has none.
func (f Formatter) Symbol(currency string) string { return f.loc().symbol(currency) }

func (l *numberLocale) symbol(currency string) string {
	if s, ok := l.d.symbols[currency]; ok {
		return s
	}
	return currency
}

// Money formats an amount with the digits CLDR displays its currency with
// (two for CNY, none for JPY and HUF, three for BHD; see
// strata.CurrencyDigits), rounded half away from zero (0.125 USD is
// "$0.13"), with the locale's symbol and placement: ¥5,000,000.00 in zh,
// 1.234,50 € in de, £1,234.50 in en-GB, -US$12.00 in en for a refund in
// dollars. An amount that rounds to zero has no minus sign.
func (f Formatter) Money(m strata.Money) string {
	l := f.loc()
	digits, ok := strata.CurrencyDigits(m.Currency)
	if !ok {
		digits = 2
	}
	sym := l.symbol(m.Currency)
	p := l.patternFor(sym)
	var b strings.Builder
	b.Grow(32)
	neg := l.number(&b, m.Amount, digits, &p.grouping)
	return l.money(p, sym, b.String(), neg)
}

// patternFor returns the currency pattern for a symbol: CLDR's
// alphaNextToNumber pattern when a letter of the symbol would touch the
// number ("CHF 12.00", "US$12.00" stays as it is).
func (l *numberLocale) patternFor(sym string) *pattern {
	p := &l.currency
	if strings.HasSuffix(p.posPrefix, "¤") && endsWithLetter(sym, true) ||
		strings.HasPrefix(p.posSuffix, "¤") && endsWithLetter(sym, false) {
		return &l.alpha
	}
	return p
}

// money places the formatted number, the currency symbol and the sign as
// the currency pattern p says.
func (l *numberLocale) money(p *pattern, sym, num string, negative bool) string {
	prefix, suffix := p.posPrefix, p.posSuffix
	var b strings.Builder
	b.Grow(len(num) + len(sym) + len(prefix) + len(suffix) + 8)
	minusInPattern := false
	if negative {
		if p.hasNeg {
			prefix, suffix = p.negPrefix, p.negSuffix
			minusInPattern = true
		} else {
			b.WriteString(l.d.minus)
		}
	}
	writeAffix(&b, prefix, sym, l.d.minus, minusInPattern)
	// CLDR currency spacing: a symbol that ends (or starts) with neither a
	// symbol nor a space gets a no-break space next to the digits.
	if strings.HasSuffix(prefix, "¤") && needsSpace(sym, true) {
		b.WriteString("\u00a0")
	}
	b.WriteString(num)
	if strings.HasPrefix(suffix, "¤") && needsSpace(sym, false) {
		b.WriteString("\u00a0")
	}
	writeAffix(&b, suffix, sym, l.d.minus, minusInPattern)
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

// edgeRune returns sym's last (or first) rune.
func edgeRune(sym string, last bool) (rune, bool) {
	if sym == "" {
		return 0, false
	}
	if last {
		r, _ := utf8.DecodeLastRuneInString(sym)
		return r, true
	}
	r, _ := utf8.DecodeRuneInString(sym)
	return r, true
}

// endsWithLetter reports whether sym's last (or first) rune is a letter.
func endsWithLetter(sym string, last bool) bool {
	r, ok := edgeRune(sym, last)
	return ok && unicode.IsLetter(r)
}

// needsSpace is CLDR's currencyMatch [[:^S:]&[:^Z:]]: the symbol's rune next
// to the digits is neither a symbol nor a space.
func needsSpace(sym string, last bool) bool {
	r, ok := edgeRune(sym, last)
	return ok && !unicode.IsSymbol(r) && !unicode.In(r, unicode.Z)
}

// Compact formats a large number with the locale's units, the way people
// say it: 5,000,000 is "500万" in zh, 120,000,000 is "1.2亿", 12,345 is
// "1.2万"; in hi 100,000 is "1 लाख"; in de 1,234,567 is "1,2 Mio.". It keeps
// two significant digits when one integer digit shows and rounds to a whole
// number otherwise (ICU's rule), half away from zero, moving up a unit when
// rounding reaches it (99,999,999 is "1亿"). Below the first unit the number
// is written whole, grouped from five digits ("9999", "12,345").
func (f Formatter) Compact(d decimal.Decimal) string {
	var b strings.Builder
	f.loc().compact(&b, d)
	return b.String()
}

// compact writes d in compact form and reports whether what it wrote is
// not zero.
func (l *numberLocale) compact(b *strings.Builder, d decimal.Decimal) bool {
	abs := d.Abs()
	rule := -1
	for i, r := range l.d.compact {
		if abs.Cmp(decimal.New(1, int32(r.mag))) >= 0 {
			rule = i
		}
	}
	for rule >= 0 {
		r := l.d.compact[rule]
		zeros := strings.Count(r.pattern, "0")
		if strings.Trim(unquote(r.pattern), "0") == "" { // "0": no unit at this size
			break
		}
		scaled := abs.Shift(-int32(r.mag - zeros + 1))
		frac := int32(0)
		if zeros == 1 && scaled.LessThan(decimal.NewFromInt(10)) {
			frac = 1
		}
		rounded := scaled.Round(frac)
		if rounded.Cmp(decimal.New(1, int32(zeros))) >= 0 && rule+1 < len(l.d.compact) {
			rule++ // rounding reached the next unit
			continue
		}
		if d.Sign() < 0 && !rounded.IsZero() {
			b.WriteString(l.d.minus)
		}
		pat := r.pattern
		if r.few != "" && arabicFew(rounded) {
			pat = r.few
		}
		start := strings.Index(pat, "0")
		end := strings.LastIndex(pat, "0") + 1
		b.WriteString(unquote(pat[:start]))
		_, fracPart, _ := strings.Cut(rounded.String(), ".") // no trailing zeros: "1万", not "1.0万"
		l.number(b, rounded, len(fracPart), &grouping{decimal: l.d.decimal})
		b.WriteString(unquote(pat[end:]))
		return !rounded.IsZero()
	}
	// Below the first unit: a whole number, grouped from five digits up.
	nonZero := !abs.Round(0).IsZero()
	if d.Sign() < 0 && nonZero {
		b.WriteString(l.d.minus)
	}
	l.number(b, abs, 0, &l.compactG)
	return nonZero
}

// arabicFew reports whether n is in Arabic's plural category "few": a whole
// number whose last two digits are 3 to 10.
func arabicFew(n decimal.Decimal) bool {
	if !n.IsInteger() {
		return false
	}
	r := n.Mod(decimal.NewFromInt(100)).IntPart()
	return r >= 3 && r <= 10
}

// MoneyCompact formats money with compact units: ¥500万 in zh, ₹1.2 क॰ in hi.
func (f Formatter) MoneyCompact(m strata.Money) string {
	l := f.loc()
	sym := l.symbol(m.Currency)
	var num strings.Builder
	nonZero := l.compact(&num, m.Amount.Abs())
	return l.money(l.patternFor(sym), sym, num.String(), m.Amount.IsNegative() && nonZero)
}
