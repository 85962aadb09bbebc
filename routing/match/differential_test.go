package match_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
	"github.com/strata-go/strata/routing/match/internal/synth"
)

// normalised returns c as a host stores it after import: strata.Normalize
// applied.
func normalised(t *testing.T, c strata.Customer) strata.Customer {
	t.Helper()
	n, err := strata.Normalize(&c)
	require.NoError(t, err)
	n.Apply(&c)
	return c
}

// matchCase is one lead and the candidates a host fetched for it.
type matchCase struct {
	name       string
	lead       strata.Customer
	candidates []strata.Customer
}

// differentialCases are the labelled set's 1,000 pairs (one candidate
// each), the same records in blocks of 50 candidates (leads meeting their
// own company's record among 49 others, and ties), the benchmark's lead
// and 50 candidates, and the Huaxin book.
func differentialCases() []matchCase {
	pairs := synth.Pairs(2026, 1000)
	var cases []matchCase
	for i, p := range pairs {
		cases = append(cases, matchCase{fmt.Sprintf("pair %d (%s)", i, p.Note), p.A, []strata.Customer{p.B}})
	}
	r := rand.New(rand.NewPCG(3, 3))
	for i := 0; i+50 <= len(pairs); i += 50 {
		var cands []strata.Customer
		for _, p := range pairs[i : i+50] {
			cands = append(cands, p.B)
		}
		cands = append(cands, pairs[i+r.IntN(50)].B) // a repeated candidate: a tie
		cases = append(cases, matchCase{fmt.Sprintf("block %d", i/50), pairs[i+r.IntN(50)].A, cands})
	}
	lead, cands := candidates50()
	cases = append(cases, matchCase{"benchmark", lead, cands})
	for _, c := range huaxinBook() {
		cases = append(cases, matchCase{"huaxin " + c.ID, c, huaxinBook()})
	}
	return cases
}

// TestMatchAgreesWithMatchProfiles is the differential test of the two
// ways to match: Match over the records as they come (profiles built per
// call, from a per-call arena) against MatchProfiles over profiles a host
// prepared with Profile, from the same records and from the records as
// strata.Normalize stores them, and over the candidates' profiles stored
// (MarshalBinary, MarshalJSON, format 1 as strata wrote it before format 2)
// and decoded again (UnmarshalBinary, UnmarshalJSON, one ProfileDecoder
// across every case), as a host keeping them in its database does, with
// the lead's profile stored too, and MatchStored over the stored rows
// (formats 2 and 1). Outcome, customer, scores, candidate order
// and every piece of evidence must be the same.
func TestMatchAgreesWithMatchProfiles(t *testing.T) {
	m := newMatcher(t)
	profiles := func(cs []strata.Customer) []match.Profile {
		out := make([]match.Profile, len(cs))
		for i := range cs {
			out[i] = m.Profile(&cs[i])
		}
		return out
	}
	dec := decoderCodec()
	for _, tc := range differentialCases() {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := m.Match(&tc.lead, tc.candidates)
			require.NoError(t, err)
			assert.Equal(t, raw, m.MatchProfiles(m.Profile(&tc.lead), profiles(tc.candidates)), "profiles of the same records")
			lead := normalised(t, tc.lead)
			cands := make([]strata.Customer, len(tc.candidates))
			for i, c := range tc.candidates {
				cands[i] = normalised(t, c)
			}
			assert.Equal(t, raw, m.MatchProfiles(m.Profile(&lead), profiles(cands)), "profiles of the normalised records")
			assert.Equal(t, raw, m.MatchProfiles(m.Profile(&tc.lead), stored(t, m, profiles(cands), binaryCodec)), "stored profiles (binary)")
			assert.Equal(t, raw, m.MatchProfiles(m.Profile(&tc.lead), stored(t, m, profiles(tc.candidates), jsonCodec)), "stored profiles (JSON)")
			for _, c := range []codec{format1Codec, dec} {
				assert.Equal(t, raw, m.MatchProfiles(m.Profile(&tc.lead), stored(t, m, profiles(tc.candidates), c)), "stored profiles (%s)", c.name)
			}
			storedLead := stored(t, m, profiles([]strata.Customer{lead}), dec)[0]
			assert.Equal(t, raw, m.MatchProfiles(storedLead, stored(t, m, profiles(cands), dec)), "stored lead and profiles")
			for _, c := range []codec{binaryCodec, format1Codec} {
				got, err := m.MatchStored(m.Profile(&tc.lead), storedRows(t, profiles(cands), c))
				require.NoError(t, err)
				assert.Equal(t, raw, got, "MatchStored (%s)", c.name)
			}
			got, err := m.MatchStored(storedLead, storedRows(t, profiles(tc.candidates), binaryCodec))
			require.NoError(t, err)
			assert.Equal(t, raw, got, "MatchStored, stored lead")
		})
	}
}
