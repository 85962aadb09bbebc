package match

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match/internal/synth"
)

// refNameFeatures is nameFeatures as it was before it read the key in one
// pass, the reference the new one must agree with.
func refNameFeatures(key string) (script, []uint64) {
	var grams []uint64
	if key == "" {
		return scriptNone, grams
	}
	latin, cjk, other := false, false, false
	for word := range strings.SplitSeq(key, " ") {
		prev := rune(-1)
		n := 0
		for _, r := range word {
			switch {
			case r < 0x80:
				latin = true
			case r >= 0x2E80 && r < 0xD7B0:
				cjk = true
			default:
				other = true
			}
			if prev >= 0 {
				grams = append(grams, uint64(prev)<<21|uint64(r))
			}
			prev = r
			n++
		}
		if n == 1 {
			grams = append(grams, uint64(prev)<<21|0x1FFFFF)
		}
	}
	slices.Sort(grams)
	switch {
	case other || latin && cjk:
		return scriptOther, grams
	case cjk:
		return scriptCJK, grams
	}
	return scriptLatin, grams
}

// TestNameFeaturesMatchesReference compares nameFeatures with the
// reference over the keys of generated names and odd keys (empty words,
// one-letter words, mixed scripts), reusing one buffer as Match does.
func TestNameFeaturesMatchesReference(t *testing.T) {
	keys := []string{"", "a", "a b", " a", "a  b", "深圳华信电子", "huaxin 华信", "ромашка", "x y z", "électronique"}
	for _, p := range synth.Pairs(7, 400) {
		keys = append(keys, strata.CompanyKey(p.A.Name), strata.CompanyKey(p.B.Name))
	}
	r := rand.New(rand.NewPCG(1, 2))
	var buf []uint64
	for _, k := range keys {
		wantS, wantG := refNameFeatures(k)
		var gotS script
		gotS, buf = nameFeatures(k, buf[:r.IntN(cap(buf)+1)])
		assert.Equal(t, wantS, gotS, "script of %q", k)
		assert.Equal(t, len(wantG), len(buf), "bigrams of %q", k)
		assert.True(t, slices.Equal(wantG, buf), "bigrams of %q", k)
	}
}

// TestHashLower: hashLower is hash64 of the lower-case string.
func TestHashLower(t *testing.T) {
	for _, s := range []string{"", "Shenzhen", "SHENZHEN", "shenzhen", "München", "İstanbul", "ΑΘΗΝΑ", "a\x80b"} {
		assert.Equal(t, hash64(strings.ToLower(s)), hashLower(s), s)
	}
}
