package strata

import (
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
	tokens := companyTokens(name)
	stripped := stripLegalForms(slices.Clone(tokens))
	if len(stripped) == 0 {
		stripped = tokens
	}
	slices.Sort(stripped)
	return strings.Join(stripped, " ")
}

// companyAbbrev spells out the enclosed legal-form signs before tokenising.
var companyAbbrev = strings.NewReplacer(
	"㈱", " 株式会社 ", "(株)", " 株式会社 ", "（株）", " 株式会社 ", "㍿", " 株式会社 ",
	"㈲", " 有限会社 ", "(有)", " 有限会社 ", "（有）", " 有限会社 ",
	"㈜", " 주식회사 ", "(주)", " 주식회사 ", "（주）", " 주식회사 ",
)

// companyTokens folds name and splits it into words: runs of letters and
// digits, a run of CJK characters being one word. The words share one
// allocation.
func companyTokens(name string) []string {
	if strings.ContainsAny(name, "㈱(（㍿㈲㈜") {
		name = companyAbbrev.Replace(name)
	}
	buf := make([]byte, 0, len(name)+8)
	cjk, inWord := false, false
	sep := func() {
		if inWord {
			buf = append(buf, ' ')
			inWord = false
		}
	}
	for _, r := range name {
		r = foldRune(r)
		switch {
		case r == '\'' || r == '’' || r == '.' || r == '·' || r == '・':
			// O'Brien, S.A., K.K.: joined, not split
		case isCJK(r):
			if !cjk {
				sep()
			}
			cjk, inWord = true, true
			buf = utf8.AppendRune(buf, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if cjk {
				sep()
			}
			cjk, inWord = false, true
			buf = utf8.AppendRune(buf, r)
		case unicode.Is(unicode.Mn, r):
		default:
			sep()
			cjk = false
		}
	}
	folded := strings.TrimSuffix(string(buf), " ")
	if folded == "" {
		return nil
	}
	return strings.Split(folded, " ")
}

// foldRune folds width, case, Latin accents and traditional Chinese.
func foldRune(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
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
	i, ok := slices.BinarySearchFunc(hanFold[:], r, func(p [2]rune, r rune) int { return int(p[0] - r) })
	if ok {
		return hanFold[i][1]
	}
	return r
}

func isCJK(r rune) bool {
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

// stripLegalForms drops legal-form words and joining words ("and", "und").
func stripLegalForms(tokens []string) []string {
	tokens = slices.DeleteFunc(tokens, func(t string) bool { return t == "and" || t == "und" })
	for len(tokens) > 0 && latinLeading[tokens[0]] {
		tokens = tokens[1:]
	}
	for changed := true; changed && len(tokens) > 0 && latinFormEnds[tokens[len(tokens)-1]]; {
		changed = false
		for _, f := range latinForms {
			if len(f) <= len(tokens) && slices.Equal(tokens[len(tokens)-len(f):], f) {
				tokens, changed = tokens[:len(tokens)-len(f)], true
				break
			}
		}
	}
	out := tokens[:0]
	for _, t := range tokens {
		if t = stripCJKForms(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func stripCJKForms(t string) string {
	if t == "" || t[0] < 0x80 {
		return t
	}
	for changed := true; changed; {
		changed = false
		for _, f := range cjkForms {
			if s, ok := strings.CutSuffix(t, f); ok {
				t, changed = s, true
			}
			if s, ok := strings.CutPrefix(t, f); ok && f != "公司" {
				t, changed = s, true
			}
		}
	}
	return t
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
