package main

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// debugHandler serves the runtime profiles of net/http/pprof under
// /debug/pprof/. It is never part of the API's handler: -pprof serves it on
// a listener of its own, without authentication, so it must stay on a
// loopback or otherwise private address.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// startDebug serves debugHandler on addr (-pprof) and returns the server to
// close at shutdown. With addr empty, the default, it listens on nothing and
// returns nil.
func startDebug(addr string, log *slog.Logger) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// No write timeout: a CPU profile or trace takes as long as it is asked to.
	srv := &http.Server{Handler: debugHandler(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Warn("the pprof listener stopped", "err", err)
		}
	}()
	log.Warn("pprof listening: runtime profiles without authentication; keep this address private", "addr", ln.Addr().String())
	return srv, nil
}
