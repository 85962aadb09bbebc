package law_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance/law"
	"github.com/strata-go/strata/internal/hostiletest"
)

// TestHeapDoesNotGrowWithInput: 10,000 distinct invalid country codes (in
// the customer's country and subdivision and in a transfer's destination),
// invalid configurations and invalid files leave the live heap within 1 MiB
// after a warm-up over other inputs; the engine stays alive until the heap
// is read, so anything it cached would show.
func TestHeapDoesNotGrowWithInput(t *testing.T) {
	e := engine(t)
	pad := strings.Repeat("q", 200)
	now := day("2026-11-20")
	run := func(from int) {
		for i := from; i < from+10_000; i++ {
			bad := strata.Customer{ID: "c", Kind: strata.KindIndividual, Country: fmt.Sprintf("Z%d%s", i, pad)}
			_, err := e.CanProcess(&bad, law.PurposeMarketingEmail, now)
			require.Error(t, err)
			_, err = e.Jurisdictions(&bad, now)
			require.Error(t, err)
			_, err = e.Deadlines(&bad, now)
			require.Error(t, err)
			sub := strata.Customer{ID: "c", Kind: strata.KindIndividual, Country: "DE", Subdivision: fmt.Sprintf("DE-%d", i)}
			_, err = e.CanProcess(&sub, law.PurposeService, now)
			require.Error(t, err)
			good := strata.Customer{ID: "c", Kind: strata.KindIndividual, Country: "DE"}
			_, err = e.CheckTransfer(&good, law.Transfer{From: "DE", To: law.Recipient{Country: fmt.Sprintf("cn%d", i)}}, now)
			require.Error(t, err)
			_, err = e.CheckTransfer(&good, law.Transfer{From: fmt.Sprintf("D%d", i), To: law.Recipient{Country: "CN"}}, now)
			require.Error(t, err)
			cfg := law.BuiltinConfig()
			cfg.EEA = append(cfg.EEA, fmt.Sprintf("E%d", i))
			_, err = law.New(cfg)
			require.Error(t, err)
			_, err = law.ParseConfig(fmt.Appendf(nil, "checked: 2026-01-0%d\neea: [X%d]\nunknown_%d_%s: 1\n", i%9+1, i, i, pad))
			require.Error(t, err)
		}
	}
	hostiletest.Heap(t, run, e)
}
