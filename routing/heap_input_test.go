package routing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/hostiletest"
	"github.com/strata-go/strata/routing"
)

// TestHeapDoesNotGrowWithInvalidConfigs: 10,000 distinct invalid
// configurations given to New (a rule that does not compile, unknown
// languages, regions and groups, a bad shift zone) and 10,000 distinct
// invalid files given to ParseConfig leave the live heap within 1 MiB once
// the warm-up (with other inputs) has run.
func TestHeapDoesNotGrowWithInvalidConfigs(t *testing.T) {
	pad := strings.Repeat("q", 300)
	bad := func(i int) routing.Config {
		id := fmt.Sprintf("a%d", i)
		return routing.Config{Home: "CN", DefaultPool: "p",
			Groups: map[string][]string{fmt.Sprintf("G%d", i): {fmt.Sprintf("X%d", i)}},
			Agents: []routing.Agent{{ID: id, Capacity: 5, Country: "CN", Languages: []string{fmt.Sprintf("bad!%d%s", i, pad)},
				Regions: []string{fmt.Sprintf("ZZ-%d", i)}}},
			Pools: []routing.Pool{{Name: "p", Members: []string{id}, Strategy: routing.LeastLoaded,
				Select: fmt.Sprintf(`agent.seniorit%d >= 1`, i)}},
			Rules: []routing.Rule{{Name: fmt.Sprint("r", i), Pool: "p",
				When: fmt.Sprintf(`customer.countr%d == "%s"`, i, pad)}},
		}
	}
	file := func(i int) []byte {
		return fmt.Appendf(nil, "home: CN\nagents:\n  - id: a%d\n    capacity: %d\n    colour_%d: blue\npools: []\nunknown_%d_%s: 1\n", i, i, i, i, pad)
	}
	run := func(from int) {
		for i := from; i < from+10_000; i++ {
			_, err := routing.New(bad(i), routing.NewMemoryStore())
			require.Error(t, err)
			_, err = routing.ParseConfig(file(i))
			require.Error(t, err)
		}
	}
	hostiletest.Heap(t, run)
}
