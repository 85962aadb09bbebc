package strata

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// CompanyKey returns the key under which one company's names meet, for
// finding and comparing records: "Shenzhen Huaxin Electronics Co., Ltd.",
// "SHENZHEN HUAXIN ELECTRONICS CO LTD" and "Huaxin Electronics (Shenzhen)
// Co. Ltd" all give "electronics huaxin shenzhen"; "深圳華信電子有限公司" and
// "深圳华信电子有限公司" both give "深圳华信电子".
//
// The key is lower case; full-width forms are folded to their usual width
// (Unicode East Asian Width, golang.org/x/text/width) and Latin letters
// lose their accents; traditional Chinese characters are folded to
// simplified ones (OpenCC's table, see Sources); punctuation goes;
// legal-form words are dropped wherever they stand in Chinese (有限公司,
// 股份有限公司, 有限责任公司), Japanese (株式会社, ㈱, 有限会社, 合同会社),
// Korean (주식회사, ㈜, 유한회사), English (Co., Ltd., Inc., LLC, Corp., PLC,
// Pte Ltd, Pty Ltd, Sdn Bhd), German (GmbH, AG, KG, GmbH & Co. KG), French
// (S.A., SARL, SAS), Spanish and Latin American (S.A., S.L., S.A. de C.V.,
// Ltda.), Italian (S.r.l., S.p.A.), Dutch (B.V., N.V.), Nordic (AB, A/S, Oy),
// Polish (Sp. z o.o.), Indonesian (PT, Tbk) and Russian (ООО, АО); and the
// remaining words are sorted, so word order does not matter. A name in one
// script and its translation in another get different keys: connecting
// them takes other evidence (a phone number, a domain).
//
// A name that is nothing but a legal form keeps it. The key is not for
// display; it is personal data only as much as the name is.
func CompanyKey(name string) string {
	if name == "" {
		return ""
	}
	// The folded words live in one buffer (on the stack for most names),
	// as spans; only the key itself is allocated.
	var bufArr [160]byte
	var spanArr, keptArr [16]span
	buf := foldCompanyName(bufArr[:0], name)
	words := wordSpans(spanArr[:0], buf)
	kept := stripLegalForms(buf, append(keptArr[:0], words...))
	if len(kept) == 0 {
		kept = words
	}
	slices.SortFunc(kept, func(a, b span) int { return bytes.Compare(a.of(buf), b.of(buf)) })
	var out strings.Builder
	n := len(kept) - 1
	for _, w := range kept {
		n += int(w.end - w.start)
	}
	out.Grow(max(n, 0))
	for i, w := range kept {
		if i > 0 {
			out.WriteByte(' ')
		}
		out.Write(w.of(buf))
	}
	return out.String()
}

// span is a word of a folded name: buf[start:end].
type span struct{ start, end int32 }

func (s span) of(buf []byte) []byte { return buf[s.start:s.end] }

// companyAbbrev spells out the enclosed legal-form signs before tokenising.
var companyAbbrev = strings.NewReplacer(
	"㈱", " 株式会社 ", "(株)", " 株式会社 ", "（株）", " 株式会社 ", "㍿", " 株式会社 ",
	"㈲", " 有限会社 ", "(有)", " 有限会社 ", "（有）", " 有限会社 ",
	"㈜", " 주식회사 ", "(주)", " 주식회사 ", "（주）", " 주식회사 ",
)

// foldCompanyName appends name folded to dst, as words separated by one
// space: runs of letters and digits, a run of CJK characters being one
// word.
func foldCompanyName(dst []byte, name string) []byte {
	if strings.IndexByte(name, '(') >= 0 || !isASCII(name) && strings.ContainsAny(name, "㈱（㍿㈲㈜") {
		name = companyAbbrev.Replace(name)
	}
	start := len(dst)
	cjk, inWord := false, false
	for _, r := range name {
		r = foldRune(r)
		switch {
		case r == '\'' || r == '’' || r == '.' || r == '·' || r == '・':
			// O'Brien, S.A., K.K.: joined, not split
			continue
		case isCJK(r):
			if !cjk && inWord {
				dst = append(dst, ' ')
			}
			cjk, inWord = true, true
		case r < 0x80 && ('a' <= r && r <= 'z' || '0' <= r && r <= '9') || r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if cjk && inWord {
				dst = append(dst, ' ')
			}
			cjk, inWord = false, true
		case r >= 0x80 && unicode.Is(unicode.Mn, r):
			continue
		default:
			if inWord {
				dst = append(dst, ' ')
				inWord = false
			}
			cjk = false
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	if len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// wordSpans appends the space-separated words of buf to dst.
func wordSpans(dst []span, buf []byte) []span {
	if len(buf) == 0 {
		return dst
	}
	start := 0
	for i, c := range buf {
		if c == ' ' {
			dst = append(dst, span{int32(start), int32(i)})
			start = i + 1
		}
	}
	return append(dst, span{int32(start), int32(len(buf))})
}

// foldRune folds width, case, Latin accents and traditional Chinese.
func foldRune(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if r >= 0x3400 && r <= 0x9FFF {
		// CJK ideographs (and the Yijing signs between them): no width,
		// case or accent to fold.
		return hanSimplified(r)
	}
	if p := width.LookupRune(r); p.Kind() == width.EastAsianFullwidth || p.Kind() == width.EastAsianHalfwidth {
		if f := p.Folded(); f != 0 {
			r = f
		}
	}
	r = unicode.ToLower(r)
	if r >= latinFoldLo && r < latinFoldHi {
		return latinFold()[r-latinFoldLo]
	}
	if r >= 0x3400 {
		return hanSimplified(r)
	}
	return r
}

const latinFoldLo, latinFoldHi = 0xC0, 0x250

// latinFold maps Latin-1 and Latin Extended-A/B letters to their base
// letter (é → e, ł stays), built once from Unicode canonical decomposition.
var latinFold = sync.OnceValue(func() []rune {
	t := make([]rune, latinFoldHi-latinFoldLo)
	for i := range t {
		r := rune(latinFoldLo + i)
		t[i] = r
		if d := norm.NFD.String(string(r)); d != string(r) {
			if base, _ := utf8.DecodeRuneInString(d); base < 0x80 {
				t[i] = base
			}
		}
	}
	return t
})

// hanSimplified folds a traditional Chinese character to its simplified
// form, by the table generated from OpenCC (zz_hanfold.go).
func hanSimplified(r rune) rune {
	lo, hi := 0, len(hanFold)
	if r < hanFold[0][0] || r > hanFold[hi-1][0] {
		return r
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if hanFold[mid][0] < r {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(hanFold) && hanFold[lo][0] == r {
		return hanFold[lo][1]
	}
	return r
}

func isCJK(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return true // CJK Unified Ideographs, all Han
	}
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r == 'ー')
}

// cjkForms are the legal forms written in Chinese, Japanese and Korean,
// longest first; they are removed at either end of a CJK word.
var cjkForms = []string{"股份有限公司", "有限责任公司", "有限公司", "株式会社", "有限会社", "合同会社",
	"合资会社", "合名会社", "유한책임회사", "주식회사", "유한회사", "公司"}

// latinForms are legal forms written in Latin (and Cyrillic) letters, as
// word sequences after folding ("S.A." is "sa"), removed from the end of a
// name, longest first.
var latinForms = [][]string{
	{"s", "de", "rl", "de", "cv"}, {"gmbh", "co", "kgaa"}, {"gmbh", "co", "kg"}, {"ag", "co", "kg"},
	{"sab", "de", "cv"}, {"sa", "de", "cv"}, {"s", "de", "rl"}, {"sp", "z", "oo"}, {"kabushiki", "kaisha"}, {"godo", "kaisha"},
	{"yugen", "kaisha"}, {"co", "kg"}, {"sdn", "bhd"}, {"pte", "ltd"}, {"pty", "ltd"}, {"pvt", "ltd"},
	{"private", "limited"}, {"co", "ltd"}, {"co", "limited"}, {"company", "limited"}, {"co", "inc"},
	{"a", "s"}, {"k", "k"},
	{"co"}, {"ltd"}, {"limited"}, {"inc"}, {"incorporated"}, {"corp"}, {"corporation"}, {"company"},
	{"llc"}, {"llp"}, {"lp"}, {"plc"}, {"gmbh"}, {"mbh"}, {"ag"}, {"kg"}, {"kgaa"}, {"ug"}, {"ohg"},
	{"se"}, {"sa"}, {"sas"}, {"sarl"}, {"sl"}, {"slu"}, {"srl"}, {"spa"}, {"bv"}, {"nv"}, {"oy"}, {"oyj"},
	{"ab"}, {"as"}, {"asa"}, {"aps"}, {"kk"}, {"pte"}, {"pty"}, {"pvt"}, {"bhd"}, {"tbk"}, {"jsc"},
	{"ltda"}, {"sac"}, {"sapi"}, {"gk"},
}

// latinLeading are legal forms written before the name.
var latinLeading = map[string]bool{"pt": true, "cv": true, "ooo": true, "оао": true, "ооо": true,
	"зао": true, "пао": true, "ао": true, "the": true}

// latinFormEnds holds the last word of every Latin legal form.
var latinFormEnds = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range latinForms {
		m[f[len(f)-1]] = true
	}
	return m
}()

// stripLegalForms drops legal-form words and joining words ("and",
// "und") from the words of buf.
func stripLegalForms(buf []byte, words []span) []span {
	words = slices.DeleteFunc(words, func(w span) bool {
		t := string(w.of(buf))
		return t == "and" || t == "und"
	})
	for len(words) > 0 && latinLeading[string(words[0].of(buf))] {
		words = words[1:]
	}
	for changed := true; changed && len(words) > 0 && latinFormEnds[string(words[len(words)-1].of(buf))]; {
		changed = false
		for _, f := range latinForms {
			if len(f) <= len(words) && endsWithForm(buf, words, f) {
				words, changed = words[:len(words)-len(f)], true
				break
			}
		}
	}
	out := words[:0]
	for _, w := range words {
		if w = stripCJKForms(buf, w); w.end > w.start {
			out = append(out, w)
		}
	}
	return out
}

// endsWithForm reports whether the last words are the legal form f.
func endsWithForm(buf []byte, words []span, f []string) bool {
	tail := words[len(words)-len(f):]
	for i, w := range f {
		if string(tail[i].of(buf)) != w {
			return false
		}
	}
	return true
}

func stripCJKForms(buf []byte, w span) span {
	if w.end == w.start || buf[w.start] < 0x80 {
		return w
	}
	for changed := true; changed; {
		changed = false
		for _, f := range cjkForms {
			t := w.of(buf)
			if len(t) >= len(f) && string(t[len(t)-len(f):]) == f {
				w.end -= int32(len(f))
				t, changed = w.of(buf), true
			}
			if f != "公司" && len(t) >= len(f) && string(t[:len(f)]) == f {
				w.start += int32(len(f))
				changed = true
			}
		}
	}
	return w
}

// NormalizeName tidies a name for storing and showing, changing nothing a
// reader would call a different name: it trims it, turns every run of
// spaces (including the ideographic space) into one space, drops control
// characters, and writes full-width Latin letters and digits ("ＡＢＣ１２３")
// in their usual width. Chinese punctuation stays as it is.
func NormalizeName(name string) string {
	if tidyName(name) {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range name {
		switch {
		case unicode.IsSpace(r) || r == '\u3000':
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || r == utf8.RuneError || r == '\u200b' || r == '\ufeff':
			continue
		case r >= '！' && r <= '～' && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			r -= 0xFEE0
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tidyName reports whether NormalizeName would leave name as it is: ASCII
// or not, no leading, trailing or repeated space, no control characters,
// no full-width letters or digits.
func tidyName(name string) bool {
	prevSpace := true
	for _, r := range name {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case r < 0x20 || r == 0x7f:
			return false
		case r >= 0x80 && (unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError ||
			r == '\u200b' || r == '\ufeff' || r >= '！' && r <= '～'):
			return false
		}
		prevSpace = false
	}
	return !prevSpace || name == ""
}
