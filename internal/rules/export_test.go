package rules

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// Hooks for the external tests (package rules_test), which can import the
// packages that ship rules without an import cycle.

var (
	diffEnvsOnce sync.Once
	diffEnvsAll  []*Env
)

// CheckAgainstCEL compiles src as a condition in every environment of the
// differential test and requires, on records random from seed, the same
// answer (value or error) from the closures, the planned cel-go program and
// cel-go alone. It returns in how many environments src compiled and in
// how many of those it was planned as closures.
func CheckAgainstCEL(t *testing.T, src string, seed uint64, records int) (compiled, planned int) {
	t.Helper()
	diffEnvsOnce.Do(func() { diffEnvsAll = diffEnvs(t) })
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var st diffStats
	for _, env := range diffEnvsAll {
		checkRule(t, env, src, r, records, &st)
	}
	return st.rules, st.planned
}
