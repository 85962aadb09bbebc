package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPprofOffUnlessAsked: without -pprof no profile is served anywhere (the
// API's handler answers 404 under /debug/pprof/, even with a token, and no
// second listener is opened); with -pprof ADDR the profiles are served on
// that address alone.
func TestPprofOffUnlessAsked(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, c.pprofAddr, "off by default")
	srv, err := startDebug(c.pprofAddr, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	assert.Nil(t, srv, "no listener without -pprof")

	api := newTestAPI(t, testConfig()).handler()
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap"} {
		req := httptest.NewRequestWithContext(t.Context(), "GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusNotFound, rec.Code, path)
	}

	tokens := []string{"STRATA_TOKENS=" + tokensText}
	off := start(t, tokens, sampleArgs...)
	assert.NotContains(t, off.logText(), "pprof")
	require.NoError(t, off.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, off.wait(t))

	on := start(t, tokens, append([]string{"-pprof", "127.0.0.1:0"}, sampleArgs...)...)
	var addr string
	for line := range strings.Lines(on.logText()) {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && strings.HasPrefix(rec.Msg, "pprof listening") {
			addr = rec.Addr
		}
	}
	require.NotEmpty(t, addr, on.logText())
	assert.NotEqual(t, on.addr, addr, "a listener of its own")
	resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "-pprof")
	resp, err = http.Get("http://" + on.addr + "/debug/pprof/cmdline")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not on the API's address")
	require.NoError(t, on.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, on.wait(t))
}
