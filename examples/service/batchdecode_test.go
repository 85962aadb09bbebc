package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBatchOfEmptyRequestsIsBounded: a body of many tiny requests ("{}",
// three bytes each, 776 bytes decoded) is refused once it holds more than
// -max-batch of them, without decoding the rest: the whole body used to be
// decoded first, 4 GB for a 16 MB body.
func TestBatchOfEmptyRequestsIsBounded(t *testing.T) {
	h := newTestAPI(t, testConfig()).handler() // -max-batch 1000
	body := `{"requests": [` + strings.TrimSuffix(strings.Repeat("{},", 300_000), ",") + `]}`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	req := httptest.NewRequestWithContext(t.Context(), "POST", "/v1/route/batch", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+routeToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)
	require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "at most 1000")
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(8*len(body)), "a %d-byte body of empty requests allocated %d bytes", len(body), allocated)
}

// decodeWhole is how batches were read before decodeBatch: the whole body
// at once, strictly.
func decodeWhole(body string) (batchIn, error) {
	var in batchIn
	return in, decodeStrict([]byte(body), &in)
}

// sameAsWhole fails t unless decodeBatch, into reused memory, reads body
// as decodeWhole does: the same batch, or an error for both.
func sameAsWhole(t *testing.T, body string, reused *batchScratch) {
	t.Helper()
	want, werr := decodeWhole(body)
	gerr := decodeBatch(strings.NewReader(body), &reused.in, 1000)
	defer reused.release()
	if werr != nil || gerr != nil {
		assert.Equal(t, werr != nil, gerr != nil, "body %q: whole %v, streamed %v", body, werr, gerr)
		return
	}
	if len(want.Requests) == 0 { // null and [] both answer no results
		assert.Empty(t, reused.in.Requests, "body %q", body)
		assert.Equal(t, want.Quiet, reused.in.Quiet, "body %q", body)
		return
	}
	assert.Equal(t, want, reused.in, "body %q", body)
}

var batchBodies = []string{
	`{"requests": []}`, `{"requests": null}`, `{}`, `{"quiet": true}`, `{"quiet": null, "requests": [null]}`,
	`{"requests": [{"customer": {"id": "c-1", "country": "CN", "languages": ["zh"]}, "lead": {"id": "L-1"}, "now": "2026-11-23T08:00:00Z"}], "quiet": true}`,
	`{"quiet": true, "requests": [{"item": "i", "customer": {"id": "c"}, "quiet": true}, {"lead": {"id": "L", "attrs": {"a": [1, "x"]}}}]}`,
	`{"REQUESTS": [{"Customer": {"ID": "c"}}], "Quiet": false}`, `{"requeſts": []}`,
	`{"requests": [{"customer": {"id": 5}}]}`, `{"requests": [{"customr": {}}]}`, `{"requests": {}}`, `{"requests": 5}`,
	`{"requests": [], "other": 1}`, `{"requests": []} {}`, `{"requests": []} x`, `[]`, `null`, ``, `{"requests": [`,
	`{"requests": [{}]`, `{"quiet": "yes"}`, `{"requests": [{}, ]}`, `{"requests": [{"customer": {"id": "a"}}], "requests": [{}]}`,
}

// TestDecodeBatchMatchesWhole: decodeBatch reads every body as the whole-
// body decoder did, into memory reused from the batch before.
func TestDecodeBatchMatchesWhole(t *testing.T) {
	reused := batchScratches.Get().(*batchScratch)
	for _, body := range batchBodies {
		sameAsWhole(t, body, reused)
	}
}

// FuzzDecodeBatchMatchesWhole is the differential test over any body.
func FuzzDecodeBatchMatchesWhole(f *testing.F) {
	for _, body := range batchBodies {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		sameAsWhole(t, body, new(batchScratch))
	})
}

// TestDecodeBatchLimit: limit requests decode, one more is errTooMany.
func TestDecodeBatchLimit(t *testing.T) {
	var in batchIn
	require.NoError(t, decodeBatch(strings.NewReader(`{"requests": [{}, {}, {}]}`), &in, 3))
	assert.Len(t, in.Requests, 3)
	require.ErrorIs(t, decodeBatch(strings.NewReader(`{"requests": [{}, {}, {}, {}]}`), &in, 3), errTooMany)
}

// TestDecodeBatchReuseLeaksNothing: memory reused from an earlier batch
// carries none of its requests into the next, whatever the earlier body
// did (a second "requests" key shorter than the first, an error midway).
func TestDecodeBatchReuseLeaksNothing(t *testing.T) {
	for _, earlier := range []string{
		`{"requests": [{"customer": {"id": "secret-1"}}, {"customer": {"id": "secret-2"}}], "requests": [{}]}`,
		`{"requests": [{"customer": {"id": "secret-1"}}, {"customer": {"id": "secret-2"}}], "requests": [{}, 5]}`,
		`{"requests": [{"customer": {"id": "secret-1"}}, {"customer": {"id": "secret-2"}}], "requests": null}`,
		`{"requests": [{"customer": {"id": "secret-1"}}, {"customer": {"id": "secret-2"}, "x": 1}]}`,
	} {
		b := new(batchScratch)
		_ = decodeBatch(strings.NewReader(earlier), &b.in, 1000)
		b.release()
		require.NoError(t, decodeBatch(strings.NewReader(`{"requests": [{}, {}, {}]}`), &b.in, 1000))
		for i, req := range b.in.Requests {
			assert.Empty(t, req.Customer.ID, "after %s, request %d", earlier, i)
		}
		assert.NotContains(t, fmt.Sprintf("%#v", b.in.Requests[:cap(b.in.Requests)]), "secret", earlier)
	}
}
