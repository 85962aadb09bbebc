// Command schema writes the JSON Schema (2020-12) of every configuration
// type beside its package, from the Go types and their doc comments:
//
//	go generate github.com/strata-go/strata
//
// With -check it writes nothing and fails if a committed schema is stale.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/compliance/law"
	"github.com/strata-go/strata/internal/schema"
	"github.com/strata-go/strata/locale"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/match"
	"github.com/strata-go/strata/routing/review"
	"github.com/strata-go/strata/routing/sim"
	"github.com/strata-go/strata/scoring"
	"github.com/strata-go/strata/tiering"
	"github.com/strata-go/strata/tiering/automation"
	"github.com/strata-go/strata/timezone"
)

// A target is one configuration type and the file its schema goes to,
// relative to the module root.
type target struct {
	typ   reflect.Type
	file  string
	title string
}

var targets = []target{
	{reflect.TypeFor[tiering.Config](), "tiering/config.schema.json", "Strata tiering configuration"},
	{reflect.TypeFor[scoring.Config](), "scoring/config.schema.json", "Strata scorecard"},
	{reflect.TypeFor[routing.Config](), "routing/config.schema.json", "Strata routing configuration"},
	{reflect.TypeFor[sim.Config](), "routing/sim/config.schema.json", "Strata routing simulation"},
	{reflect.TypeFor[timezone.CalendarConfig](), "timezone/calendar.schema.json", "Strata working calendar"},
	{reflect.TypeFor[timezone.HolidayYear](), "timezone/holidays.schema.json", "Strata public holidays of one year"},
	{reflect.TypeFor[locale.CatalogConfig](), "locale/catalog.schema.json", "Strata label catalogue"},
	{reflect.TypeFor[compliance.Config](), "compliance/config.schema.json", "Strata access policy"},
	{reflect.TypeFor[law.Config](), "compliance/law/config.schema.json", "Strata privacy-law reference data"},
	{reflect.TypeFor[match.Config](), "routing/match/config.schema.json", "Strata lead-to-customer matching"},
	{reflect.TypeFor[automation.Config](), "tiering/automation/config.schema.json", "Strata automation rules"},
	{reflect.TypeFor[tiering.ScheduleConfig](), "tiering/schedule.schema.json", "Strata follow-up schedule"},
	{reflect.TypeFor[review.Config](), "routing/review/config.schema.json", "Strata routing review"},
}

// packages whose doc comments describe the types above, by import path
// suffix and package name.
var packages = []struct{ dir, name string }{
	{".", "strata"}, {"tiering", "tiering"}, {"scoring", "scoring"}, {"routing", "routing"}, {"routing/sim", "sim"},
	{"timezone", "timezone"}, {"locale", "locale"}, {"compliance", "compliance"}, {"compliance/law", "law"},
	{"routing/match", "match"}, {"tiering/automation", "automation"},
	{"routing/review", "review"},
}

// special gives the schema of types that read and write themselves.
func special() map[reflect.Type]map[string]any {
	str := func(extra ...any) map[string]any {
		s := map[string]any{"type": "string"}
		for i := 0; i+1 < len(extra); i += 2 {
			s[extra[i].(string)] = extra[i+1]
		}
		return s
	}
	return map[reflect.Type]map[string]any{
		reflect.TypeFor[time.Time]():              str("format", "date-time"),
		reflect.TypeFor[strata.Date]():            str("format", "date"),
		reflect.TypeFor[strata.Duration]():        str("pattern", `^([0-9]+d|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+|0)$`, "examples", []string{"90d", "4h", "1h30m"}),
		reflect.TypeFor[decimal.Decimal]():        {"type": []string{"string", "number"}, "pattern": `^-?[0-9]+(\.[0-9]+)?$`},
		reflect.TypeFor[timezone.Clock]():         str("pattern", `^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`),
		reflect.TypeFor[compliance.Sensitivity](): str("enum", []string{"public", "internal", "confidential", "restricted"}),
		// Open vocabularies: the constants are examples, not the only values.
		reflect.TypeFor[compliance.Category](): str("pattern", `^(user|system)(\.[a-z0-9_]+)*$`, "examples", []string{"user.contact.email", "user.government_id.national_identification_number"}),
		reflect.TypeFor[law.Regime]():          str("pattern", `^[a-z][a-z0-9_]*$`, "examples", []string{"gdpr", "pipl", "us_va"}),
		reflect.TypeFor[law.Purpose]():         str("pattern", `^([a-z][a-z0-9_]*|\*)$`, "examples", []string{"marketing_email", "profiling", "*"}),
	}
}

func main() {
	check := flag.Bool("check", false, "fail if a committed schema differs instead of writing")
	flag.Parse()
	if err := run(*check); err != nil {
		fmt.Fprintln(os.Stderr, "schema:", err)
		os.Exit(1)
	}
}

func run(check bool) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	out, err := Generate(root)
	if err != nil {
		return err
	}
	for _, t := range targets {
		path := filepath.Join(root, t.file)
		if check {
			old, _ := os.ReadFile(path)
			if !bytes.Equal(old, out[t.file]) {
				return fmt.Errorf("%s is stale: run go generate github.com/strata-go/strata", t.file)
			}
			continue
		}
		if err := os.WriteFile(path, out[t.file], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Generate returns every schema file's contents by its path under root.
func Generate(root string) (map[string][]byte, error) {
	var docs schema.Docs
	for _, p := range packages {
		if err := schema.ReadDocs(filepath.Join(root, p.dir), p.name, &docs); err != nil {
			return nil, err
		}
	}
	out := map[string][]byte{}
	for _, t := range targets {
		g := schema.Generator{Docs: docs, Special: special()}
		b, err := g.Schema(t.typ, t.title)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.file, err)
		}
		out[t.file] = append(b, '\n')
	}
	return out, nil
}

func moduleRoot() (string, error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
