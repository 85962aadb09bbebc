package strata

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

//go:generate go run ./internal/gen/phonedata

// PhoneType is the kind of line a phone number belongs to, as the numbering
// plan of its country says. Where a plan cannot tell mobile numbers from
// fixed lines (the United States, Canada, China's 400 numbers are toll-free
// …) the type is PhoneFixedLineOrMobile.
type PhoneType string

// The phone number types of libphonenumber's metadata.
const (
	PhoneFixedLine         PhoneType = "fixed_line"
	PhoneMobile            PhoneType = "mobile"
	PhoneFixedLineOrMobile PhoneType = "fixed_line_or_mobile"
	PhoneTollFree          PhoneType = "toll_free"
	PhonePremiumRate       PhoneType = "premium_rate"
	PhoneSharedCost        PhoneType = "shared_cost"
	PhoneVoIP              PhoneType = "voip"
	PhonePersonalNumber    PhoneType = "personal_number"
	PhonePager             PhoneType = "pager"
	PhoneUAN               PhoneType = "uan" // universal access number (a company's single number)
	PhoneVoicemail         PhoneType = "voicemail"
)

// phoneTypes gives the type of each column of phoneRegion.desc after the
// general one, in the order libphonenumber tests them.
var phoneTypes = [...]PhoneType{"", PhonePremiumRate, PhoneTollFree, PhoneSharedCost, PhoneVoIP,
	PhonePersonalNumber, PhonePager, PhoneUAN, PhoneVoicemail, PhoneFixedLine, PhoneMobile}

const (
	descGeneral = 0
	descFixed   = 9
	descMobile  = 10
	descCount   = 11
)

// Phone is a phone number parsed and validated against its country's
// numbering plan.
//
// Its fields are personal data: String, GoString and LogValue print it
// masked ("+86 138****5678"); read E164 to store or compare it.
type Phone struct {
	// E164 is the number in E.164 form: '+', the country calling code and
	// the national significant number, digits only ("+8613800135678").
	E164 string `json:"e164"`
	// Country is the ISO 3166-1 region the number belongs to ("CN"), or
	// empty for a non-geographic number (+800 International Freephone,
	// +882 international networks …).
	Country string `json:"country,omitempty"`
	// CallingCode is the country calling code (86).
	CallingCode int `json:"calling_code"`
	// Type is the kind of line, as the numbering plan says.
	Type PhoneType `json:"type"`
	// Extension is the extension dialled after the call connects ("ext. 204"
	// gives "204"); E.164 has no place for it, so it is kept here.
	Extension string `json:"extension,omitempty"`
}

// National returns the national significant number: E164 without '+' and
// the calling code.
func (p Phone) National() string {
	cc := strconv.Itoa(p.CallingCode)
	if len(p.E164) < 1+len(cc) {
		return ""
	}
	return p.E164[1+len(cc):]
}

// Masked returns the number with its middle digits hidden, so that at
// least four and at least half of the national digits are hidden: the
// calling code, then the first three and last four digits of a national
// number of eleven digits or more ("+86 138****5678"), the first and last
// two of one of eight to ten ("+49 30****56"), the last two of a shorter one.
func (p Phone) Masked() string {
	if p.E164 == "" {
		return ""
	}
	nsn := p.National()
	head, tail := 0, 2
	switch {
	case len(nsn) >= 11:
		head, tail = 3, 4
	case len(nsn) >= 8:
		head = 2
	case len(nsn) < 6:
		tail = 0
	}
	return fmt.Sprintf("+%d %s%s%s", p.CallingCode, nsn[:head],
		strings.Repeat("*", len(nsn)-head-tail), nsn[len(nsn)-tail:])
}

// String implements fmt.Stringer with the masked number, so %v never shows
// the whole number.
func (p Phone) String() string { return p.Masked() }

// GoString implements fmt.GoStringer with the masked number, for %#v.
func (p Phone) GoString() string { return "strata.Phone(" + p.Masked() + ")" }

// ErrInvalidPhone is the condition every PhoneError matches with errors.Is.
var ErrInvalidPhone = errors.New("invalid phone number")

// PhoneReason says why a phone number was refused.
type PhoneReason string

// The reasons a phone number is refused.
const (
	PhoneNotANumber     PhoneReason = "not_a_number"      // empty, or characters no phone number has
	PhoneLetters        PhoneReason = "letters"           // contains letters (vanity numbers are not accepted)
	PhoneNeedsCountry   PhoneReason = "needs_country"     // national format and no country to read it in
	PhoneUnknownCountry PhoneReason = "unknown_country"   // the given country has no numbering plan
	PhoneUnknownCode    PhoneReason = "unknown_code"      // no country uses this calling code
	PhoneTooShort       PhoneReason = "too_short"         // fewer digits than any number of the country
	PhoneTooLong        PhoneReason = "too_long"          // more digits than any number of the country
	PhoneInvalidLength  PhoneReason = "invalid_length"    // between the shortest and longest, but no number has this length
	PhoneInvalid        PhoneReason = "invalid_for_plan"  // the right length, but no number starts like this
	PhoneLocalOnly      PhoneReason = "local_only_number" // a subscriber number without its area code
)

// PhoneError is a phone number that was refused, and why. Its text names
// the reason and the country's rules, never the number.
type PhoneError struct {
	Reason PhoneReason
	// Detail explains the reason for people: "too short for CN (+86): 9
	// digits, want 11".
	Detail string
}

// Error implements error as "invalid phone number: detail".
func (e *PhoneError) Error() string { return "invalid phone number: " + e.Detail }

// Is reports whether target is ErrInvalidPhone.
func (e *PhoneError) Is(target error) bool { return target == ErrInvalidPhone }

func phoneErr(r PhoneReason, format string, args ...any) error {
	return &PhoneError{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// NormalizePhone reads a phone number written in any usual way and validates it
// against the numbering plan of its country (libphonenumber's metadata,
// version in PhoneSources): "+86 138 0013 5678", "+8613800135678",
// "0086-138-0013-5678" and, for country "CN", "138 0013 5678" are all
// +8613800135678. Numbers in national format, or dialled with the
// country's international prefix (00, 011 …), need country, the ISO 3166-1
// code of the country they were written in; numbers starting with '+' do
// not. Full-width and Arabic-Indic digits are read as digits; an extension
// ("ext. 12", "x12", "转12", "分机12") is kept in Phone.Extension.
//
// It returns a *PhoneError (matching ErrInvalidPhone) saying what is wrong
// without quoting the number. It costs a few microseconds, plus the
// compilation of a country's patterns the first time a number of that
// country is read; it is safe for concurrent use.
func NormalizePhone(s, country string) (Phone, error) {
	if len(s) > 250 {
		return Phone{}, phoneErr(PhoneTooLong, "longer than 250 characters")
	}
	digits, plus, ext, err := scanPhone(s)
	if err != nil {
		return Phone{}, err
	}
	var home *phoneRegion
	if country != "" {
		if home = phoneRegionByID(country); home == nil {
			return Phone{}, phoneErr(PhoneUnknownCountry, "no numbering plan for country %q", country)
		}
	}
	cc, nsn, err := splitCallingCode(digits, plus, home)
	if err != nil {
		return Phone{}, err
	}
	meta := home
	if home == nil || cc != int(home.cc) {
		meta = mainRegionFor(cc)
	}
	nsn, err = stripNationalPrefix(nsn, meta)
	if err != nil {
		return Phone{}, err
	}
	region, typ, err := classify(cc, nsn)
	if err != nil {
		return Phone{}, err
	}
	p := Phone{E164: "+" + strconv.Itoa(cc) + nsn, CallingCode: cc, Type: typ, Extension: ext}
	if region.id != "001" {
		p.Country = region.id
	}
	return p, nil
}

// scanPhone reads the characters of a phone number: digits (any script's
// decimal digits), a leading plus, the punctuation people write between
// digit groups, and an extension at the end.
func scanPhone(s string) (digits string, plus bool, ext string, err error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "tel:")
	s, ext = splitExtension(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '+' || r == '＋':
			if b.Len() > 0 || plus || strings.TrimLeft(s[:i], phonePunct) != "" {
				return "", false, "", phoneErr(PhoneNotANumber, "'+' after the first digit")
			}
			plus = true
		case unicode.IsDigit(r):
			d, ok := digitValue(r)
			if !ok {
				return "", false, "", phoneErr(PhoneNotANumber, "contains an unsupported digit %U", r)
			}
			b.WriteByte(d)
		case strings.ContainsRune(phonePunct, r) || unicode.IsSpace(r):
		case unicode.IsLetter(r):
			return "", false, "", phoneErr(PhoneLetters, "contains letters")
		default:
			return "", false, "", phoneErr(PhoneNotANumber, "contains %q", r)
		}
	}
	if b.Len() < 2 {
		return "", false, "", phoneErr(PhoneNotANumber, "fewer than two digits")
	}
	return b.String(), plus, ext, nil
}

// phonePunct is the punctuation allowed between digits: libphonenumber's
// VALID_PUNCTUATION without 'x' (an extension marker here).
const phonePunct = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30FC\uFF0D\uFF0E\uFF0F \u00A0\u00AD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D.[]/~\u2053\u223C\uFF5E"

// digitValue maps a decimal digit of any script to its ASCII digit.
func digitValue(r rune) (byte, bool) {
	if r >= '0' && r <= '9' {
		return byte(r), true
	}
	// Every Unicode decimal digit range (Nd) is ten consecutive code points
	// starting at a multiple of 16 plus 0 or 6; find the zero of r's range.
	for zero := r - 9; zero <= r; zero++ {
		if unicode.IsDigit(zero) && !unicode.IsDigit(zero-1) {
			return byte('0' + (r-zero)%10), true
		}
	}
	return 0, false
}

var extRE = regexp.MustCompile(`(?i)(?:;ext=|[\s,]*(?:e?xt(?:ension|n)?\.?|x|#|转|轉|分机|分機|内线|內線|내선)\s*[:：.]?\s*)([0-9０-９]{1,7})\s*#?$`)

// splitExtension separates an extension at the end of s.
func splitExtension(s string) (string, string) {
	if strings.IndexFunc(s, func(r rune) bool { return r == '#' || r == ';' || unicode.IsLetter(r) }) < 0 {
		return s, "" // no marker: skip the regular expression
	}
	m := extRE.FindStringSubmatchIndex(s)
	if m == nil || m[0] == 0 {
		return s, ""
	}
	ext := s[m[2]:m[3]]
	var b strings.Builder
	for _, r := range ext {
		d, _ := digitValue(r)
		b.WriteByte(d)
	}
	return s[:m[0]], b.String()
}

// splitCallingCode finds the country calling code: after '+', after the
// home country's international prefix (00, 011 …), or the home country's
// own code written without '+' when what follows reads as one of its
// numbers; else the number is national and the code is the home
// country's.
func splitCallingCode(digits string, plus bool, home *phoneRegion) (int, string, error) {
	if !plus {
		if home == nil {
			return 0, "", phoneErr(PhoneNeedsCountry, "national format needs the customer's country, or write it with '+' and the country calling code")
		}
		rx := home.compiled()
		if n, ok := rx.iddPrefix(digits); ok && n < len(digits) && digits[n] != '0' {
			digits, plus = digits[n:], true
		}
	}
	if plus {
		if len(digits) <= 2 {
			return 0, "", phoneErr(PhoneTooShort, "too short after the international prefix")
		}
		for i := 1; i <= 3 && i <= len(digits); i++ {
			cc, _ := strconv.Atoi(digits[:i])
			if digits[0] != '0' && phoneCodeRegions(cc) != "" {
				return cc, digits[i:], nil
			}
		}
		return 0, "", phoneErr(PhoneUnknownCode, "no country uses the calling code it starts with")
	}
	cc := int(home.cc)
	if code := strconv.Itoa(cc); strings.HasPrefix(digits, code) {
		rest, _ := nationalPrefix(digits[len(code):], home)
		rx := home.compiled()
		if (!rx.fullMatch(descGeneral, digits) && rx.fullMatch(descGeneral, rest)) || home.lengthCheck(digits) == PhoneTooLong {
			return cc, rest, nil
		}
	}
	return cc, digits, nil
}

// stripNationalPrefix removes the trunk prefix ("0" in most of the world)
// when what remains is of a possible length.
func stripNationalPrefix(nsn string, meta *phoneRegion) (string, error) {
	if len(nsn) < 2 {
		return "", phoneErr(PhoneTooShort, "too short")
	}
	if meta != nil {
		if rest, ok := nationalPrefix(nsn, meta); ok {
			switch meta.lengthCheck(rest) {
			case PhoneTooShort, PhoneLocalOnly, PhoneInvalidLength:
			default:
				nsn = rest
			}
		}
	}
	if len(nsn) < 2 {
		return "", phoneErr(PhoneTooShort, "too short")
	}
	if len(nsn) > 17 {
		return "", phoneErr(PhoneTooLong, "longer than 17 digits")
	}
	return nsn, nil
}

// nationalPrefix applies libphonenumber's national-prefix-for-parsing rule
// (and its transform rule) to n, keeping n when stripping would turn a
// number that fits the plan into one that does not.
func nationalPrefix(n string, meta *phoneRegion) (string, bool) {
	rx := meta.compiled()
	if n == "" || rx.npp == nil {
		return n, false
	}
	var m []int
	if rx.nppLit != "" && meta.npt == "" {
		// A plain trunk prefix ("0", "1", "8"): what the expression matches.
		if !strings.HasPrefix(n, rx.nppLit) {
			return n, false
		}
		m = []int{0, len(rx.nppLit)}
	} else if m = rx.npp.FindStringSubmatchIndex(n); m == nil {
		return n, false
	}
	gen := func(s string) bool { return rx.fullMatch(descGeneral, s) }
	viable := gen(n)
	groups := len(m)/2 - 1
	if meta.npt == "" || m[groups*2] < 0 {
		if viable && !gen(n[m[1]:]) {
			return n, false
		}
		return n[m[1]:], true
	}
	t := string(rx.npp.ExpandString(nil, meta.npt, n, m)) + n[m[1]:]
	if viable && !gen(t) {
		return n, false
	}
	return t, true
}

// classify finds the region of a number among those sharing its calling
// code, and the number's type there, or says why it fits none.
func classify(cc int, nsn string) (*phoneRegion, PhoneType, error) {
	ids := phoneCodeRegions(cc)
	var first *phoneRegion
	for id := range strings.SplitSeq(ids, ",") {
		r := phoneRegionByID(id)
		if id == "001" {
			r = phoneNonGeo(cc)
		}
		if r == nil {
			continue
		}
		if first == nil {
			first = r
		}
		rx := r.compiled()
		if r.lead != "" && strings.Contains(ids, ",") {
			if rx.lead.MatchString(nsn) {
				if t := r.typeOf(nsn); t != "" {
					return r, t, nil
				}
				return nil, "", r.invalid(nsn)
			}
			continue
		}
		if t := r.typeOf(nsn); t != "" {
			return r, t, nil
		}
	}
	if first == nil {
		return nil, "", phoneErr(PhoneUnknownCode, "no country uses calling code +%d", cc)
	}
	return nil, "", first.invalid(nsn)
}

// invalid explains why nsn is not a number of region r.
func (r *phoneRegion) invalid(nsn string) error {
	name := r.id
	if name == "001" {
		name = "international numbers"
	}
	want := r.lengthsText()
	switch why := r.lengthCheck(nsn); why {
	case PhoneTooShort:
		return phoneErr(why, "too short for %s (+%d): %d digits, want %s", name, r.cc, len(nsn), want)
	case PhoneTooLong:
		return phoneErr(why, "too long for %s (+%d): %d digits, want %s", name, r.cc, len(nsn), want)
	case PhoneInvalidLength:
		return phoneErr(why, "no number in %s (+%d) has %d digits (want %s)", name, r.cc, len(nsn), want)
	case PhoneLocalOnly:
		return phoneErr(why, "a local number in %s (+%d): add the area code", name, r.cc)
	}
	return phoneErr(PhoneInvalid, "not a number of %s (+%d): no number there has these leading digits and %d digits in all", name, r.cc, len(nsn))
}

// typeOf returns the type of nsn in r, or "" when it is no valid number there.
func (r *phoneRegion) typeOf(nsn string) PhoneType {
	if !r.matches(descGeneral, nsn) {
		return ""
	}
	for i := 1; i < descFixed; i++ {
		if r.matches(i, nsn) {
			return phoneTypes[i]
		}
	}
	fixed := r.matches(descFixed, nsn)
	switch {
	case fixed && (r.same || r.matches(descMobile, nsn)):
		return PhoneFixedLineOrMobile
	case fixed:
		return PhoneFixedLine
	case !r.same && r.matches(descMobile, nsn):
		return PhoneMobile
	}
	return ""
}

// matches reports whether nsn is of a possible length for description i
// and matches its pattern in full.
func (r *phoneRegion) matches(i int, nsn string) bool {
	d := &r.desc[i]
	if d.pattern == "" {
		return false
	}
	if d.lengths != "" && strings.IndexByte(d.lengths, byte(len(nsn))) < 0 {
		return false
	}
	return r.compiled().fullMatch(i, nsn)
}

// lengthCheck is libphonenumber's test of a national number's length against
// the region's possible lengths: "" when possible.
func (r *phoneRegion) lengthCheck(nsn string) PhoneReason {
	ls := r.desc[descGeneral].lengths
	if ls == "" || ls[0] == 0xff {
		return PhoneInvalidLength
	}
	n := len(nsn)
	if strings.IndexByte(r.desc[descGeneral].local, byte(n)) >= 0 {
		return PhoneLocalOnly
	}
	switch {
	case n < int(ls[0]):
		return PhoneTooShort
	case n > int(ls[len(ls)-1]):
		return PhoneTooLong
	case strings.IndexByte(ls, byte(n)) < 0:
		return PhoneInvalidLength
	}
	return ""
}

// lengthsText lists the possible lengths for people: "11", "7 or 8", "5 to 12".
func (r *phoneRegion) lengthsText() string {
	ls := []byte(r.desc[descGeneral].lengths)
	if len(ls) == 0 {
		return "?"
	}
	if len(ls) > 2 && int(ls[len(ls)-1]-ls[0]) == len(ls)-1 {
		return fmt.Sprintf("%d to %d", ls[0], ls[len(ls)-1])
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = strconv.Itoa(int(l))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// phoneRegion is one region's numbering plan (generated in zz_phonedata.go).
type phoneRegion struct {
	ix   uint16 // index in phoneRegions
	id   string // ISO 3166-1 code, or "001" for a non-geographic entity
	cc   uint16 // country calling code
	idd  string // international prefix pattern
	npp  string // national prefix for parsing
	npt  string // national prefix transform rule
	lead string // leading digits that pick this region among those sharing cc
	same bool   // mobile and fixed-line patterns are the same
	desc [descCount]phoneDesc
}

// phoneDesc is one number type's pattern and possible lengths (one byte
// each; "\xff" means none).
type phoneDesc struct {
	pattern string
	lengths string
	local   string
}

// phoneCode maps a calling code to its regions, comma-separated, main first.
type phoneCode struct {
	cc      uint16
	regions string
}

type phoneRegexps struct {
	idd, npp, lead *regexp.Regexp
	// iddLit and nppLit are the international and national prefixes when
	// their patterns are plain digits ("00", "011", "0"), matched without
	// the regular expressions; else "".
	iddLit, nppLit string
	desc           [descCount]*regexp.Regexp
	// dfa[i] matches description i's pattern without backtracking; nil
	// where the pattern could not be turned into one (desc[i] is used).
	dfa [descCount]*digitDFA
}

// iddPrefix returns the length of the international prefix that digits
// start with, if they start with one.
func (rx *phoneRegexps) iddPrefix(digits string) (int, bool) {
	if rx.iddLit != "" {
		return len(rx.iddLit), strings.HasPrefix(digits, rx.iddLit)
	}
	if rx.idd == nil {
		return 0, false
	}
	loc := rx.idd.FindStringIndex(digits)
	if loc == nil || loc[0] != 0 {
		return 0, false
	}
	return loc[1], true
}

// digitsOnly returns p when it is a non-empty string of ASCII digits, a
// pattern that matches itself alone; else "".
func digitsOnly(p string) string {
	if p == "" {
		return ""
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return ""
		}
	}
	return p
}

// fullMatch reports whether nsn matches description i's pattern in full.
func (rx *phoneRegexps) fullMatch(i int, nsn string) bool {
	if d := rx.dfa[i]; d != nil {
		return d.match(nsn)
	}
	return rx.desc[i].MatchString(nsn)
}

// phoneCompiled holds each region's patterns, compiled on first use.
var phoneCompiled [len(phoneRegions)]struct {
	once sync.Once
	rx   phoneRegexps
}

// compiled returns r's compiled patterns, compiling them the first time.
func (r *phoneRegion) compiled() *phoneRegexps {
	c := &phoneCompiled[r.ix]
	c.once.Do(func() {
		anchored := func(p, suffix string) *regexp.Regexp {
			if p == "" {
				return nil
			}
			return regexp.MustCompile("^(?:" + p + ")" + suffix)
		}
		c.rx.idd = anchored(r.idd, "")
		c.rx.npp = anchored(r.npp, "")
		c.rx.lead = anchored(r.lead, "")
		c.rx.iddLit, c.rx.nppLit = digitsOnly(r.idd), digitsOnly(r.npp)
		for j, d := range r.desc {
			c.rx.desc[j] = anchored(d.pattern, "$")
			if d.pattern != "" {
				c.rx.dfa[j] = newDigitDFA(d.pattern)
			}
		}
		if c.rx.desc[descGeneral] == nil {
			c.rx.desc[descGeneral] = regexp.MustCompile(`^$`)
		}
	})
	return &c.rx
}

// phoneRegionByID returns the plan of an ISO 3166-1 region, or nil.
func phoneRegionByID(id string) *phoneRegion {
	if id == "001" || id == "" {
		return nil
	}
	if len(id) == 2 && 'A' <= id[0] && id[0] <= 'Z' && 'A' <= id[1] && id[1] <= 'Z' {
		if i := phoneRegionIndex()[int(id[0]-'A')*26+int(id[1]-'A')]; i > 0 {
			return &phoneRegions[i-1]
		}
		return nil
	}
	// sort.Search over indexes: a phoneRegion is too large to copy per probe.
	i := sort.Search(len(phoneRegions), func(i int) bool { return phoneRegions[i].id >= id })
	if i == len(phoneRegions) || phoneRegions[i].id != id {
		return nil
	}
	return &phoneRegions[i]
}

// phoneRegionIndex maps a two-letter region ID (AA = 0, AB = 1 …) to its
// index in phoneRegions plus one; 0 where there is none.
var phoneRegionIndex = sync.OnceValue(func() *[26 * 26]uint16 {
	var t [26 * 26]uint16
	for i := range phoneRegions {
		id := phoneRegions[i].id
		if len(id) == 2 && 'A' <= id[0] && id[0] <= 'Z' && 'A' <= id[1] && id[1] <= 'Z' {
			if k := int(id[0]-'A')*26 + int(id[1]-'A'); t[k] == 0 {
				t[k] = uint16(i + 1)
			}
		}
	}
	return &t
})

// phoneNonGeo returns the plan of a non-geographic calling code, or nil.
func phoneNonGeo(cc int) *phoneRegion {
	for i := range phoneRegions {
		if phoneRegions[i].id == "001" && int(phoneRegions[i].cc) == cc {
			return &phoneRegions[i]
		}
	}
	return nil
}

// phoneCodeRegions returns the regions of a calling code, or "".
func phoneCodeRegions(cc int) string {
	if cc >= 0 && cc < 1000 {
		if i := phoneCodeIndex()[cc]; i > 0 {
			return phoneCodes[i-1].regions
		}
		return ""
	}
	i, ok := slices.BinarySearchFunc(phoneCodes[:], cc, func(c phoneCode, cc int) int { return int(c.cc) - cc })
	if !ok {
		return ""
	}
	return phoneCodes[i].regions
}

// phoneCodeIndex maps a calling code to its index in phoneCodes plus one;
// 0 where no region uses it.
var phoneCodeIndex = sync.OnceValue(func() *[1000]uint16 {
	var t [1000]uint16
	for i := len(phoneCodes) - 1; i >= 0; i-- { // the first of repeats wins, as in a binary search
		if c := phoneCodes[i].cc; c < 1000 {
			t[c] = uint16(i + 1)
		}
	}
	return &t
})

// mainRegionFor returns the plan that parses numbers with calling code cc.
func mainRegionFor(cc int) *phoneRegion {
	ids := phoneCodeRegions(cc)
	main, _, _ := strings.Cut(ids, ",")
	if main == "001" {
		return phoneNonGeo(cc)
	}
	return phoneRegionByID(main)
}

// IsPhone reports whether s is a valid phone number: in international form
// ('+' and the calling code) when country is empty, or in any form the
// country's people write when it is given.
func IsPhone(s, country string) bool {
	_, err := NormalizePhone(s, country)
	return err == nil
}

// digitDFA is a deterministic automaton over the digits 0–9 that accepts
// exactly the strings a numbering-plan pattern matches in full. The
// patterns are regular, over ten symbols and at most 17 characters long,
// so a DFA is small and a match is one table lookup a digit, where the
// regexp package backtracks through long alternations.
type digitDFA struct {
	next   [][10]int32 // -1: dead
	accept []bool
}

// maxDFAStates bounds a DFA's size; a pattern needing more keeps its
// regular expression.
const maxDFAStates = 20000

// match reports whether the DFA accepts s, a string of ASCII digits.
func (d *digitDFA) match(s string) bool {
	st := int32(0)
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return false
		}
		if st = d.next[st][c]; st < 0 {
			return false
		}
	}
	return d.accept[st]
}

// newDigitDFA builds the DFA of pattern by subset construction over the
// compiled program, or returns nil when the pattern uses anything but
// digits, alternation and repetition, or needs too many states.
func newDigitDFA(pattern string) *digitDFA {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	d := &digitDFA{}
	ids := map[string]int32{}
	var sets [][]uint32
	add := func(set []uint32) int32 {
		key := fmt.Sprint(set)
		if id, ok := ids[key]; ok {
			return id
		}
		id := int32(len(sets))
		ids[key] = id
		sets = append(sets, set)
		d.next = append(d.next, [10]int32{})
		d.accept = append(d.accept, false)
		return id
	}
	start, ok := closure(prog, []uint32{uint32(prog.Start)})
	if !ok {
		return nil
	}
	add(start)
	for st := 0; st < len(sets); st++ {
		if len(sets) > maxDFAStates {
			return nil
		}
		for c := range 10 {
			var moved []uint32
			for _, pc := range sets[st] {
				in := &prog.Inst[pc]
				if in.Op == syntax.InstMatch {
					d.accept[st] = true
					continue
				}
				if in.MatchRune(rune('0' + c)) {
					moved = append(moved, in.Out)
				}
			}
			if len(moved) == 0 {
				d.next[st][c] = -1
				continue
			}
			set, ok := closure(prog, moved)
			if !ok {
				return nil
			}
			d.next[st][c] = add(set)
		}
	}
	return d
}

// closure returns the sorted rune-consuming and match instructions
// reachable from pcs without consuming input; false for instructions the
// DFA does not model (anchors, word boundaries).
func closure(prog *syntax.Prog, pcs []uint32) ([]uint32, bool) {
	seen := map[uint32]bool{}
	var out []uint32
	ok := true
	var walk func(pc uint32)
	walk = func(pc uint32) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			walk(in.Out)
			walk(in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			walk(in.Out)
		case syntax.InstFail:
		case syntax.InstEmptyWidth:
			ok = false
		default:
			out = append(out, pc)
		}
	}
	for _, pc := range pcs {
		walk(pc)
	}
	slices.Sort(out)
	return out, ok
}
