package compliance

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

// MaskEmail keeps the domain: "buyer@jinlun.example.cn" → "***@jinlun.example.cn".
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "***"
	}
	return "***" + s[at:]
}

// MaskPhone keeps an international number's country code and the last
// four digits, hides at least four digits and shows at most three leading
// ones: "+86 138 0013 5678" → "+86 138****5678", "+49 30 1234 5678" →
// "+49 30****5678", "+65 9123 4567" → "+65 ****4567". Numbers without a
// country code keep only their last two digits.
func MaskPhone(s string) string {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	if len(digits) < 7 || !strings.HasPrefix(strings.TrimSpace(s), "+") {
		if len(digits) <= 2 {
			return "***"
		}
		return strings.Repeat("*", len(digits)-2) + string(digits[len(digits)-2:])
	}
	cc := countryCodeLen(digits)
	national := digits[cc:]
	keepHead := min(3, max(len(national)-8, 0))
	var b strings.Builder
	b.WriteString("+")
	b.Write(digits[:cc])
	b.WriteString(" ")
	b.Write(national[:keepHead])
	b.WriteString(strings.Repeat("*", len(national)-keepHead-4))
	b.Write(national[len(national)-4:])
	return b.String()
}

// countryCodeLen returns the length of the E.164 country calling code that
// digits start with (1 for +1 and +7, 2 or 3 otherwise).
func countryCodeLen(d []byte) int {
	switch d[0] {
	case '1', '7':
		return 1
	}
	two := string(d[:2])
	switch two {
	case "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
		"51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
		"86", "90", "91", "92", "93", "94", "95", "98":
		return 2
	}
	return 3
}

// MaskHandle keeps a messaging handle's first two characters: "wx_buyer" → "wx***".
func MaskHandle(s string) string { return keepRunes(s, 2) + "***" }

// MaskText keeps the first character: "Shenzhen" → "S***".
func MaskText(s string) string {
	if s == "" {
		return ""
	}
	return keepRunes(s, 1) + "***"
}

// MaskName keeps the first two characters of a Chinese name or the first
// letter of each word otherwise: "上海锦纶纺织有限公司" → "上海********",
// "Blue Harbor Trading" → "B*** H*** T***".
func MaskName(s string) string {
	if s == "" {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(s)
	if r >= 0x2E80 { // CJK and beyond: no spaces between words
		n := utf8.RuneCountInString(s)
		keep := min(2, max(n-1, 1))
		return keepRunes(s, keep) + strings.Repeat("*", n-keep)
	}
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = keepRunes(w, 1) + "***"
	}
	return strings.Join(words, " ")
}

// MaskPRCID hides the birth date in a PRC resident identity card number
// (18 characters: region, birth date YYYYMMDD, sequence, check digit):
// "110105199003071234" → "110105********1234". Other strings keep only
// their last four characters.
func MaskPRCID(s string) string {
	if len(s) == 18 {
		return s[:6] + "********" + s[14:]
	}
	if len(s) <= 4 {
		return "****"
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

// MaskMoney rounds an amount down (towards zero) to one significant digit,
// keeping its currency: 5,600,000 CNY → 5,000,000 CNY; amounts under one
// unit become zero. It tells the band, not the figure, and costs the same
// whatever the amount's exponent.
func MaskMoney(m strata.Money) strata.Money {
	coef := m.Amount.Coefficient()
	if coef.Sign() == 0 {
		return strata.Money{Amount: decimal.Zero, Currency: m.Currency}
	}
	digits := coef.String() // no comparison or rescaling: cost follows the stored digits, not the exponent
	if digits[0] == '-' {
		digits = digits[1:]
	}
	intDigits := int64(len(digits)) + int64(m.Amount.Exponent())
	if intDigits <= 0 { // under one unit
		return strata.Money{Amount: decimal.Zero, Currency: m.Currency}
	}
	lead := int64(digits[0] - '0')
	if coef.Sign() < 0 {
		lead = -lead
	}
	exp := min(intDigits-1, math.MaxInt32)
	return strata.Money{Amount: decimal.New(lead, int32(exp)), Currency: m.Currency}
}

func keepRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// maskString masks a string by kind.
func maskString(kind MaskKind, s string) string {
	switch kind {
	case MaskKindName:
		return MaskName(s)
	case MaskKindEmail:
		return MaskEmail(s)
	case MaskKindPhone:
		return MaskPhone(s)
	case MaskKindHandle:
		return MaskHandle(s)
	case MaskKindPRCID:
		return MaskPRCID(s)
	case MaskKindText:
		return MaskText(s)
	}
	return ""
}
