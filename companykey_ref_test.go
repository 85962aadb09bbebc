package strata

// The implementation of CompanyKey before it folded into one buffer of
// word spans (kept as the reference the new one must agree with:
// TestCompanyKeyMatchesReference, FuzzCompanyKeyMatchesReference).

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

func refCompanyKey(name string) string {
	if name == "" {
		return ""
	}
	tokens := refCompanyTokens(name)
	stripped := refStripLegalForms(slices.Clone(tokens))
	if len(stripped) == 0 {
		stripped = tokens
	}
	slices.Sort(stripped)
	return strings.Join(stripped, " ")
}

func refCompanyTokens(name string) []string {
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
		r = refFoldRune(r)
		switch {
		case r == '\'' || r == '’' || r == '.' || r == '·' || r == '・':
			// O'Brien, S.A., K.K.: joined, not split
		case refIsCJK(r):
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

func refFoldRune(r rune) rune {
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
		return refHanSimplified(r)
	}
	return r
}

func refHanSimplified(r rune) rune {
	i, ok := slices.BinarySearchFunc(hanFold[:], r, func(p [2]rune, r rune) int { return int(p[0] - r) })
	if ok {
		return hanFold[i][1]
	}
	return r
}

func refIsCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r == 'ー')
}

func refStripLegalForms(tokens []string) []string {
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
		if t = refStripCJKForms(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func refStripCJKForms(t string) string {
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
