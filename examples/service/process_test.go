package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binary is the service built once for the tests that run it as a process.
var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

func serviceBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "strata-service-bin")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "service")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, binaryErr)
	return binaryPath
}

// proc is a running service process.
type proc struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan error
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// start runs the service with args (and -addr 127.0.0.1:0 unless args set
// it) and waits until it logs its address.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	if !strings.Contains(strings.Join(args, " "), "-addr") {
		args = append([]string{"-addr", "127.0.0.1:0"}, args...)
	}
	p := &proc{cmd: exec.Command(serviceBinary(t), args...), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	stderr, err := p.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.addr = <-addr:
	case err := <-p.done:
		t.Fatalf("the service exited: %v\n%s", err, p.logText())
	case <-time.After(30 * time.Second):
		t.Fatalf("the service did not start:\n%s", p.logText())
	}
	return p
}

// wait waits for the process to exit and returns its error.
func (p *proc) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("the service did not stop:\n%s", p.logText())
	}
	return nil
}

var sampleArgs = []string{"-routing", "testdata/team.yaml", "-tiering", "testdata/tiers.yaml", "-rates", "testdata/rates.yaml"}

// TestSignalCompletesRequestInFlight: a request in flight when SIGTERM (or
// SIGINT) arrives is answered in full; the process then stops accepting,
// closes its store and exits 0. Before, the client got EOF at the signal.
func TestSignalCompletesRequestInFlight(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			p := start(t, []string{"STRATA_TOKENS=" + tokensText}, sampleArgs...)
			conn, err := net.Dial("tcp", p.addr)
			require.NoError(t, err)
			defer conn.Close()
			body := `{"customer": {"id": "de-1", "country": "DE", "languages": ["de"]}, "lead": {"id": "L-sig"}, "now": "2026-11-23T08:00:00Z"}`
			half := len(body) / 2
			fmt.Fprintf(conn, "POST /v1/route HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
				routeToken, len(body), body[:half])
			time.Sleep(300 * time.Millisecond) // the server is reading the body: the request is in flight
			require.NoError(t, p.cmd.Process.Signal(sig))
			time.Sleep(300 * time.Millisecond)
			_, err = net.DialTimeout("tcp", p.addr, time.Second)
			assert.Error(t, err, "no new connections after the signal")
			_, err = io.WriteString(conn, body[half:])
			require.NoError(t, err)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err, p.logText())
			defer resp.Body.Close()
			var d decision
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&d))
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "assigned", d.Outcome)
			require.NoError(t, p.wait(t), "exit status 0")
			assert.Contains(t, p.logText(), `"msg":"stopped"`)
		})
	}
}

// TestSlowAndIdleClientsCutOff: a client trickling its body, and an idle
// keep-alive connection, are closed after their timeouts (before, 200
// connections trickling a byte every 5 s stayed open forever).
func TestSlowAndIdleClientsCutOff(t *testing.T) {
	p := start(t, []string{"STRATA_TOKENS=" + tokensText}, append([]string{"-read-timeout", "1s", "-idle-timeout", "1s",
		"-read-header-timeout", "500ms"}, sampleArgs...)...)
	t.Run("slow body", func(t *testing.T) {
		conn, err := net.Dial("tcp", p.addr)
		require.NoError(t, err)
		defer conn.Close()
		fmt.Fprintf(conn, "POST /v1/release HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{", routeToken)
		start := time.Now()
		closed := trickle(conn, 200*time.Millisecond, 30)
		assert.True(t, closed, "the connection was cut off")
		assert.Less(t, time.Since(start), 4*time.Second)
	})
	t.Run("slow headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", p.addr)
		require.NoError(t, err)
		defer conn.Close()
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\n")
		start := time.Now()
		closed := trickle(conn, 100*time.Millisecond, 30)
		assert.True(t, closed)
		assert.Less(t, time.Since(start), 3*time.Second)
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn, err := net.Dial("tcp", p.addr)
		require.NoError(t, err)
		defer conn.Close()
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		r := bufio.NewReader(conn)
		resp, err := http.ReadResponse(r, nil)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		start := time.Now()
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err = r.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "the server closed the idle connection")
		assert.Less(t, time.Since(start), 3*time.Second)
	})
}

// trickle writes a space every gap, at most n times, and reports whether
// the server closed the connection meanwhile.
func trickle(conn net.Conn, gap time.Duration, n int) bool {
	for range n {
		time.Sleep(gap)
		if _, err := io.WriteString(conn, " "); err != nil {
			return true
		}
		_ = conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [512]byte
		if _, err := conn.Read(b[:]); err == io.EOF {
			return true
		}
	}
	return false
}

// TestInsecureMustBeExplicit: without tokens the service refuses to start;
// with -insecure it starts and warns.
func TestInsecureMustBeExplicit(t *testing.T) {
	cmd := exec.Command(serviceBinary(t), append([]string{"-addr", "127.0.0.1:0"}, sampleArgs...)...)
	cmd.Env = append(os.Environ(), "STRATA_TOKENS=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "no tokens")

	p := start(t, nil, append([]string{"-insecure"}, sampleArgs...)...)
	assert.Contains(t, p.logText(), `"level":"WARN","msg":"INSECURE`)
	resp, err := http.Post("http://"+p.addr+"/v1/release", "application/json", strings.NewReader(`{"item": "x"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "served without a token")
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p.wait(t))
	assert.NotContains(t, p.logText(), routeToken)
}
