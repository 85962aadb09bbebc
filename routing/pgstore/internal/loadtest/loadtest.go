// Package loadtest runs Routers in several OS processes on one pgstore
// schema, and checks afterwards, with SQL over an audit table a trigger
// fills, that no agent ever went over capacity. The multi-process test and
// the pgload command share it: a parent process starts copies of its own
// executable with the worker's configuration in an environment variable
// (Spawn); each copy runs Worker and prints its Result as JSON.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/pgstore"
)

// Env is the environment variable that makes a process a worker: it holds
// the worker's Config as JSON.
const Env = "STRATA_PGSTORE_WORKER"

// Config is one worker process's work.
type Config struct {
	DSN    string `json:"dsn"`
	Schema string `json:"schema"`
	// Process numbers the worker, for item IDs.
	Process int `json:"process"`
	// Leads is how many leads the process routes, over all its goroutines.
	Leads int `json:"leads"`
	// Goroutines route at once, each with its share of the leads.
	Goroutines int `json:"goroutines"`
	// Hold is how many assigned leads a goroutine keeps before it releases
	// the oldest; at the end it releases them all.
	Hold int `json:"hold"`
	// Width is the store's window width (0: the store's default).
	Width int `json:"width,omitempty"`
	// Start is when to start routing (processes start at once); Limit
	// bounds the routing time: a worker stops routing at Start+Limit and
	// releases what it holds.
	Start time.Time     `json:"start"`
	Limit time.Duration `json:"limit"`
	// MaxProcs, if positive, is the worker's GOMAXPROCS: processes packed
	// on one machine share its cores (MaxProcs returns the fair share).
	MaxProcs int `json:"max_procs,omitempty"`
	// CPUProfile, if set, is where the worker writes its CPU profile.
	CPUProfile string `json:"cpu_profile,omitempty"`
}

// Result is what one worker did.
type Result struct {
	Routes     int64 `json:"routes"`
	Assigned   int64 `json:"assigned"`
	Unassigned int64 `json:"unassigned"`
	Releases   int64 `json:"releases"`
	Errors     int64 `json:"errors"`
	// Reservations counts ReserveFirst calls; Lost those that found no
	// candidate of their window with room (ErrOverCapacity: the capacity
	// went to concurrent requests after the Router read the workloads);
	// NotFirst those that went to a candidate other than the first, and
	// PassedOver the candidates ahead of the one that took the item, which
	// the Router reports as lost races.
	Reservations int64 `json:"reservations"`
	Lost         int64 `json:"lost"`
	NotFirst     int64 `json:"not_first"`
	PassedOver   int64 `json:"passed_over"`
	// Calls counts the store's calls by operation (rank, stats, reserve,
	// release, lookup), and Waited sums how long they took, round trip
	// included.
	Calls  map[string]int64         `json:"calls,omitempty"`
	Waited map[string]time.Duration `json:"waited,omitempty"`
	// Elapsed is from Start until the last release.
	Elapsed time.Duration `json:"elapsed"`
	// FirstError is the first error met, if any.
	FirstError string `json:"first_error,omitempty"`
}

// Add adds o's counts to r; Elapsed becomes the longer.
func (r *Result) Add(o Result) {
	r.Routes += o.Routes
	r.Assigned += o.Assigned
	r.Unassigned += o.Unassigned
	r.Releases += o.Releases
	r.Errors += o.Errors
	r.Reservations += o.Reservations
	r.Lost += o.Lost
	r.NotFirst += o.NotFirst
	r.PassedOver += o.PassedOver
	for k, n := range o.Calls {
		if r.Calls == nil {
			r.Calls, r.Waited = map[string]int64{}, map[string]time.Duration{}
		}
		r.Calls[k] += n
		r.Waited[k] += o.Waited[k]
	}
	r.Elapsed = max(r.Elapsed, o.Elapsed)
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
}

// Team is the load's team: 48 agents with capacities 2 to 4; a sticky
// pool of 8 read in full (leads for the "small" product), and a least
// loaded pool of 40 that a Router walks in line order (pgstore's Rank).
func Team() routing.Config {
	cfg := routing.Config{Home: "CN", DefaultPool: "large",
		Pools: []routing.Pool{
			{Name: "small", Strategy: routing.LeastLoaded, Sticky: true},
			{Name: "large", Strategy: routing.LeastLoaded},
		},
		Rules: []routing.Rule{{Name: "small", When: `lead.product == "small"`, Pool: "small"}}}
	for i := range 48 {
		a := routing.Agent{ID: fmt.Sprintf("a%02d", i), Capacity: 2 + i%3, Languages: []string{"en"}}
		cfg.Agents = append(cfg.Agents, a)
		if i < 8 {
			cfg.Pools[0].Members = append(cfg.Pools[0].Members, a.ID)
		} else {
			cfg.Pools[1].Members = append(cfg.Pools[1].Members, a.ID)
		}
	}
	return cfg
}

// MaxProcs is a fair GOMAXPROCS for one of procs processes sharing this
// machine: its cores divided among them, at least 1. Without it, each Go
// process would run as many threads as the machine has cores, and the
// processes' schedulers would spin against each other.
func MaxProcs(procs int) int { return max(1, runtime.NumCPU()/max(procs, 1)) }

// counting counts what the store's reservations did, and times its calls.
type counting struct {
	*pgstore.Store
	reservations, lost, notFirst, passed atomic.Int64
	calls, waited                        [numOps]atomic.Int64
}

// The operations counting times.
const (
	opRank = iota
	opStats
	opReserve
	opRelease
	opLookup
	numOps
)

var opNames = [numOps]string{"rank", "stats", "reserve", "release", "lookup"}

// timed records a call of op that started at start.
func (c *counting) timed(op int, start time.Time) {
	c.calls[op].Add(1)
	c.waited[op].Add(int64(time.Since(start)))
}

// Rank implements routing.Ranker, timed.
func (c *counting) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	defer c.timed(opRank, time.Now())
	return c.Store.Rank(ctx, k, skip, n, dst)
}

// Stats implements routing.Store, timed.
func (c *counting) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	defer c.timed(opStats, time.Now())
	return c.Store.Stats(ctx, agents, since, dst)
}

// Release implements routing.Store, timed.
func (c *counting) Release(ctx context.Context, item string) (routing.Assignment, error) {
	defer c.timed(opRelease, time.Now())
	return c.Store.Release(ctx, item)
}

// Lookup implements routing.Store, timed.
func (c *counting) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	defer c.timed(opLookup, time.Now())
	return c.Store.Lookup(ctx, item)
}

// ReserveFirst implements routing.WindowReserver, counting and timed.
func (c *counting) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	start := time.Now()
	a, created, err := c.Store.ReserveFirst(ctx, o)
	c.timed(opReserve, start)
	c.reservations.Add(1)
	switch {
	case errors.Is(err, routing.ErrOverCapacity):
		c.lost.Add(1)
	case err == nil && created:
		for k, cand := range o.Window {
			if cand.Agent == a.Agent {
				if k > 0 {
					c.notFirst.Add(1)
					c.passed.Add(int64(k))
				}
				break
			}
		}
	}
	return a, created, err
}

// Worker runs cfg in this process: one pool, one Router, cfg.Goroutines
// routing at once.
func Worker(ctx context.Context, cfg Config) (Result, error) {
	if cfg.MaxProcs > 0 {
		runtime.GOMAXPROCS(cfg.MaxProcs)
	}
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return Result{}, err
	}
	pc.MaxConns = int32(cfg.Goroutines + 1)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return Result{}, err
	}
	defer pool.Close()
	opts := []pgstore.Option{pgstore.WithSchema(cfg.Schema)}
	if cfg.Width > 0 {
		opts = append(opts, pgstore.WithWidth(cfg.Width))
	}
	s, err := pgstore.New(ctx, pool, opts...)
	if err != nil {
		return Result{}, err
	}
	store := &counting{Store: s}
	r, err := routing.New(Team(), store)
	if err != nil {
		return Result{}, err
	}
	defer func() { _ = r.Close(context.WithoutCancel(ctx)) }()
	time.Sleep(time.Until(cfg.Start))
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return Result{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return Result{}, err
		}
		defer pprof.StopCPUProfile()
	}
	results := make([]Result, cfg.Goroutines)
	var wg sync.WaitGroup
	for g := range cfg.Goroutines {
		n := cfg.Leads / cfg.Goroutines
		if g < cfg.Leads%cfg.Goroutines {
			n++
		}
		wg.Go(func() { results[g] = route(ctx, r, &cfg, g, n) })
	}
	wg.Wait()
	var total Result
	for _, res := range results {
		total.Add(res)
	}
	total.Elapsed = time.Since(cfg.Start)
	total.Reservations, total.Lost = store.reservations.Load(), store.lost.Load()
	total.NotFirst, total.PassedOver = store.notFirst.Load(), store.passed.Load()
	total.Calls, total.Waited = map[string]int64{}, map[string]time.Duration{}
	for op, name := range opNames {
		total.Calls[name], total.Waited[name] = store.calls[op].Load(), time.Duration(store.waited[op].Load())
	}
	return total, nil
}

// route is one goroutine's work: n leads, holding up to cfg.Hold assigned
// ones and releasing the oldest beyond that, then releasing the rest. It
// stops routing at cfg.Start+cfg.Limit.
func route(ctx context.Context, r *routing.Router, cfg *Config, g, n int) Result {
	stop := cfg.Start.Add(cfg.Limit)
	var res Result
	note := func(err error) {
		res.Errors++
		if res.FirstError == "" {
			res.FirstError = err.Error()
		}
	}
	var held []string
	release := func() {
		if _, err := r.Release(ctx, held[0]); err != nil {
			note(err)
		} else {
			res.Releases++
		}
		held = held[1:]
	}
	for i := 0; i < n && time.Now().Before(stop); i++ {
		item := "p" + strconv.Itoa(cfg.Process) + "-g" + strconv.Itoa(g) + "-" + strconv.Itoa(i)
		req := routing.Request{Item: item, Now: time.Now(),
			Customer: strata.Customer{ID: "c" + strconv.Itoa(i%97), Country: "CN", Owner: fmt.Sprintf("a%02d", i%8)}}
		if i%5 == 0 {
			req.Lead.Product = "small"
		}
		d, err := r.Route(ctx, req)
		res.Routes++
		switch {
		case err != nil:
			note(err)
		case d.Outcome == routing.Assigned:
			res.Assigned++
			held = append(held, item)
		default:
			res.Unassigned++
		}
		if len(held) > cfg.Hold {
			release()
		}
	}
	for len(held) > 0 {
		release()
	}
	return res
}

// WorkerMain is the main function of a worker process: it reads its Config
// from Env, runs it, prints the Result as JSON on standard output and
// returns the exit code.
func WorkerMain() int {
	var cfg Config
	if err := json.Unmarshal([]byte(os.Getenv(Env)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Limit+2*time.Minute)
	defer cancel()
	res, err := Worker(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	return 0
}

// Spawn starts one copy of this executable per config, as workers (args
// are their command-line arguments: a test binary wants -test.run=^$), and
// returns their results in order.
func Spawn(ctx context.Context, args []string, cfgs []Config) ([]Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		js, err := json.Marshal(cfg)
		if err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Env = append(os.Environ(), Env+"="+string(js))
		cmd.Stderr = os.Stderr
		wg.Go(func() {
			b, err := cmd.Output()
			if err == nil {
				err = json.Unmarshal(b, &out[i])
			}
			if err != nil {
				errs[i] = fmt.Errorf("worker %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
