// Command quickstart runs Strata's main job on a sample book: a Chinese
// manufacturer's domestic and overseas customers, read from data/ beside
// this file, with the configurations in config/ (the packages' starter
// files: edit them, or point -dir at a copy). It validates the
// records, scores their value and potential, places every customer in a
// tier and its segments with the starter configuration (the two case tables
// of the Zoho CRM guide 《海外客户和国内客户信息如何高效分层管理？》), routes
// the book to reps in Shanghai, Berlin and São Paulo, and explains one
// score, one placement and one routing decision.
//
//	go run ./examples/quickstart            # tables in Chinese (zh-Hans)
//	go run ./examples/quickstart -lang en   # or any language the catalogue has
//	go run ./examples/quickstart -dir ./my  # your own config/ and data/
package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/width"

	"github.com/strata-go/strata/locale"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/compliance/law"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/scoring"
	"github.com/strata-go/strata/tiering"
)

func main() {
	lang := flag.String("lang", "zh-Hans", "language of the tables (BCP 47: zh-Hans, en, de, ja …)")
	dir := flag.String("dir", "", "a folder with config/ and data/ to use instead of the built-in ones")
	flag.Parse()
	var fsys fs.FS = files
	if *dir != "" {
		fsys = os.DirFS(*dir)
	}
	in, err := load(fsys)
	if err == nil {
		err = run(context.Background(), os.Stdout, in, *lang)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, in inputs, lang string) error {
	l := locale.BuiltinCatalog().MatchStrings(lang)
	money := locale.NewFormatter(l.Tag)
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // Monday: 16:00 in Shanghai, 09:00 in Berlin
	book := slices.Clone(in.book)
	for _, c := range book {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("customer %s: %w", c.ID, err)
		}
	}
	fmt.Fprintf(out, "Sample book: %d customers, all valid.\n\n", len(book))

	// 1. Scoring: value and potential, written onto the records.
	value, err := scoring.New(in.value, scoring.WithConverter(in.rates))
	if err != nil {
		return err
	}
	potential, err := scoring.New(in.potential, scoring.WithConverter(in.rates))
	if err != nil {
		return err
	}
	grades := map[strata.Grade]int{}
	var explained scoring.Result
	for i := range book {
		events := in.events[book[i].ID]
		v, err := value.Score(ctx, &book[i], events, now)
		if err != nil {
			return err
		}
		p, err := potential.Score(ctx, &book[i], events, now)
		if err != nil {
			return err
		}
		if err := v.Apply(&book[i]); err != nil {
			return err
		}
		if err := p.Apply(&book[i]); err != nil {
			return err
		}
		grades[book[i].Scores.Grade]++
		if book[i].ID == "sea-new-001" {
			explained = v
		}
	}
	fmt.Fprintln(out, "Grades (value for customers, potential for leads):")
	table(out, []string{l.Label("field.scores.grade"), l.Label("ui.customers")}, func(row func(...string)) {
		for _, g := range []strata.Grade{strata.GradeA, strata.GradeB, strata.GradeC, strata.GradeD} {
			row(l.Label("grade."+string(g)), fmt.Sprint(grades[g]))
		}
	})
	fmt.Fprintf(out, "\nWhy is sea-new-001 a %s?\n%s\n\n", explained.Grade, explained.Why())

	// 2. Tiering: the starter ladder and segments.
	engine, err := tiering.New(in.tiers, tiering.WithConverter(in.rates))
	if err != nil {
		return err
	}
	summary, err := engine.Summarize(ctx, slices.Values(book), now, "CNY")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Tier distribution (ladder \"value\"):")
	table(out, []string{l.Label("field.tier"), l.Label("ui.customers"), l.Label("field.revenue"), l.Label("field.owner"), l.Label("ui.follow_up")},
		func(row func(...string)) {
			for _, name := range engine.Tiers("value") {
				t, _ := engine.Tier("value", name)
				row(l.Label(t.Label), fmt.Sprint(summary.Tiers["value"][name]), money.MoneyCompact(summary.Revenue["value"][name]),
					l.Label("role."+t.OwnerRole), l.Label("cadence."+string(t.FollowUp)))
			}
		})
	fmt.Fprintln(out, "\nSegments:")
	table(out, []string{l.Label("ui.segment"), l.Label("ui.customers")}, func(row func(...string)) {
		for _, name := range engine.Segments() {
			row(l.Label("segment."+strings.ReplaceAll(name, "-", "_")), fmt.Sprint(summary.Segments[name]))
		}
	})

	// 3. Routing: every customer to a rep, tiers and grades applied first.
	for p, err := range engine.ClassifyAll(ctx, slices.Values(book), now) {
		if err != nil {
			return err
		}
		i := slices.IndexFunc(book, func(c strata.Customer) bool { return c.ID == p.CustomerID })
		if err := p.Apply(&book[i]); err != nil {
			return err
		}
	}
	// Compliance plugs into routing as a filter: a customer's data may go
	// to a rep abroad only with a transfer basis (GDPR adequacy or SCCs,
	// PIPL consent and volumes …). The two packages do not import each other.
	laws, err := law.New(law.BuiltinConfig())
	if err != nil {
		return err
	}
	// The Shanghai and São Paulo offices have signed intra-group transfer
	// clauses for the Asian and Gulf markets and filed Vietnam's transfer
	// impact assessment; the EU clauses are not signed yet.
	inPlace := map[string][]law.Safeguard{"VN": {law.SafeguardFiled}, "TH": {law.SafeguardSCC}, "MY": {law.SafeguardSCC},
		"ID": {law.SafeguardSCC}, "SG": {law.SafeguardSCC}, "AE": {law.SafeguardSCC}, "SA": {law.SafeguardSCC}}
	transfer := func(a *routing.Agent, q *routing.Request) (bool, string) {
		to := law.Recipient{Country: a.Country, Safeguards: inPlace[q.Customer.Country]}
		d, err := laws.CheckTransfer(&q.Customer, law.Transfer{From: q.Customer.Country, To: to,
			PIPL: &law.PIPLExport{Individuals: 20_000, ContractNecessity: true}}, q.Now)
		if err != nil {
			return false, err.Error()
		}
		return d.Permitted(), string(d.Outcome) + ": " + d.Reason
	}
	store := routing.NewMemoryStore()
	router, err := routing.New(in.team, store, routing.WithConverter(in.rates), routing.WithFilter("transfer", transfer))
	if err != nil {
		return err
	}

	outcomes := map[routing.Outcome]int{}
	var explainedRoute, unrouted routing.Decision
	for _, c := range book {
		d, err := router.Route(ctx, routing.Request{Item: c.ID, Customer: c, Lead: routing.Lead{Kind: c.Tier}, Now: now})
		if err != nil {
			return err
		}
		outcomes[d.Outcome]++
		if c.ID == "eu-regular-001" {
			explainedRoute = d
		}
		if d.Outcome != routing.Assigned && unrouted.Item == "" {
			unrouted = d
		}
	}
	fmt.Fprintf(out, "\nRouting: %d assigned, %d deferred, %d unassigned.\n", outcomes[routing.Assigned], outcomes[routing.Deferred], outcomes[routing.Unassigned])
	loads := map[string]int{}
	counts := map[string]int{}
	for _, a := range store.Items() {
		loads[a.Agent] += a.Units
		counts[a.Agent]++
	}
	table(out, []string{l.Label("ui.rep"), l.Label("ui.customers"), l.Label("ui.load"), l.Label("ui.capacity")}, func(row func(...string)) {
		for _, a := range in.team.Agents {
			row(a.ID, fmt.Sprint(counts[a.ID]), fmt.Sprint(loads[a.ID]), fmt.Sprint(a.Capacity))
		}
	})
	fmt.Fprintf(out, "\nWho got eu-regular-001, and why?\n%s\n", explainedRoute.Why())
	if unrouted.Item != "" {
		fmt.Fprintf(out, "\nNot assigned:\n%s\n", unrouted.Why())
	}
	// A VIP lead from Frankfurt goes to the directors; its owner, the
	// director who would keep it, sits in Shanghai: without SCCs, its data
	// may not go there.
	vip := strata.Customer{ID: "eu-vip-demo", Country: "DE", Subdivision: "DE-HE", Tier: "vip", Languages: []string{"de"}, Owner: "sh-zhou"}
	d, err := router.Route(ctx, routing.Request{Customer: vip, Lead: routing.Lead{ID: "L-eu-vip-demo", Kind: "vip"}, Now: now})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nA VIP lead from Frankfurt:\n%s\n", d.Why())
	for _, c := range d.Trace {
		if c.Reason == routing.ReasonFilter {
			fmt.Fprintf(out, "A transfer refused while routing %s: %s was passed over.\n  %s\n", d.Item, c.Agent, c.Detail)
		}
	}

	// 4. One explained placement: a VIP whose revenue dipped below the line.
	c := book[slices.IndexFunc(book, func(c strata.Customer) bool { return c.ID == "domestic-vip-001" })]
	c.Tier, c.TierSince = "vip", now.AddDate(-1, 0, 0)
	c.Revenue = strata.MoneyOf(c.Revenue.Amount.Mul(decimal.RequireFromString("0.85")).Round(2), "CNY")
	if c.Revenue.Amount.Cmp(decimal.NewFromInt(5_000_000)) >= 0 {
		c.Revenue = strata.MoneyOf(decimal.NewFromInt(4_700_000), "CNY")
	}
	p, err := engine.Classify(ctx, &c, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nWhy is %s (revenue %s, was vip) still where it is?\n%s\n", c.ID, c.Revenue, p.Why())

	// 5. Compliance: one overseas customer as two roles see it.
	policy, err := compliance.New(in.policy)
	if err != nil {
		return err
	}
	us := book[slices.IndexFunc(book, func(c strata.Customer) bool { return c.ID == "us-vip-001" })]
	fmt.Fprintf(out, "\n%s (%s) as two roles see it:\n", us.ID, l.Label("tier."+us.Tier))
	for _, role := range []string{"sales-director", "marketing-specialist"} {
		viewer := compliance.Viewer{ID: "quickstart", Role: role}
		v, err := policy.Redact(ctx, viewer, &us)
		if err != nil {
			return err
		}
		d, err := policy.Decide(ctx, viewer, &us, compliance.ActionExport)
		if err != nil {
			return err
		}
		revenue := "—" // hidden
		if !v.Revenue.IsZero() {
			revenue = money.Money(v.Revenue)
		}
		fmt.Fprintf(out, "  %s: %s | %s | %s | %s\n    export: %v (%s)\n", l.Label("role."+role), v.Name,
			v.Channels[0].Value, v.Channels[1].Value, revenue, d.Allowed, d.Reason)
	}

	// 6. A typo in a rule is caught when the configuration is compiled.
	cfg := in.tiers
	cfg.Segments = slices.Clone(cfg.Segments)
	cfg.Segments[0].When = `customer.country == home && customer.revnue >= money("1000000", "CNY")`
	_, err = tiering.New(cfg)
	fmt.Fprintf(out, "\nA typo is caught before it ships:\n%v\n", err)
	return nil
}

// table prints rows with columns padded by display width, so Chinese text
// lines up with Latin text.
func table(out io.Writer, header []string, rows func(row func(...string))) {
	var all [][]string
	all = append(all, header)
	rows(func(cells ...string) { all = append(all, cells) })
	widths := make([]int, len(header))
	for _, r := range all {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, r := range all {
		var b strings.Builder
		for i, cell := range r {
			b.WriteString("  ")
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)))
			}
		}
		fmt.Fprintln(out, b.String())
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// files holds the built-in configuration and data: config/ has the
// packages' starter files and the sample team, data/ the sample book, its
// engagement events and an exchange-rate snapshot.
//
//go:embed config data
var files embed.FS

// inputs is everything the quickstart reads.
type inputs struct {
	book      []strata.Customer
	events    map[string][]scoring.Event
	rates     strata.Rates
	tiers     tiering.Config
	value     scoring.Config
	potential scoring.Config
	team      routing.Config
	policy    compliance.Config
}

// load reads the configuration files with each package's strict loader and
// the data as JSON.
func load(fsys fs.FS) (inputs, error) {
	var in inputs
	var errs []error
	read := func(name string, parse func([]byte) error) {
		b, err := fs.ReadFile(fsys, name)
		if err == nil {
			err = parse(b)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	read("config/tiering.yaml", func(b []byte) (err error) { in.tiers, err = tiering.ParseConfig(b); return })
	read("config/scoring-value.yaml", func(b []byte) (err error) { in.value, err = scoring.ParseConfig(b); return })
	read("config/scoring-potential.yaml", func(b []byte) (err error) { in.potential, err = scoring.ParseConfig(b); return })
	read("config/team.yaml", func(b []byte) (err error) { in.team, err = routing.ParseConfig(b); return })
	read("config/policy.yaml", func(b []byte) (err error) { in.policy, err = compliance.ParseConfig(b); return })
	read("data/rates.json", func(b []byte) error { return json.Unmarshal(b, &in.rates) })
	read("data/customers.json", func(b []byte) error { return json.Unmarshal(b, &in.book) })
	read("data/events.json", func(b []byte) error { return json.Unmarshal(b, &in.events) })
	return in, errors.Join(errs...)
}
