package pgstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing/pgstore"
	"github.com/strata-go/strata/routing/pgstore/internal/loadtest"
)

// workerEnv makes the test binary a worker process (see TestMain).
const workerEnv = loadtest.Env

func workerMain() int { return loadtest.WorkerMain() }

// TestManyProcesses runs 4 OS processes (this test binary, re-executed as
// workers), each with its own connection pool and Router on one schema,
// each routing and releasing 5,000 leads over agents of capacity 2 to 4,
// and then proves with SQL, over an audit table a trigger fills with every
// change of an agent's load, that no agent ever went over capacity and
// that every load is the units of the items its agent holds.
func TestManyProcesses(t *testing.T) {
	needDB(t)
	if testing.Short() {
		t.Skip("-short: the multi-process test routes 20,000 leads")
	}
	ctx := t.Context()
	schema := freshSchema(t)
	s := open(t, schema) // creates the schema before the workers start
	p := pool(t)
	require.NoError(t, loadtest.InstallAudit(ctx, p, s.Schema()))
	const procs, leads = 4, 5000
	start := time.Now().Add(2 * time.Second)
	cfgs := make([]loadtest.Config, procs)
	for i := range cfgs {
		cfgs[i] = loadtest.Config{DSN: dsn, Schema: schema, Process: i, Leads: leads, Goroutines: 4, Hold: 6,
			Start: start, Limit: 8 * time.Minute, MaxProcs: loadtest.MaxProcs(procs)}
	}
	results, err := loadtest.Spawn(ctx, []string{"-test.run=^$"}, cfgs)
	require.NoError(t, err)
	var total loadtest.Result
	for i, r := range results {
		assert.Equal(t, int64(leads), r.Routes, "process %d routed all its leads", i)
		assert.Equal(t, r.Assigned, r.Releases, "process %d released every lead it was assigned", i)
		assert.Zero(t, r.Errors, "process %d: %s", i, r.FirstError)
		total.Add(r)
	}
	t.Logf("%d processes: %d routes (%d assigned, %d unassigned), %d releases in %v; %d reservations, %d lost (%.1f%%), %d to a later candidate (%d passed over)",
		procs, total.Routes, total.Assigned, total.Unassigned, total.Releases, total.Elapsed.Round(time.Millisecond),
		total.Reservations, total.Lost, pct(total.Lost, total.Reservations), total.NotFirst, total.PassedOver)
	au, err := loadtest.Check(ctx, p, schema, loadtest.Team())
	require.NoError(t, err)
	t.Log("audit:", au)
	assert.Empty(t, au.OverCapacity, "no agent ever went over capacity")
	assert.Zero(t, au.Negative, "no load ever went below zero")
	assert.Empty(t, au.Mismatched, "every load is the units of the items held, and the sum of its recorded changes")
	assert.Zero(t, au.Held, "every item released")
	assert.Equal(t, total.Assigned, au.Increases, "one recorded increase per assignment")
	assert.Equal(t, 2*total.Assigned, au.Changes, "and one decrease per release")
	assert.Greater(t, total.Assigned, int64(procs*leads/2), "most leads found an agent")
	_ = pgstore.SchemaVersion
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
