package strata

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one problem with one field of a record. Path names the field
// as it appears in JSON, with list indexes: "channels[1].value". It never
// quotes the field's value when the field holds personal data.
type FieldError struct {
	Path string
	Msg  string
}

// Error implements error as "path: message".
func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// ConfigError is one problem with a configuration (a tier ladder, a
// scorecard, a routing setup, a calendar, a label catalogue, a policy), at
// Path as it appears in JSON: "ladders[0].tiers[2].follow_up",
// "pools[3].overflow[0].pool". When the problem was found while reading a
// file, Line and Column (1-based) locate it there; they are 0 otherwise.
//
// Every package reports configuration problems with it, all at once through
// errors.Join, so a host shows them the same way whichever package spoke;
// Problems lists them.
type ConfigError struct {
	Path   string
	Line   int
	Column int
	Msg    string
}

// Error implements error as "path: message", preceded by "line:column: "
// when the position is known.
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// RuleError is one problem with one CEL rule: the rule's name ("tier
// value/vip", "rule europe-textiles"), the configuration Path that holds it
// ("ladders[0].tiers[0].when"), the 1-based Line and Column of the problem
// within the rule (Column counts characters and points at the offending
// identifier), the message, and a Snippet: the source line with a caret
// under the column.
type RuleError struct {
	Rule    string
	Path    string
	Line    int // 1-based; 0 when the problem has no position
	Column  int // 1-based, in characters
	Msg     string
	Snippet string
}

// Error formats the problem as `path: rule "vip" 1:12: message`, followed by
// the snippet on two indented lines.
func (e *RuleError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "rule %q", e.Rule)
	if e.Line > 0 {
		fmt.Fprintf(&b, " %d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Snippet != "" {
		b.WriteString("\n")
		b.WriteString(e.Snippet)
	}
	return b.String()
}

// EvalError is a rule that failed while it was evaluated: a money comparison
// with no exchange rate, a deadline reached, a custom field of the wrong
// type. It unwraps to the cause, so errors.Is(err, ErrNoRate) and
// errors.Is(err, context.DeadlineExceeded) work.
type EvalError struct {
	Rule string
	Err  error
}

// Error implements error as `rule "name": cause`.
func (e *EvalError) Error() string { return fmt.Sprintf("rule %q: %v", e.Rule, e.Err) }

// Unwrap returns the cause.
func (e *EvalError) Unwrap() error { return e.Err }

// Problems lists the individual problems inside err: the leaves of every
// error joined with errors.Join (or anything else with an Unwrap() []error
// method), in order. A nil err gives nil; an error that joins nothing gives
// itself. Use it to show every problem a New or Parse function reported,
// where errors.As would stop at the first.
func Problems(err error) []error {
	if err == nil {
		return nil
	}
	var out []error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				if inner != nil {
					walk(inner)
				}
			}
			return
		}
		out = append(out, e)
	}
	walk(err)
	return out
}

// Prefix returns err with every ConfigError, FieldError and RuleError in it
// moved under path: "shift" and "weekdays.mon[0]" become
// "agents[3].shift.weekdays.mon[0]". Other errors become a ConfigError at
// path. Packages use it when a configuration embeds another package's
// configuration, so a problem still names its full path.
func Prefix(path string, err error) error {
	if err == nil || path == "" {
		return err
	}
	join := func(p string) string {
		switch {
		case p == "":
			return path
		case strings.HasPrefix(p, "["):
			return path + p
		}
		return path + "." + p
	}
	var out []error
	for _, e := range Problems(err) {
		var ce *ConfigError
		var fe *FieldError
		var re *RuleError
		switch {
		case errors.As(e, &ce):
			c := *ce
			c.Path = join(c.Path)
			out = append(out, &c)
		case errors.As(e, &fe):
			f := *fe
			f.Path = join(f.Path)
			out = append(out, &f)
		case errors.As(e, &re):
			r := *re
			r.Path = join(r.Path)
			out = append(out, &r)
		default:
			out = append(out, &ConfigError{Path: path, Msg: e.Error()})
		}
	}
	return errors.Join(out...)
}
