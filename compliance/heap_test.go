package compliance_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/internal/hostiletest"
)

// TestHeapDoesNotGrowWithInput: 10,000 distinct invalid policy files and
// policies, unknown roles and actions, distinct custom-field paths, customers with
// invalid country codes,
// and log records with distinct keys through the redacting handler leave
// the live heap within 1 MiB after a warm-up over other inputs. The policy
// and the handler stay alive until the heap is read, so anything they
// cached would show.
func TestHeapDoesNotGrowWithInput(t *testing.T) {
	p := starterPolicy(t)
	h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(io.Discard, nil), p)
	require.NoError(t, err)
	logger := slog.New(h)
	pad := strings.Repeat("q", 200)
	c := overseas()
	run := func(from int) {
		for i := from; i < from+10_000; i++ {
			_, err := compliance.ParseConfig(fmt.Appendf(nil, "home: CN\nroles:\n  - name: r%d\n    see: secret_%d\n    mask: restricted\n    grants: []\n    extra_%d_%s: 1\n", i, i, i, pad))
			require.Error(t, err)
			_, err = compliance.New(compliance.Config{Home: fmt.Sprint("Z", i), Roles: []compliance.Role{{Name: fmt.Sprint("r", i),
				See: compliance.Sensitivity(100 + i), Mask: compliance.Sensitivity(-i)}}})
			require.Error(t, err)
			_, err = p.Redact(t.Context(), as(fmt.Sprintf("ghost-%d-%s", i, pad)), &c)
			require.Error(t, err)
			_, err = p.Decide(t.Context(), as(fmt.Sprint("ghost-", i)), &c, compliance.Action(fmt.Sprint("act", i)))
			require.Error(t, err)
			_, err = p.Visibility(as("sales-rep"), fmt.Sprintf("attrs.k%d.%s", i, pad))
			require.NoError(t, err, "custom fields are open paths")
			bad := c
			bad.Country = fmt.Sprintf("X%d", i)
			_, err = p.Decide(t.Context(), as("sales-director"), &bad, compliance.ActionView)
			require.NoError(t, err, "access decisions read the home country, not the law")
			logger.Info("m", fmt.Sprintf("customer_phone_%d", i), "+86 138 0013 5678", fmt.Sprintf("k%d_%s", i, pad), strata.Channel{Kind: strata.ChannelEmail, Value: "a@b.example"})
		}
	}
	hostiletest.Heap(t, run, p, logger)
}
