package rules_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

// TestCachesDoNotGrowWithDistinctInput warms every cache up with one set of
// inputs and then measures the live heap over another, distinct set (the
// warm-up's inputs shifted by 10,000), so a cache that keeps every entry it
// sees shows up as growth. The inputs cover the money-literal cache (valid
// constant literals, which fill it to its bound during the warm-up), dynamic
// money calls whose amount comes from the record (money(attr(customer, "x",
// ""), "CNY"), never cached), amounts too long to parse, rules that do not
// compile and valid rules that fill the program cache to its bound. The
// environment is kept alive until the heap is read: otherwise the collector
// frees it, caches and all, and no leak could show.
func TestCachesDoNotGrowWithDistinctInput(t *testing.T) {
	env := newEnv(t)
	dynamic, err := env.Compile("dynamic", `money(attr(customer, "x", ""), "CNY") > money("0", "CNY")`, rules.Bool)
	require.NoError(t, err)
	act := env.NewActivation("CN", benchNow)
	c := benchCustomer()
	pad := strings.Repeat("x", 400)
	run := func(from int) {
		for i := from; i < from+10_000; i++ {
			if i%2 == 0 { // 5,000 of each: past both caches' bounds (4,096)
				// A valid rule with a distinct constant money literal.
				_, err := env.Compile("lit", fmt.Sprintf(`customer.revenue > money("%d.%02d", "CNY")`, i, i%100), rules.Bool)
				require.NoError(t, err)
				// A rule that does not compile.
				_, err = env.Compile("bad", fmt.Sprintf(`customer.revenu%d > 1 && "%s" == ""`, i, pad), rules.Bool)
				require.Error(t, err)
			}
			// A dynamic money call over a distinct amount read from the record.
			c.Attrs = map[string]any{"x": fmt.Sprintf("%d.%d", i, i)}
			act.SetCustomer(c)
			_, err := dynamic.EvalBool(act)
			require.NoError(t, err)
			// A dynamic money call over a distinct amount that does not parse.
			c.Attrs = map[string]any{"x": fmt.Sprintf("%d-%s", i, pad)}
			act.SetCustomer(c)
			_, err = dynamic.EvalBool(act)
			require.Error(t, err)
			_, err = strata.NewMoney(strings.Repeat("9", 100+i%1000)+fmt.Sprint(i), "CNY")
			require.Error(t, err)
		}
	}
	run(0) // warm up: fills the bounded caches
	before := liveHeap()
	run(10_000) // distinct inputs
	after := liveHeap()
	// Without this the environment is dead once the last run returns, and
	// the collector frees it with its caches before the heap is read.
	runtime.KeepAlive(env)
	runtime.KeepAlive(dynamic)
	runtime.KeepAlive(act)
	grew := int64(after) - int64(before)
	assert.Less(t, grew, int64(1<<20), "live heap grew by %d bytes over distinct inputs", grew)
}
