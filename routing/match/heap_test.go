package match_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/hostiletest"
	"github.com/strata-go/strata/routing/match"
)

// TestHeapDoesNotGrowWithInput: 10,000 distinct records full of invalid
// contact data (addresses, phones, websites, country codes) matched against
// candidates alike, invalid domains, invalid configurations and invalid
// files leave the live heap within 1 MiB after a warm-up over other
// inputs; the Matcher stays alive until the heap is read, so anything it
// kept would show.
func TestHeapDoesNotGrowWithInput(t *testing.T) {
	m := newMatcher(t)
	pad := strings.Repeat("q", 200)
	junk := func(id string, i int) strata.Customer {
		return strata.Customer{ID: id, Name: fmt.Sprintf("名字%d %s", i, pad), Country: fmt.Sprintf("Q%d", i),
			Channels: []strata.Channel{ch(strata.ChannelEmail, fmt.Sprintf("not-an-address-%d@", i)),
				ch(strata.ChannelPhone, fmt.Sprintf("+999 %d-%s", i, pad)), ch(strata.ChannelWeChat, fmt.Sprintf("wx%d", i))},
			Attrs: map[string]any{"website": fmt.Sprintf("http://%d..%s/", i, pad)}}
	}
	run := func(from int) {
		for i := from; i < from+10_000; i++ {
			lead := junk("lead", i)
			cands := []strata.Customer{junk("a", i+1), junk("b", i+2), junk("c", i+3)}
			res, err := m.Match(&lead, cands)
			require.NoError(t, err, "Match scores what it is given; unusable fields give no evidence")
			require.Len(t, res.Candidates, len(cands))
			_, err = match.RegistrableDomain(fmt.Sprintf("%d..bad-%s", i, pad))
			require.Error(t, err)
			_, err = match.New(match.Config{Match: 50 + i%50, Review: 200 + i, FreeMail: []string{fmt.Sprintf(" x%d ", i)}})
			require.Error(t, err)
			_, err = match.ParseConfig(fmt.Appendf(nil, "match: %d\nreview: %d\nunknown_%d_%s: 1\n", i, i, i, pad))
			require.Error(t, err)
		}
	}
	hostiletest.Heap(t, run, m)
}
