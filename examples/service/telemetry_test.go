package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTraceparentReachesLogsWithoutExporter: with no span exporter the
// endpoint opens no span, and a caller's W3C trace context still names the
// trace in the request's log line.
func TestTraceparentReachesLogsWithoutExporter(t *testing.T) {
	var logs strings.Builder
	s := newTestAPI(t, testConfig())
	require.False(t, s.tel.tracing)
	log, err := newLogger(&logs, slog.LevelInfo)
	require.NoError(t, err)
	s.log, s.accessLog = log, true
	req := httptest.NewRequestWithContext(t.Context(), "GET", "/v1/config/routing", nil)
	req.Header.Set("Authorization", "Bearer "+routeToken)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	s.handler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, logs.String(), `"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"`)
	assert.Contains(t, logs.String(), `"span_id":"00f067aa0ba902b7"`)
}
