package main

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The kinds of configuration the service keeps.
const (
	kindRouting = "routing"
	kindTiering = "tiering"
	kindRates   = "rates"
)

var kinds = []string{kindRouting, kindTiering, kindRates}

// doc is one version of a configuration, as stored: its canonical JSON.
type doc struct {
	Kind    string
	Version int64 // 1, 2, …; 0: none
	Body    []byte
	At      time.Time
}

// errVersionConflict: a PUT's If-Match named a version that is no longer
// the latest.
var errVersionConflict = errors.New("the configuration changed since the version named in If-Match")

// configStore keeps versioned configurations. Put stores a new version
// atomically (versions of a kind increase by one, with no gaps, whichever
// instance writes) and Changes tells this instance about versions other
// instances stored. Implementations are safe for concurrent use.
type configStore interface {
	// Latest returns the newest version of kind, or ok false if there is
	// none.
	Latest(ctx context.Context, kind string) (d doc, ok bool, err error)
	// Put stores body as the next version of kind. With expect ≥ 0 it
	// fails with errVersionConflict unless the latest version is expect (0:
	// there is none yet).
	Put(ctx context.Context, kind string, body []byte, expect int64) (doc, error)
	// Seed stores body as version 1 of kind if there is no version yet,
	// and reports whether it did.
	Seed(ctx context.Context, kind string, body []byte) (bool, error)
	// Listen calls changed with the kind of every version stored by any
	// instance, until ctx is done; it may also call it when nothing
	// changed. poll is how often it checks when it cannot be told.
	Listen(ctx context.Context, poll time.Duration, changed func(kind string))
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	Close()
}

// memoryState is a configStore for one process.
type memoryState struct {
	mu   sync.Mutex
	docs map[string]doc
}

func newMemoryState() *memoryState { return &memoryState{docs: map[string]doc{}} }

func (m *memoryState) Latest(_ context.Context, kind string) (doc, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[kind]
	return d, ok, nil
}

func (m *memoryState) Put(_ context.Context, kind string, body []byte, expect int64) (doc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.docs[kind]
	if expect >= 0 && cur.Version != expect {
		return doc{}, errVersionConflict
	}
	d := doc{Kind: kind, Version: cur.Version + 1, Body: body, At: time.Now().UTC()}
	m.docs[kind] = d
	return d, nil
}

func (m *memoryState) Seed(ctx context.Context, kind string, body []byte) (bool, error) {
	_, err := m.Put(ctx, kind, body, 0)
	if errors.Is(err, errVersionConflict) {
		return false, nil
	}
	return err == nil, err
}

func (m *memoryState) Listen(ctx context.Context, _ time.Duration, _ func(string)) { <-ctx.Done() }

func (m *memoryState) Ping(context.Context) error { return nil }

func (m *memoryState) Close() {}
