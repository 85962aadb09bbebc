// Command pgload measures routing on PostgreSQL: several OS processes, each
// with its own connection pool and Router on one pgstore schema, route and
// release leads over a team of 48 agents with capacities 2 to 4, and pgload
// reports route+release pairs per second, how many reservations lost a
// race, how many calls of each kind the store served and their mean time
// (round trip included), and, with -pgbench, the physical anchor measured just before on the
// same server with the same number of clients: pgbench -N (simple update)
// transactions per second. With -audit it also records every load change
// with a trigger and checks, with SQL, that no agent ever went over
// capacity (the multi-process test does that always).
//
// It is bounded: every process stops routing after -limit and releases what
// it holds. Against the throwaway server of .ci/with-postgres, from the
// repository root:
//
//	bash .ci/with-postgres sh -c 'cd routing/pgstore && go run ./cmd/pgload -pgbench'
//
// The database is STRATA_PG_DSN (or -dsn); pgload works in a schema of its
// own, dropped at the end, and -pgbench creates pgbench's tables in the
// database's public schema (pgbench -i): use a throwaway database.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/strata-go/strata/routing/pgstore"
	"github.com/strata-go/strata/routing/pgstore/internal/loadtest"
)

type flags struct {
	dsn                            string
	procs, goroutines, leads, hold int
	widths                         string
	limit, pgbenchTime             time.Duration
	pgbench                        bool
	pgbenchPath                    string
	audit                          bool
	cpuProfile                     string
}

func main() {
	if os.Getenv(loadtest.Env) != "" {
		os.Exit(loadtest.WorkerMain())
	}
	var f flags
	flag.StringVar(&f.dsn, "dsn", os.Getenv("STRATA_PG_DSN"), "the database (default $STRATA_PG_DSN)")
	flag.IntVar(&f.procs, "procs", 4, "worker processes")
	flag.IntVar(&f.goroutines, "goroutines", 4, "goroutines routing at once in each process")
	flag.IntVar(&f.leads, "leads", 5000, "leads each process routes")
	flag.IntVar(&f.hold, "hold", 6, "assigned leads each goroutine holds before releasing the oldest")
	flag.StringVar(&f.widths, "width", "", "window widths to measure, comma-separated (default: the store's)")
	flag.DurationVar(&f.limit, "limit", 2*time.Minute, "longest routing time of one run")
	flag.BoolVar(&f.pgbench, "pgbench", false, "measure pgbench -N first, with procs×goroutines clients")
	flag.StringVar(&f.pgbenchPath, "pgbench-path", "pgbench", "the pgbench program")
	flag.DurationVar(&f.pgbenchTime, "pgbench-time", 20*time.Second, "how long pgbench runs")
	flag.BoolVar(&f.audit, "audit", false, "record every load change with a trigger and check capacity afterwards (costs a row per change)")
	flag.StringVar(&f.cpuProfile, "cpuprofile", "", "write each worker's CPU profile to this path, suffixed with .N")
	flag.Parse()
	if err := run(&f); err != nil {
		fmt.Fprintln(os.Stderr, "pgload:", err)
		os.Exit(1)
	}
}

func run(f *flags) error {
	if f.dsn == "" {
		return fmt.Errorf("no database: set STRATA_PG_DSN or -dsn")
	}
	ctx := context.Background()
	clients := f.procs * f.goroutines
	var anchor float64
	if f.pgbench {
		var err error
		if anchor, err = pgbench(ctx, f, clients); err != nil {
			return err
		}
		fmt.Printf("pgbench -N, %d clients, %v: %.0f transactions/s\n", clients, f.pgbenchTime, anchor)
	}
	widths := []int{0}
	if f.widths != "" {
		widths = widths[:0]
		for w := range strings.SplitSeq(f.widths, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(w))
			if err != nil {
				return fmt.Errorf("-width: %w", err)
			}
			widths = append(widths, n)
		}
	}
	for _, w := range widths {
		if err := load(ctx, f, w, anchor); err != nil {
			return err
		}
	}
	return nil
}

var tps = regexp.MustCompile(`tps = ([0-9.]+)`)

// pgbench initialises pgbench's tables and runs pgbench -N with clients
// clients, returning its transactions per second.
func pgbench(ctx context.Context, f *flags, clients int) (float64, error) {
	init := exec.CommandContext(ctx, f.pgbenchPath, "-i", "-q", f.dsn)
	if out, err := init.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("pgbench -i: %w\n%s", err, out)
	}
	secs := strconv.Itoa(max(int(f.pgbenchTime.Seconds()), 1))
	cmd := exec.CommandContext(ctx, f.pgbenchPath, "-N", "-c", strconv.Itoa(clients), "-j", "2", "-T", secs, f.dsn)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench -N: %w\n%s", err, out)
	}
	m := tps.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench -N printed no tps:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// load runs one measurement at window width w (0: the store's default).
func load(ctx context.Context, f *flags, w int, anchor float64) error {
	schema := fmt.Sprintf("pgload_%d", os.Getpid())
	pool, err := pgxpool.New(ctx, f.dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	defer func() { _, _ = pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+schema+" CASCADE") }()
	opts := []pgstore.Option{pgstore.WithSchema(schema)}
	if w > 0 {
		opts = append(opts, pgstore.WithWidth(w))
	}
	s, err := pgstore.New(ctx, pool, opts...)
	if err != nil {
		return err
	}
	width := s.Width()
	if f.audit {
		if err := loadtest.InstallAudit(ctx, pool, schema); err != nil {
			return err
		}
	}
	cfgs := make([]loadtest.Config, f.procs)
	start := time.Now().Add(2 * time.Second)
	for i := range cfgs {
		cfgs[i] = loadtest.Config{DSN: f.dsn, Schema: schema, Process: i, Leads: f.leads, Goroutines: f.goroutines,
			Hold: f.hold, Width: w, Start: start, Limit: f.limit, MaxProcs: loadtest.MaxProcs(f.procs)}
		if f.cpuProfile != "" {
			cfgs[i].CPUProfile = f.cpuProfile + "." + strconv.Itoa(i)
		}
	}
	results, err := loadtest.Spawn(ctx, nil, cfgs)
	if err != nil {
		return err
	}
	var t loadtest.Result
	for _, r := range results {
		t.Add(r)
	}
	pairs := float64(t.Releases) / t.Elapsed.Seconds()
	fmt.Printf("width %d, %d processes × %d goroutines: %d routes (%d assigned, %d unassigned), %d releases, %d errors in %.1fs: %.0f route+release/s",
		width, f.procs, f.goroutines, t.Routes, t.Assigned, t.Unassigned, t.Releases, t.Errors, t.Elapsed.Seconds(), pairs)
	if anchor > 0 {
		fmt.Printf(" (%.0f%% of pgbench -N)", 100*pairs/anchor)
	}
	fmt.Printf("\n  reservations %d: lost %d (%.2f%%), taken by a later candidate %d (%.1f%%; %d candidates passed over)\n",
		t.Reservations, t.Lost, pct(t.Lost, t.Reservations), t.NotFirst, pct(t.NotFirst, t.Reservations), t.PassedOver)
	fmt.Print("  store calls (count, mean time):")
	for _, op := range []string{"rank", "stats", "reserve", "release", "lookup"} {
		if n := t.Calls[op]; n > 0 {
			fmt.Printf(" %s %d %.2fms", op, n, float64(t.Waited[op].Microseconds())/1000/float64(n))
		}
	}
	fmt.Println()
	if t.FirstError != "" {
		fmt.Println("  first error:", t.FirstError)
	}
	if !f.audit {
		return nil
	}
	au, err := loadtest.Check(ctx, pool, schema, loadtest.Team())
	if err != nil {
		return err
	}
	fmt.Println("  audit:", au)
	if len(au.OverCapacity)+len(au.Mismatched) > 0 || au.Negative > 0 {
		return fmt.Errorf("audit failed: over capacity %v, mismatched %v", au.OverCapacity, au.Mismatched)
	}
	return nil
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
