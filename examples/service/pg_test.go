package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDatabase creates an empty database for one test on the server
// STRATA_PG_DSN names and returns its DSN. Without STRATA_PG_DSN the test
// is skipped, except in CI (STRATA_CI set), where it fails: run the tests
// under .ci/with-postgres.
func testDatabase(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("STRATA_PG_DSN")
	if dsn == "" {
		if os.Getenv("STRATA_CI") != "" {
			t.Fatal("STRATA_PG_DSN is not set: CI runs these tests under .ci/with-postgres")
		}
		t.Skip("STRATA_PG_DSN is not set (bash ../../.ci/with-postgres go test ./...)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	name := fmt.Sprintf("strata_service_%d", time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		u.Path = "/" + name
		return u.String()
	}
	return dsn + " dbname=" + name // a later keyword wins
}

// httpDo sends a request with the admin token to a process.
func httpDo(t *testing.T, p *proc, method, path, body string, out any) int {
	t.Helper()
	ts := &httpTarget{url: "http://" + p.addr}
	status, err := ts.send(adminToken, method, path, body, out)
	require.NoError(t, err)
	return status
}

// TestPostgresRestartKeepsConfigsAndAssignments: after a restart without
// any file, the service serves the configuration versions stored before
// (a PUT included) and the assignments made before.
func TestPostgresRestartKeepsConfigsAndAssignments(t *testing.T) {
	dsn := testDatabase(t)
	env := []string{"STRATA_TOKENS=" + tokensText}
	a := start(t, env, append([]string{"-store", "postgres", "-dsn", dsn}, sampleArgs...)...)
	lead := `{"customer": {"id": "de-1", "country": "DE", "subdivision": "DE-BY", "languages": ["de"]}, "lead": {"id": "L-pg"}, "now": "2026-11-23T08:00:00Z"}`
	var d decision
	require.Equal(t, http.StatusOK, httpDo(t, a, "POST", "/v1/route", lead, &d))
	require.Equal(t, "assigned", d.Outcome, d.Why)
	var v configOut
	require.Equal(t, http.StatusOK, httpDo(t, a, "PUT", "/v1/config/rates", `{"base": "USD", "per_base": {"CNY": "7.3", "EUR": "0.95"}}`, &v))
	require.Equal(t, int64(2), v.Version)
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, a.wait(t))

	b := start(t, env, "-store", "postgres", "-dsn", dsn) // no files: everything from the database
	var again decision
	require.Equal(t, http.StatusOK, httpDo(t, b, "POST", "/v1/route", lead, &again))
	assert.True(t, again.Replayed, "the assignment survived the restart")
	assert.Equal(t, d.Agent, again.Agent)
	var rates struct {
		PerBase map[string]string `json:"per_base"`
	}
	require.Equal(t, http.StatusOK, httpDo(t, b, "GET", "/v1/config/rates", "", &rates))
	assert.Equal(t, "7.3", rates.PerBase["CNY"], "the PUT version, not the file")
	var ready struct{ Versions map[string]int64 }
	require.Equal(t, http.StatusOK, httpDo(t, b, "GET", "/readyz", "", &ready))
	assert.Equal(t, map[string]int64{"routing": 1, "tiering": 1, "rates": 2}, ready.Versions)
}

// TestPostgresTwoInstances: two instances on one database never push an
// agent past capacity, whichever instance each lead reaches, and a
// configuration PUT to one reaches the other by notification (the poll is
// set to an hour, so only LISTEN/NOTIFY can bring it).
func TestPostgresTwoInstances(t *testing.T) {
	dsn := testDatabase(t)
	team := filepath.Join(t.TempDir(), "team.yaml")
	require.NoError(t, os.WriteFile(team, []byte(`home: CN
agents:
  - {id: a1, capacity: 4, seniority: 1, country: CN}
  - {id: a2, capacity: 3, seniority: 1, country: CN}
  - {id: a3, capacity: 5, seniority: 1, country: CN}
pools:
  - {name: all, members: [a1, a2, a3], strategy: least_loaded}
default_pool: all
`), 0o644))
	env := []string{"STRATA_TOKENS=" + tokensText}
	args := []string{"-store", "postgres", "-dsn", dsn, "-config-poll", "1h"}
	a := start(t, env, append(args, "-routing", team)...)
	b := start(t, env, args...)
	held := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			p := []*proc{a, b}[i%2]
			var d decision
			body := fmt.Sprintf(`{"customer": {"id": "c-%d", "country": "CN"}, "lead": {"id": "L-%d"}}`, i, i)
			status, err := (&httpTarget{url: "http://" + p.addr}).send(routeToken, "POST", "/v1/route", body, &d)
			if err != nil || status != http.StatusOK {
				t.Errorf("route %d: %d %v", i, status, err)
				return
			}
			if d.Outcome == "assigned" {
				mu.Lock()
				held[d.Agent]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, map[string]int{"a1": 4, "a2": 3, "a3": 5}, held, "every agent full, none over")

	var v configOut
	require.Equal(t, http.StatusOK, httpDo(t, a, "PUT", "/v1/config/routing",
		"home: CN\nagents:\n  - {id: solo, capacity: 9, seniority: 1, country: CN}\npools:\n  - {name: p, members: [solo], strategy: least_loaded}\ndefault_pool: p\n", &v))
	deadline := time.Now().Add(10 * time.Second)
	for {
		var d decision
		require.Equal(t, http.StatusOK, httpDo(t, b, "POST", "/v1/route", `{"customer": {"id": "n", "country": "CN"}, "lead": {"id": "L-new-`+time.Now().Format("150405.000000")+`"}}`, &d))
		if d.Agent == "solo" {
			break
		}
		require.True(t, time.Now().Before(deadline), "instance b never loaded version %d", v.Version)
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReadmeTwoInstances runs the README's two-instance commands as they
// are written, with three substitutions: the built binary for "go run .",
// free ports for 8081 and 8082, and the test's database for the example
// STRATA_PG_DSN.
func TestReadmeTwoInstances(t *testing.T) {
	dsn := testDatabase(t)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(readme), "<!-- two-instances")
	require.True(t, ok, "the README marks the block")
	_, block, _ = strings.Cut(block, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	var lines []string
	for _, line := range strings.Split(block, "\n") {
		if strings.HasPrefix(line, "export STRATA_PG_DSN=") {
			continue // the test's database instead
		}
		lines = append(lines, line)
	}
	script := strings.Join(lines, "\n")
	script = strings.ReplaceAll(script, "go run .", serviceBinary(t))
	for _, port := range []string{"8081", "8082"} {
		script = strings.ReplaceAll(script, "127.0.0.1:"+port, "127.0.0.1:"+freePort(t))
	}
	dir := t.TempDir()
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Symlink(filepath.Join(wd, "testdata"), filepath.Join(dir, "testdata")))
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -e\n"+script+"\nkill $(jobs -p)\nwait\n")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "STRATA_PG_DSN="+dsn)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second // a service left running must not hold the test open
	require.NoError(t, cmd.Run(), "%s\n%s", stdout.String(), stderr.String())
	out := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, out, 3, stdout.String())
	var first, second decision
	require.NoError(t, json.Unmarshal([]byte(out[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(out[1]), &second))
	assert.Equal(t, "assigned", first.Outcome)
	assert.True(t, second.Replayed, "the other instance answers the same assignment")
	assert.Equal(t, first.Agent, second.Agent)
	assert.JSONEq(t, `{"kind": "rates", "version": 2}`, out[2])
	assert.NotContains(t, stderr.String(), "level\":\"ERROR")
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	require.NoError(t, err)
	return port
}
