package strata

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// TestFoldRuneMatchesReference checks the fast paths of foldRune and
// isCJK (CJK ideographs skip the width and case tables) against the
// reference over every code point.
func TestFoldRuneMatchesReference(t *testing.T) {
	badFold, badCJK := 0, 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := foldRune(r), refFoldRune(r); got != want {
			if badFold++; badFold <= 5 {
				t.Errorf("foldRune(%U) = %U, reference %U", r, got, want)
			}
		}
		if got, want := isCJK(r), refIsCJK(r); got != want {
			if badCJK++; badCJK <= 5 {
				t.Errorf("isCJK(%U) = %v, reference %v", r, got, want)
			}
		}
	}
	assert.Zero(t, badFold+badCJK)
}

// companyNames returns n company names written the ways records write
// them: legal forms of many countries, both Chinese scripts, full width,
// upper case, punctuation, enclosed signs, very long names.
func companyNames(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	parts := []string{"Shenzhen", "Huaxin", "Electronics", "深圳", "华信", "華信電子", "电子", "Müller", "Lefèvre", "Ashford",
		"and", "und", "&", "The", "PT", "ООО", "Ромашка", "トヨタ", "自動車", "삼성", "전자", "O'Brien", "Trading", "ＡＢＣ", "１２３",
		"Co.,", "Ltd.", "GmbH", "AG", "KG", "S.A.", "de", "C.V.", "Sp.", "z", "o.o.", "Inc.", "LLC", "有限公司", "股份有限公司",
		"株式会社", "㈱", "(株)", "（주）", "주식회사", "公司", "Pte", "Ltd", "A/S", "K.K.", "·", "-", "(Shenzhen)", "Co", "Limited"}
	out := make([]string, 0, n)
	for range n {
		k := 1 + r.IntN(7)
		if r.IntN(50) == 0 {
			k = 40 + r.IntN(40) // longer than the stack buffers
		}
		words := make([]string, k)
		for i := range words {
			words[i] = parts[r.IntN(len(parts))]
		}
		sep := []string{" ", "", "  ", "\u3000"}[r.IntN(4)]
		name := strings.Join(words, sep)
		if r.IntN(4) == 0 {
			name = strings.ToUpper(name)
		}
		out = append(out, name)
	}
	return out
}

// TestCompanyKeyMatchesReference: the span-based CompanyKey gives the
// reference implementation's key for every generated name.
func TestCompanyKeyMatchesReference(t *testing.T) {
	for _, name := range append(companyNames(21, 20000), "", " ", "Co., Ltd.", "有限公司", "and", "㈱", "Ｃｏ．，Ｌｔｄ．") {
		if got, want := CompanyKey(name), refCompanyKey(name); got != want {
			t.Errorf("CompanyKey(%q) = %q, reference %q", name, got, want)
		}
	}
}

// FuzzCompanyKeyMatchesReference is the differential test over any input.
func FuzzCompanyKeyMatchesReference(f *testing.F) {
	for _, s := range companyNames(5, 40) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := CompanyKey(name), refCompanyKey(name); got != want {
			t.Fatalf("CompanyKey(%q) = %q, reference %q", name, got, want)
		}
	})
}
