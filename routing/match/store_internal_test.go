package match

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing/match/internal/synth"
)

// pinnedProfiles is the SHA-256 of what the profiles of the labelled set's
// 2,000 records hold (keys, name key, country, city hash, free mail), under
// normalisation version profileNorm; the encoding's layout is
// profileFormat's business.
const pinnedProfiles = "0d771d44f110cd3cd6713bdd77120157a74c1ba0b9c97bbf162b809d4ed121e6"

// TestStoredProfilesPinned guards profileNorm: a stored profile is only
// accepted when the normalisation that built it gives the same values
// today. When this test fails, a change to phone numbers, mailboxes,
// company-name keys or registrable domains (in strata or this package, or a
// new phone metadata or Public Suffix List) gives some record another
// profile: bump profileNorm, so that UnmarshalBinary refuses the profiles
// hosts stored before and asks for them to be rebuilt, and update the pin.
func TestStoredProfilesPinned(t *testing.T) {
	m, err := New(StarterConfig())
	require.NoError(t, err)
	h := sha256.New()
	for _, p := range synth.Pairs(2026, 1000) {
		for _, c := range [...]Profile{m.Profile(&p.A), m.Profile(&p.B)} {
			fmt.Fprintf(h, "%s\x00%q %x %v\n", strings.Join(c.Keys().All(), "\x00"), c.country, c.city, c.freeMail)
		}
	}
	assert.Equal(t, pinnedProfiles, hex.EncodeToString(h.Sum(nil)),
		"the normalisation changed under profileNorm %d: bump profileNorm and update pinnedProfiles", profileNorm)
}

// TestStoredEncodingPinned guards profileFormat: format 2 stores the key
// hashes and name bigrams beside the values they are computed from, and
// decoding trusts them. When this test fails (and TestStoredProfilesPinned
// does not), the layout or a function behind a stored value changed
// (hash64, nameFeatures, the order of the keys): bump profileFormat, keep
// reading the old format by recomputing its derived values as format 1
// does, and update the pin.
func TestStoredEncodingPinned(t *testing.T) {
	m, err := New(StarterConfig())
	require.NoError(t, err)
	h := sha256.New()
	for _, p := range synth.Pairs(2026, 1000) {
		for _, c := range [...]Profile{m.Profile(&p.A), m.Profile(&p.B)} {
			data, err := c.MarshalBinary()
			require.NoError(t, err)
			h.Write(data)
		}
	}
	assert.Equal(t, pinnedEncoding, hex.EncodeToString(h.Sum(nil)),
		"the stored encoding changed under profileFormat %d: bump profileFormat and update pinnedEncoding", profileFormat)
}

// pinnedEncoding is the SHA-256 of the format 2 encodings of the labelled
// set's 2,000 records' profiles.
const pinnedEncoding = "fbfd7d0f43dcda7e9b155774fcfaac8e5b8fc5d2ecc2a2cf488575596e8a2672"
