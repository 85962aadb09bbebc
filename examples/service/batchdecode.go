package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/strata-go/strata/routing"
)

// errTooMany is decodeBatch's answer to a batch of more than its limit.
var errTooMany = errors.New("too many requests in one batch")

// decodeBatch reads a batchIn from r as decode would (unknown fields
// refused, field names matched as encoding/json matches them, nothing
// after the object), one request at a time: it stops at the (limit+1)-th
// request with errTooMany instead of decoding a body of any size first,
// its buffer holds one request rather than the whole body, and in.Requests
// keeps the capacity it came with. A request's error names its index.
func decodeBatch(r io.Reader, in *batchIn, limit int) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // null: no requests, as encoding/json reads it
		return endOfBody(dec)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("a batch must be an object")
	}
	for dec.More() {
		tok, err = dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "requests"):
			err = decodeRequests(dec, in, limit)
		case strings.EqualFold(key, "quiet"):
			err = dec.Decode(&in.Quiet)
			if err != nil {
				err = fmt.Errorf("quiet: %w", err)
			}
		default:
			err = fmt.Errorf("json: unknown field %q", key)
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	return endOfBody(dec)
}

// endOfBody checks that nothing follows the batch.
func endOfBody(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value in the body")
	}
	return nil
}

// decodeRequests reads the requests array (or null) into in.Requests.
func decodeRequests(dec *json.Decoder, in *batchIn, limit int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // null, as encoding/json reads it
		in.Requests = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return errors.New("requests: want an array of route requests")
	}
	// A second "requests" key decodes over the first one's requests, as
	// encoding/json does (the pool hands in.Requests over cleared); what
	// it does not reach is cleared, so that release finds nothing beyond
	// len(in.Requests) to clear.
	dirty := len(in.Requests)
	defer func() {
		if n := len(in.Requests); n < dirty {
			clear(in.Requests[n:dirty])
		}
	}()
	reqs := in.Requests[:0]
	for dec.More() {
		if len(reqs) == limit {
			return errTooMany
		}
		if len(reqs) < cap(reqs) {
			reqs = reqs[:len(reqs)+1] // zero, or what the first "requests" key put there
		} else {
			reqs = append(reqs, routing.Request{})
		}
		in.Requests = reqs // so that release clears what was written
		if err := dec.Decode(&reqs[len(reqs)-1]); err != nil {
			return fmt.Errorf("requests[%d]: %w", len(reqs)-1, err)
		}
	}
	if reqs == nil {
		reqs = []routing.Request{} // [], not null
	}
	in.Requests = reqs
	_, err = dec.Token() // ']'
	return err
}

// maxPooledBatch is the most requests whose working memory a batch gives
// back for reuse; a larger one is left to the collector.
const maxPooledBatch = 4096

// batchScratch is a batch's working memory, reused from one batch to the
// next: requests, results and decisions of a 500-request batch are about
// 650 kB, which growing slices allocated more than once per batch.
type batchScratch struct {
	in        batchIn
	results   []batchResult
	decisions []decisionOut
}

var batchScratches = sync.Pool{New: func() any { return new(batchScratch) }}

// sized returns b's results and decisions for n requests, zero (never
// nil: no results encode as [], not null).
func (b *batchScratch) sized(n int) ([]batchResult, []decisionOut) {
	if cap(b.results) < n || b.results == nil {
		b.results, b.decisions = make([]batchResult, n), make([]decisionOut, n)
	}
	b.results, b.decisions = b.results[:n], b.decisions[:n]
	return b.results, b.decisions
}

// release clears what b holds (so that the pool keeps no request's data
// alive) and gives it back.
func (b *batchScratch) release() {
	if cap(b.in.Requests) > maxPooledBatch || cap(b.results) > maxPooledBatch {
		return
	}
	clear(b.in.Requests)
	clear(b.results)
	clear(b.decisions)
	b.in = batchIn{Requests: b.in.Requests[:0]}
	b.results, b.decisions = b.results[:0], b.decisions[:0]
	batchScratches.Put(b)
}
