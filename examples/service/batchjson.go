package main

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/strata-go/strata/routing"
)

// The batch response is written by hand, appending to one buffer: through
// encoding/json it cost 18% of a batch's CPU (reflection, a boxed time.Time
// per omitzero check, a MarshalJSON allocation per time stamp). The output
// is byte for byte what json.Encoder (HTML escaping on) writes for a
// batchOut, newline included: TestBatchJSONMatchesEncoding and
// FuzzBatchJSONMatchesEncoding compare the two, and TestBatchJSONFields
// fails when a type the encoder writes gains a field it does not know.

// appendBatch appends the JSON of out and a newline to dst. It fails only
// where encoding/json fails (a time stamp that RFC 3339 cannot represent);
// the caller then lets encoding/json answer.
func appendBatch(dst []byte, out *batchOut) ([]byte, error) {
	if out.Results == nil {
		return append(dst, `{"results":null}`+"\n"...), nil
	}
	dst = append(dst, `{"results":[`...)
	var err error
	for i := range out.Results {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = appendResult(dst, &out.Results[i]); err != nil {
			return dst, err
		}
	}
	return append(dst, "]}\n"...), nil
}

func appendResult(dst []byte, r *batchResult) ([]byte, error) {
	dst = append(dst, `{"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	var err error
	if r.Decision != nil {
		dst = append(dst, `,"decision":`...)
		if dst, err = appendDecision(dst, r.Decision); err != nil {
			return dst, err
		}
	}
	if r.Error != nil {
		dst = append(dst, `,"error":`...)
		dst = appendError(dst, r.Error)
	}
	return append(dst, '}'), nil
}

// appendDecision appends a decisionOut: routing.Decision's fields in their
// order, then why.
func appendDecision(dst []byte, d *decisionOut) ([]byte, error) {
	dst = append(dst, `{"outcome":`...)
	dst = appendString(dst, string(d.Outcome))
	dst = append(dst, `,"item":`...)
	dst = appendString(dst, d.Item)
	dst = appendNonEmpty(dst, `,"agent":`, d.Agent)
	dst = appendNonEmpty(dst, `,"pool":`, d.Pool)
	dst = appendNonEmpty(dst, `,"rule":`, d.Rule)
	dst = append(dst, `,"step":`...)
	dst = strconv.AppendInt(dst, int64(d.Step), 10)
	if d.Sticky {
		dst = append(dst, `,"sticky":true`...)
	}
	if d.Replayed {
		dst = append(dst, `,"replayed":true`...)
	}
	var err error
	if !d.RetryAt.IsZero() {
		dst = append(dst, `,"retry_at":`...)
		if dst, err = appendTime(dst, d.RetryAt); err != nil {
			return dst, err
		}
	}
	dst = append(dst, `,"reason":`...)
	dst = appendString(dst, d.Reason)
	if len(d.Pools) > 0 {
		dst = appendPools(dst, d.Pools)
	}
	if len(d.Trace) > 0 {
		dst = appendTrace(dst, d.Trace)
	}
	dst = appendNonZero(dst, `,"unexamined":`, d.Unexamined)
	dst = append(dst, `,"at":`...)
	if dst, err = appendTime(dst, d.At); err != nil {
		return dst, err
	}
	dst = appendNonZero(dst, `,"queue":`, d.Queue)
	dst = appendNonEmpty(dst, `,"why":`, d.Why)
	return append(dst, '}'), nil
}

func appendPools(dst []byte, pools []routing.PoolResult) []byte {
	dst = append(dst, `,"pools":[`...)
	for i := range pools {
		p := &pools[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"pool":`...)
		dst = appendString(dst, p.Pool)
		dst = append(dst, `,"step":`...)
		dst = strconv.AppendInt(dst, int64(p.Step), 10)
		dst = append(dst, `,"reason":`...)
		dst = appendString(dst, p.Reason)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendTrace(dst []byte, trace []routing.Consideration) []byte {
	dst = append(dst, `,"trace":[`...)
	for i := range trace {
		c := &trace[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"agent":`...)
		dst = appendString(dst, c.Agent)
		dst = append(dst, `,"pool":`...)
		dst = appendString(dst, c.Pool)
		dst = append(dst, `,"step":`...)
		dst = strconv.AppendInt(dst, int64(c.Step), 10)
		dst = append(dst, `,"reason":`...)
		dst = appendString(dst, string(c.Reason))
		dst = appendNonEmpty(dst, `,"detail":`, c.Detail)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendError appends an errorOut.
func appendError(dst []byte, e *errorOut) []byte {
	dst = append(dst, `{"error":`...)
	dst = appendString(dst, e.Error)
	if len(e.Problems) > 0 {
		dst = append(dst, `,"problems":[`...)
		for i, p := range e.Problems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, p)
		}
		dst = append(dst, ']')
	}
	dst = appendNonZero(dst, `,"more":`, e.More)
	return append(dst, '}')
}

// appendNonEmpty appends key and s unless s is empty (omitempty).
func appendNonEmpty(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	return appendString(append(dst, key...), s)
}

// appendNonZero appends key and n unless n is 0 (omitempty).
func appendNonZero(dst []byte, key string, n int) []byte {
	if n == 0 {
		return dst
	}
	return strconv.AppendInt(append(dst, key...), int64(n), 10)
}

// appendTime appends t as time.Time.MarshalJSON does (RFC 3339 with
// nanoseconds, quoted), failing where it fails.
func appendTime(dst []byte, t time.Time) ([]byte, error) {
	dst = append(dst, '"')
	dst, err := t.AppendText(dst)
	return append(dst, '"'), err
}

const hex = "0123456789abcdef"

// appendString appends s quoted as encoding/json does with HTML escaping
// on (json.Encoder's default): '"', '\\' and control characters escaped
// (\b \f \n \r \t by name), '<', '>' and '&' as \u00XX, invalid UTF-8 as
// \ufffd, and U+2028 and U+2029 as \u2028 and \u2029.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
