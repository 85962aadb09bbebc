// Command service serves Strata's routing and tiering engines over HTTP and
// JSON, for CRMs not written in Go: run it beside the CRM (one instance or
// several on one PostgreSQL) and call it instead of linking the library.
//
//	go run . -routing testdata/team.yaml -tiering testdata/tiers.yaml -rates testdata/rates.yaml \
//	    -tokens tokens.txt                                    # memory store, for trying it
//	go run . -store postgres -dsn "$DSN" -tokens tokens.txt   # state and configurations in PostgreSQL
//
// It starts from the user's files alone: -routing (required unless the
// database holds a routing configuration), -tiering and -rates (optional),
// each JSON or YAML in the library's formats (routing/config.schema.json,
// tiering/config.schema.json). With PostgreSQL the files seed an empty
// database; once it holds a configuration, the database wins, every
// instance loads its latest version on start, and a PUT reaches every
// instance (LISTEN/NOTIFY, with a poll as a safety net).
//
// Endpoints (JSON in and out, snake_case as in the library's types; the
// OpenAPI 3.1 document is served at /openapi.json):
//
//	POST /v1/route              a routing.Request       → a routing.Decision, with "why"
//	POST /v1/route/batch        {"requests": [...]}     → {"results": [...]}, one per request, in order
//	POST /v1/release            {"item"}                → the ended routing.Assignment
//	POST /v1/reassign           {"item", "to", "reason", "now"} → a routing.Decision
//	POST /v1/classify           a strata.Customer       → a tiering.Placement, with "why"
//	GET  /v1/config/{kind}      the current configuration (routing, tiering, rates) and its version
//	PUT  /v1/config/{kind}      replaces it (admin scope; If-Match: "<version>" to guard)
//	GET  /healthz               the process is up
//	GET  /readyz                configuration loaded, store reachable, not shutting down
//	GET  /metrics               Prometheus text format (any token)
//	GET  /openapi.json          the API description (no token)
//
// Every /v1 and /metrics request needs "Authorization: Bearer <token>"; a
// token has the route scope (everything but PUT) or the admin scope
// (everything). Tokens come from -tokens FILE or the STRATA_TOKENS
// environment variable, one "name scope token" a line; -insecure turns
// authentication off, and says so in the log.
//
// Errors come back as {"error", "problems", "more"}: 400 malformed JSON,
// 401 no or unknown token, 403 wrong scope, 404 unknown item or agent, 409
// target agent full, 412 stale If-Match, 413 body too large, 422 invalid
// record or configuration (at most 50 problems listed, "more" counts the
// rest), 503 store failure, request timeout, too many requests or shutting
// down. SIGTERM or SIGINT stops accepting connections, lets requests in
// flight finish (-shutdown-timeout), then closes the store.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	go func() {
		<-ctx.Done()
		stop() // a second signal stops the process at once
	}()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}
