// Command loadtest measures the service over HTTP on this machine: it
// builds and starts the service on the loopback interface (authentication
// and metrics on, as in production), sends route requests from 1, 16 and
// 256 concurrent clients and batches from a few, and prints requests or
// decisions per second, p50 and p99 latency, and the server's CPU time per
// request. Every phase is bounded in time and in count, and the program
// stops the service and exits by itself.
//
//	go run ./loadtest                               # memory store
//	go run ./loadtest -store postgres -dsn "$DSN"   # PostgreSQL (a scratch database: it adds rows)
//	go run ./loadtest -baseline DIR                 # and the sidecar of an earlier checkout, in the same run
//	go run ./loadtest -profile cpu.pprof            # and the service's CPU profile of the first route phase
//
// With -baseline, DIR is a checkout of the library from before the service
// (git worktree add --detach DIR 8f00462^): its examples/sidecar is built
// with the sample team's capacities raised by an overlay (DIR is not
// changed) and measured by the same clients right after the service, so
// the ratio between the two comes from one run on one machine. The old
// sidecar had no authentication and no metrics; the service has both on.
//
// Client and server share the machine, so the figures are what one box
// does with both, not the server alone.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const token = "loadtest-0123456789abcdef0123456789abcdef"

func main() {
	store := flag.String("store", "memory", "memory or postgres")
	dsn := flag.String("dsn", os.Getenv("STRATA_PG_DSN"), "PostgreSQL connection string for -store postgres")
	phase := flag.Duration("duration", 5*time.Second, "length of each phase")
	maxReq := flag.Int("max-requests", 200_000, "most requests in one phase")
	clients := flag.String("clients", "1,16,256", "concurrent clients of the single-request phases")
	batchClients := flag.String("batch-clients", "1,4", "concurrent clients of the batch phases")
	batchSize := flag.Int("batch", 500, "requests in one batch")
	baseline := flag.String("baseline", "", "a checkout of an earlier commit whose examples/sidecar to measure too")
	profile := flag.String("profile", "", "write the service's CPU profile of the first single-request phase to this file (the service runs with -pprof on loopback)")
	flag.Parse()
	p := plan{profile: *profile, store: *store, dsn: *dsn, phase: *phase, maxReq: *maxReq, clients: ints(*clients), batchClients: ints(*batchClients), batchSize: *batchSize, baseline: *baseline}
	if err := run(p); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// plan is what to measure.
type plan struct {
	store, dsn, baseline  string
	profile               string
	phase                 time.Duration
	maxReq, batchSize     int
	clients, batchClients []int
}

// phase is one measurement: clients sending requests of size leads.
type phase struct {
	clients, size, maxReq, run int
	length                     time.Duration
}

func run(p plan) error {
	srv, err := startService(p.store, p.dsn, p.profile != "")
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("store %s, %s per phase (at most %d requests), server pid %d\n\n", p.store, p.phase, p.maxReq, srv.cmd.Process.Pid)
	fmt.Printf("%-8s %8s %12s %14s %9s %9s %12s\n", "phase", "clients", "requests/s", "decisions/s", "p50", "p99", "server CPU")
	run := 0
	for i, c := range p.clients {
		run++
		var saved chan error
		if i == 0 && p.profile != "" {
			saved = make(chan error, 1)
			go func() { saved <- srv.saveProfile(p.profile, p.phase-time.Second) }()
		}
		load(srv, phase{clients: c, size: 1, maxReq: p.maxReq, run: run, length: p.phase}).print("route", c)
		if saved != nil {
			if err := <-saved; err != nil {
				return fmt.Errorf("profile: %w", err)
			}
		}
	}
	for _, c := range p.batchClients {
		run++
		load(srv, phase{clients: c, size: p.batchSize, maxReq: p.maxReq/p.batchSize + 1, run: run, length: p.phase}).print("batch", c)
	}
	if p.baseline == "" {
		return nil
	}
	srv.stop()
	old, err := startBaseline(p.baseline)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	defer old.stop()
	fmt.Printf("\nbaseline: the sidecar of %s (memory store, no authentication, no metrics), server pid %d\n", p.baseline, old.pid)
	for _, c := range p.clients {
		run++
		load(old, phase{clients: c, size: 1, maxReq: p.maxReq, run: run, length: p.phase}).print("sidecar", c)
	}
	return nil
}

// startBaseline builds and starts the sidecar of the checkout in dir, its
// sample team's capacities raised through a build overlay.
func startBaseline(dir string) (*service, error) {
	tmp, err := os.MkdirTemp("", "strata-loadtest-baseline")
	if err != nil {
		return nil, err
	}
	s := &service{dir: tmp}
	team, err := os.ReadFile(filepath.Join(dir, "internal", "sample", "team.go"))
	if err != nil {
		return nil, err
	}
	capacity := regexp.MustCompile(`(agent\("[^"]*", "[A-Z]+", [a-z]+, \d+, )\d+`)
	team = capacity.ReplaceAll(team, []byte("${1}100000000"))
	patched, overlay := filepath.Join(tmp, "team.go"), filepath.Join(tmp, "overlay.json")
	abs, err := filepath.Abs(filepath.Join(dir, "internal", "sample", "team.go"))
	if err != nil {
		return nil, err
	}
	spec, err := json.Marshal(map[string]any{"Replace": map[string]string{abs: patched}})
	if err != nil {
		return nil, err
	}
	if err := errors.Join(os.WriteFile(patched, team, 0o644), os.WriteFile(overlay, spec, 0o644)); err != nil {
		return nil, err
	}
	bin := filepath.Join(tmp, "sidecar")
	build := exec.Command("go", "build", "-overlay", overlay, "-o", bin, "./examples/sidecar")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "-addr", addr)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	s.pid, s.url = s.cmd.Process.Pid, "http://"+addr
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("the sidecar did not start")
		}
	}
	s.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
	return s, nil
}

// freeAddr returns a loopback address nobody listens on now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// service is the service under test.
type service struct {
	cmd   *exec.Cmd
	url   string
	pprof string // the -pprof listener's URL, if any
	dir   string
	pid   int
	http  *http.Client
}

// saveProfile writes the service's CPU profile of the next d to file.
func (s *service) saveProfile(file string, d time.Duration) error {
	if s.pprof == "" {
		return errors.New("the service serves no profiles")
	}
	resp, err := http.Get(s.pprof + "/debug/pprof/profile?seconds=" + strconv.Itoa(max(1, int(d.Seconds()))))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET profile: %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

func startService(store, dsn string, pprof bool) (*service, error) {
	dir, err := os.MkdirTemp("", "strata-loadtest")
	if err != nil {
		return nil, err
	}
	s := &service{dir: dir}
	bin := filepath.Join(dir, "service")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	// The sample team with room for everything the load test routes.
	team, err := os.ReadFile("testdata/team.yaml")
	if err != nil {
		return nil, err
	}
	team = regexp.MustCompile(`capacity: \d+`).ReplaceAll(team, []byte("capacity: 100000000"))
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), team, 0o644); err != nil {
		return nil, err
	}
	args := []string{"-addr", "127.0.0.1:0", "-store", store, "-routing", filepath.Join(dir, "team.yaml"),
		"-tiering", "testdata/tiers.yaml", "-rates", "testdata/rates.yaml", "-max-concurrent", "512"}
	if store == "postgres" {
		args = append(args, "-dsn", dsn)
	}
	if pprof {
		args = append(args, "-pprof", "127.0.0.1:0")
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = append(os.Environ(), "STRATA_TOKENS=loadtest route "+token)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	s.pid = s.cmd.Process.Pid
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && strings.HasPrefix(rec.Msg, "pprof listening") {
			s.pprof = "http://" + rec.Addr
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
			s.url = "http://" + rec.Addr
			break
		}
	}
	if s.url == "" {
		s.stop()
		return nil, errors.New("the service did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	s.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
	return s, nil
}

func (s *service) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
	_ = os.RemoveAll(s.dir)
}

// cpu returns the server process's user and system CPU time so far.
func (s *service) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// result is one phase's measurements.
type result struct {
	requests, decisions, failures int
	elapsed, cpu                  time.Duration
	latencies                     []time.Duration
}

func (r result) print(name string, clients int) {
	if r.requests == 0 {
		fmt.Printf("%-8s %8d   no requests completed (%d failures)\n", name, clients, r.failures)
		return
	}
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	sec := r.elapsed.Seconds()
	fmt.Printf("%-8s %8d %12.0f %14.0f %9s %9s %9.1f µs/req", name, clients, float64(r.requests)/sec, float64(r.decisions)/sec,
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond),
		float64(r.cpu.Microseconds())/float64(r.requests))
	if r.failures > 0 {
		fmt.Printf("  (%d failed)", r.failures)
	}
	fmt.Println()
}

var countries = []struct{ country, sub, lang string }{
	{"CN", "CN-SH", "zh"}, {"DE", "DE-BY", "de"}, {"BR", "BR-SP", "pt"}, {"US", "US-CA", "en"}, {"VN", "", "vi"}, {"FR", "", "fr"},
}

// body returns the JSON of one route request, distinct per (run, n).
func body(run, n int) string {
	c := countries[n%len(countries)]
	return fmt.Sprintf(`{"customer": {"id": "c-%d-%d", "kind": "enterprise", "country": %q, "subdivision": %q, "languages": [%q]}, "lead": {"id": "L-%d-%d"}, "now": "2026-11-23T08:00:00Z"}`,
		run, n, c.country, c.sub, c.lang, run, n)
}

// load runs one phase: clients goroutines sending requests of size leads
// (1: POST /v1/route; more: POST /v1/route/batch) until the phase's length
// has passed or maxReq requests were sent.
func load(s *service, ph phase) result {
	clients, size, maxReq, run := ph.clients, ph.size, ph.maxReq, ph.run
	ctx, cancel := context.WithTimeout(context.Background(), ph.length)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var res result
	cpu0, t0 := s.cpu(), time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			var lat []time.Duration
			var ok, failed int
			for ctx.Err() == nil {
				n := int(next.Add(1))
				if n > maxReq {
					break
				}
				start := time.Now()
				if send(ctx, s, size, run, n) {
					ok++
					lat = append(lat, time.Since(start))
				} else if ctx.Err() == nil {
					failed++
				}
			}
			mu.Lock()
			res.requests += ok
			res.failures += failed
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed, res.cpu = time.Since(t0), s.cpu()-cpu0
	res.decisions = res.requests * size
	return res
}

// send sends one request and reports whether it was answered 200.
func send(ctx context.Context, s *service, size, run, n int) bool {
	path, payload := "/v1/route", body(run, n)
	if size > 1 {
		var b strings.Builder
		b.WriteString(`{"quiet": true, "requests": [`)
		for i := range size {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(body(run, n*size+i))
		}
		b.WriteString("]}")
		path, payload = "/v1/route/batch", b.String()
	}
	req, err := http.NewRequestWithContext(ctx, "POST", s.url+path, strings.NewReader(payload))
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func ints(list string) []int {
	var out []int
	for f := range strings.SplitSeq(list, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
