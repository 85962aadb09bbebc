package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
)

// scope is what a token may do: route (routing, tiering, reading
// configurations, metrics) or admin (everything, configuration changes
// too).
type scope uint8

const (
	scopeRoute scope = iota + 1
	scopeAdmin
)

func (s scope) String() string {
	if s == scopeAdmin {
		return "admin"
	}
	return "route"
}

// minTokenLen is the shortest token accepted: 16 bytes of entropy as hex is
// 32 characters; anything shorter is a password, not a token.
const minTokenLen = 32

// token is one configured token: its name (logged), scope and SHA-256 (the
// token itself is not kept).
type token struct {
	name  string
	scope scope
	sum   [sha256.Size]byte
}

// authenticator checks bearer tokens. Nil means no authentication
// (-insecure).
type authenticator struct{ tokens []token }

// loadAuth reads the tokens from -tokens or STRATA_TOKENS; with -insecure
// it returns nil and logs a warning.
func loadAuth(c config, log *slog.Logger) (*authenticator, error) {
	if c.insecure {
		if c.tokensFile != "" {
			return nil, errors.New("-insecure and -tokens contradict each other")
		}
		log.Warn("INSECURE: authentication is off; anyone who reaches this port can route leads and replace configurations")
		return nil, nil
	}
	text, from := os.Getenv("STRATA_TOKENS"), "STRATA_TOKENS"
	if c.tokensFile != "" {
		b, err := os.ReadFile(c.tokensFile)
		if err != nil {
			return nil, err
		}
		text, from = string(b), c.tokensFile
	}
	if text == "" {
		return nil, errors.New("no tokens: pass -tokens FILE or set STRATA_TOKENS (or -insecure, to try the service without authentication)")
	}
	a, err := parseTokens(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	return a, nil
}

// parseTokens reads "name scope token" lines; blank lines and lines
// starting with # are skipped, and ";" separates lines too (for an
// environment variable). Errors name the line, never the token.
func parseTokens(text string) (*authenticator, error) {
	a := &authenticator{}
	var errs []error
	names := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(text, ";", "\n")))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			errs = append(errs, fmt.Errorf("line %d: want \"name scope token\", got %d fields", n, len(f)))
			continue
		}
		t := token{name: f[0], sum: sha256.Sum256([]byte(f[2]))}
		switch f[1] {
		case "route":
			t.scope = scopeRoute
		case "admin":
			t.scope = scopeAdmin
		default:
			errs = append(errs, fmt.Errorf("line %d (%s): scope %q: want route or admin", n, f[0], f[1]))
		}
		if len(f[2]) < minTokenLen {
			errs = append(errs, fmt.Errorf("line %d (%s): token shorter than %d characters (make one with: openssl rand -hex 32)", n, f[0], minTokenLen))
		}
		if names[f[0]] {
			errs = append(errs, fmt.Errorf("line %d: name %s used twice", n, f[0]))
		}
		names[f[0]] = true
		a.tokens = append(a.tokens, t)
	}
	if len(a.tokens) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("no tokens"))
	}
	return a, errors.Join(errs...)
}

// check returns the token presented in r's Authorization header, comparing
// its SHA-256 with every configured token's in constant time (every token
// is compared, whichever matches), so neither the timing nor an early exit
// tells how much of a guess was right.
func (a *authenticator) check(r *http.Request) (token, bool) {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return token{}, false
	}
	sum := hashToken(strings.TrimSpace(h[len(prefix):]))
	found := -1
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(sum[:], a.tokens[i].sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return token{}, false
	}
	return a.tokens[found], true
}

// hashToken is the SHA-256 of tok; a token of usual length is copied to a
// buffer on the stack, not the heap.
func hashToken(tok string) [sha256.Size]byte {
	var buf [128]byte
	if len(tok) <= len(buf) {
		return sha256.Sum256(append(buf[:0], tok...))
	}
	return sha256.Sum256([]byte(tok))
}
