package match_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
	"github.com/strata-go/strata/routing/match/internal/synth"
)

// TestLabelledPairs scores 1,000 generated, labelled record pairs (seeded:
// internal/synth) and reports precision and recall of Outcome Matched:
// precision ≥ 0.98 and recall ≥ 0.9 are required. Possible matches count
// as not matched: they go to a person.
func TestLabelledPairs(t *testing.T) {
	m := newMatcher(t)
	pairs := synth.Pairs(2026, 1000)
	var tp, fp, fn, tn, possible int
	for _, p := range pairs {
		res, err := m.Match(&p.A, []strata.Customer{p.B})
		require.NoError(t, err)
		got := res.Outcome == match.Matched
		if res.Outcome == match.Possible {
			possible++
		}
		switch {
		case got && p.Same:
			tp++
		case got && !p.Same:
			fp++
			if fp <= 5 {
				t.Logf("false match (%s): %s", p.Note, res.Why())
			}
		case !got && p.Same:
			fn++
			if testing.Verbose() && p.Note == "same company" {
				t.Logf("missed (%s): %s", p.Note, res.Why())
			}
		default:
			tn++
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("%d pairs: precision %.3f, recall %.3f (tp %d, fp %d, fn %d, tn %d; %d possible, for review)",
		len(pairs), precision, recall, tp, fp, fn, tn, possible)
	assert.GreaterOrEqual(t, precision, 0.98)
	assert.GreaterOrEqual(t, recall, 0.90)
}
