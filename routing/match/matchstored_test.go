package match_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
)

// storedRows returns the profiles as a host's query returns them from its
// database: encoded.
func storedRows(t testing.TB, ps []match.Profile, c codec) [][]byte {
	t.Helper()
	rows := make([][]byte, len(ps))
	for i := range ps {
		var err error
		rows[i], err = c.marshal(ps[i])
		require.NoError(t, err)
	}
	return rows
}

// viaDecoder is what MatchStored promises to return: MatchProfiles over
// the rows that UnmarshalBinary and CheckProfile accept, and an error for
// each of the others, as a host decoding them one by one would see.
func viaDecoder(m *match.Matcher, lead match.Profile, rows [][]byte) (match.Result, []string) {
	var dec match.ProfileDecoder
	var cands []match.Profile
	var errs []string
	for _, row := range rows {
		var p match.Profile
		err := dec.Decode(row, &p)
		if err == nil {
			err = m.CheckProfile(&p)
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		cands = append(cands, p)
	}
	return m.MatchProfiles(lead, cands), errs
}

// TestMatchStoredRefusesRows: rows that cannot be decoded, or were built
// by another configuration or normalisation, are left out with a
// *RowError each, naming the row and saying what UnmarshalBinary or
// CheckProfile says; the Result is MatchProfiles' over the other rows.
func TestMatchStoredRefusesRows(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	good := storedRows(t, profilesOf(m, cands[:6]), binaryCodec)
	isp := match.StarterConfig()
	isp.FreeMail = []string{"example-isp.cn"}
	other, err := match.New(isp)
	require.NoError(t, err)
	staleConfig, err := other.Profile(&cands[6]).MarshalBinary()
	require.NoError(t, err)
	staleNorm := append([]byte(nil), good[1]...)
	staleNorm[1] = 0
	format1, err := match.MarshalFormat1(m.Profile(&cands[7]))
	require.NoError(t, err)
	rows := [][]byte{good[0], nil, staleNorm, good[2], good[3][:40], {9, 1}, staleConfig, format1, append(good[4], 0), good[5]}
	wantBad := []int{1, 2, 4, 5, 6, 8}

	lp := m.Profile(&lead)
	res, err := m.MatchStored(lp, rows)
	want, wantErrs := viaDecoder(m, lp, rows)
	assert.Equal(t, want, res)
	require.Error(t, err)
	problems := strata.Problems(err)
	require.Len(t, problems, len(wantBad))
	for k, p := range problems {
		re, ok := errors.AsType[*match.RowError](p)
		require.True(t, ok, "%v", p)
		assert.Equal(t, wantBad[k], re.Row)
		assert.Equal(t, wantErrs[k], re.Err.Error())
		assert.Contains(t, re.Error(), "rows[")
	}
	assert.ErrorIs(t, err, match.ErrStaleProfile)
	_, isProfileErr := errors.AsType[*match.ProfileError](err)
	assert.True(t, isProfileErr)

	res, err = m.MatchStored(lp, nil)
	require.NoError(t, err)
	assert.Equal(t, match.Result{Outcome: match.NoMatch}, res)
	_, err = (*match.Matcher)(nil).MatchStored(lp, rows)
	require.Error(t, err)
}

// TestMatchStoredSharesNoMemoryWithRows: the Result keeps nothing of the
// rows, which a host reuses for the next lead.
func TestMatchStoredSharesNoMemoryWithRows(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	rows := storedRows(t, profilesOf(m, cands), binaryCodec)
	res, err := m.MatchStored(m.Profile(&lead), rows)
	require.NoError(t, err)
	want, _ := viaDecoder(m, m.Profile(&lead), storedRows(t, profilesOf(m, cands), binaryCodec))
	require.Equal(t, want, res)
	for _, row := range rows {
		for i := range row {
			row[i] = 'x'
		}
	}
	assert.Equal(t, want, res)
}

// TestMatchStoredSkipsTheLead: a row of the lead's own ID is not a
// candidate, as in MatchProfiles.
func TestMatchStoredSkipsTheLead(t *testing.T) {
	m := newMatcher(t)
	_, cands := candidates50()
	ps := profilesOf(m, cands[:5])
	rows := storedRows(t, ps, binaryCodec)
	res, err := m.MatchStored(ps[2], rows)
	require.NoError(t, err)
	assert.Len(t, res.Candidates, 4)
	assert.Equal(t, m.MatchProfiles(ps[2], ps), res)
}

// TestMatchStoredAllocations: 50 stored candidates cost MatchProfiles'
// allocations (the Result, a few evidence details) and one more for their
// IDs and owners, not one per candidate.
func TestMatchStoredAllocations(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	ps := profilesOf(m, cands)
	rows := storedRows(t, ps, binaryCodec)
	lp := m.Profile(&lead)
	res, err := m.MatchStored(lp, rows)
	require.NoError(t, err)
	require.Equal(t, m.MatchProfiles(lp, ps), res)
	if raceEnabled { // MatchProfiles' evidence scratch is pooled, and the race detector drops it at random
		return
	}
	inMemory := testing.AllocsPerRun(100, func() { m.MatchProfiles(lp, ps) })
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := m.MatchStored(lp, rows); err != nil {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, inMemory+1)
}

// FuzzMatchStored is the differential fuzz test of MatchStored against
// decoding each row (ProfileDecoder, CheckProfile) and MatchProfiles: for
// any row among stored profiles, both give the same Result and refuse the
// same rows with the same errors.
func FuzzMatchStored(f *testing.F) {
	m, err := match.New(match.StarterConfig())
	require.NoError(f, err)
	book := huaxinBook()
	for _, rec := range book {
		p := m.Profile(&rec)
		for _, marshal := range []func(match.Profile) ([]byte, error){match.Profile.MarshalBinary, match.MarshalFormat1} {
			data, err := marshal(p)
			require.NoError(f, err)
			f.Add(data, uint8(0))
		}
	}
	f.Add([]byte{2, 1, 0}, uint8(1))
	ps := profilesOf(m, book)
	others := storedRows(f, ps, binaryCodec)
	f.Fuzz(func(t *testing.T, data []byte, lead uint8) {
		rows := append([][]byte{data}, others...)
		lp := ps[int(lead)%len(ps)]
		want, wantErrs := viaDecoder(m, lp, rows)
		got, err := m.MatchStored(lp, rows)
		require.Equal(t, want, got)
		var gotErrs []string
		for _, p := range strata.Problems(err) {
			re, ok := errors.AsType[*match.RowError](p)
			require.True(t, ok)
			require.Equal(t, 0, re.Row)
			gotErrs = append(gotErrs, re.Err.Error())
		}
		require.Equal(t, wantErrs, gotErrs)
	})
}

func profilesOf(m *match.Matcher, cs []strata.Customer) []match.Profile {
	out := make([]match.Profile, len(cs))
	for i := range cs {
		out[i] = m.Profile(&cs[i])
	}
	return out
}

// TestMatchProfilesOrder is the property of the Result's order: best
// first, ties by ID (byte by byte, a prefix first), then in the order the
// candidates came; over IDs that share long prefixes, end in zero bytes or
// are prefixes of one another, repeated, below and above 256 candidates
// (which are sorted two ways), from profiles in memory and stored.
func TestMatchProfilesOrder(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	lp := m.Profile(&lead)
	r := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 3, 50, 256, 257, 300} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			ps := make([]match.Profile, n)
			for i := range ps {
				c := cands[r.IntN(len(cands))]
				c.ID = []string{"CUSTOMER-000", "CUSTOMER-0000", "CUSTOMER-0000\x00", "CUSTOMER-00000000", "CUSTOMER-000000001", "C", ""}[r.IntN(7)]
				c.ID += strconv.Itoa(r.IntN(4))
				c.Owner = strconv.Itoa(i) // the order it came in
				ps[i] = m.Profile(&c)
			}
			res := m.MatchProfiles(lp, ps)
			require.Len(t, res.Candidates, n)
			for k := 1; k < n; k++ {
				a, b := res.Candidates[k-1], res.Candidates[k]
				ia, _ := strconv.Atoi(a.Owner)
				ib, _ := strconv.Atoi(b.Owner)
				assert.True(t, a.Score > b.Score || a.Score == b.Score && (a.ID < b.ID || a.ID == b.ID && ia < ib),
					"%d: %q %d (%d) before %q %d (%d)", k, a.ID, a.Score, ia, b.ID, b.Score, ib)
			}
			got, err := m.MatchStored(lp, storedRows(t, ps, binaryCodec))
			require.NoError(t, err)
			assert.Equal(t, res, got)
		})
	}
}

// TestMatchStoredConcurrent: one Matcher serves MatchStored and
// MatchProfiles from many goroutines (run with -race), which share its
// pooled scratch, and gives each the same answer.
func TestMatchStoredConcurrent(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	ps := profilesOf(m, cands)
	rows := storedRows(t, ps, binaryCodec)
	lp := m.Profile(&lead)
	want := m.MatchProfiles(lp, ps)
	var wg sync.WaitGroup
	for k := range 16 {
		wg.Go(func() {
			for range 20 {
				var res match.Result
				if k%2 == 0 {
					res, _ = m.MatchStored(lp, rows)
				} else {
					res = m.MatchProfiles(lp, ps)
				}
				if !assert.Equal(t, want, res) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestMatchStoredHostileRowsCostBoundedMemory: rows whose headers claim
// the longest IDs and owners, and are refused, cost memory in proportion
// to the rows, not to what they claim.
func TestMatchStoredHostileRowsCostBoundedMemory(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	row, err := m.Profile(&cands[0]).MarshalBinary()
	require.NoError(t, err)
	row = row[:40]
	row[23], row[24], row[25], row[26] = 0xff, 0xff, 0xff, 0xff // ID and owner of 65,535 bytes each
	rows := make([][]byte, 1000)
	for i := range rows {
		rows[i] = row
	}
	lp := m.Profile(&lead)
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	_, err = m.MatchStored(lp, rows)
	runtime.ReadMemStats(&ms1)
	require.Len(t, strata.Problems(err), len(rows))
	assert.Less(t, ms1.TotalAlloc-ms0.TotalAlloc, uint64(2*len(rows)*len(row)+1<<20))
}

// TestMatchStoredHugeJunkRowsReserveNothing: rows that are not format 2
// profiles within MaxProfileBytes (junk, or a format 2 header on a row too
// long to be a profile) are refused without reserving room for their
// length: MatchStored allocates far less than the rows hold.
func TestMatchStoredHugeJunkRowsReserveNothing(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	good, err := m.Profile(&cands[0]).MarshalBinary()
	require.NoError(t, err)
	const size = 8 << 20
	junk := bytes.Repeat([]byte{0xee}, size)
	long := append(append([]byte(nil), good...), make([]byte, size)...) // format 2, too long
	lp := m.Profile(&lead)
	for _, tc := range []struct {
		name string
		row  []byte
	}{{"junk", junk}, {"format 2 too long", long}} {
		t.Run(tc.name, func(t *testing.T) {
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			_, err := m.MatchStored(lp, [][]byte{tc.row, good})
			runtime.ReadMemStats(&ms1)
			require.Len(t, strata.Problems(err), 1)
			assert.Less(t, ms1.TotalAlloc-ms0.TotalAlloc, uint64(size/8))
		})
	}
}

// TestRowErrorNil: a nil *RowError says "<nil>" and unwraps to nil instead
// of panicking.
func TestRowErrorNil(t *testing.T) {
	var e *match.RowError
	assert.NotPanics(t, func() { assert.Equal(t, "<nil>", e.Error()) })
	assert.NotPanics(t, func() { assert.NoError(t, e.Unwrap()) })
}
