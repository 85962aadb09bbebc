// Command review is the quarterly review of a sales team's assignment
// rules, as the guide 《外贸企业如何通过CRM系统实现客户分配管理？》 asks for
// ("每季度对分配规则的效果进行评估，分析转化率、客户满意度、销售周期等关键指标"):
// it reviews a quarter of routing decisions per rule, pool and rep, replays
// the quarter through a proposed configuration, prints a summary and writes
// a self-contained HTML report (inline SVG charts, no scripts).
//
//	go run ./examples/review [-out review.html] [-records quarter.jsonl] [-write-records sample.jsonl] [-dir ./my]
//
// The files in config/ beside this program are its inputs, embedded and
// read with the packages' own parsers: team.yaml (the routing configuration
// the quarter was decided by, routing.ParseConfig), proposed.yaml (the
// proposal), review.yaml (review.ParseConfig), rates.json (strata.Rates) and
// quarter.yaml (the sample quarter's leads, sim.ParseConfig); -dir points
// at a folder with a config/ of your own. Without -records the quarter is
// the built-in sample, made by the seeded generator in generate.go; with it,
// the host's own records (JSON Lines, review.ReadRecords).
package main

import (
	"bufio"
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

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/review"
	"github.com/strata-go/strata/routing/sim"
)

// files holds the built-in inputs: the routing configuration the quarter
// was decided by, the proposal, the review settings, an exchange-rate
// snapshot and the sample quarter's leads.
//
//go:embed config
var files embed.FS

func main() {
	out := flag.String("out", "review.html", "where to write the HTML report")
	records := flag.String("records", "", "review these records (JSON Lines) instead of the sample quarter")
	dump := flag.String("write-records", "", "also write the reviewed records here, as JSON Lines")
	dir := flag.String("dir", "", "a folder with config/ to use instead of the built-in one")
	flag.Parse()
	var fsys fs.FS = files
	if *dir != "" {
		fsys = os.DirFS(*dir)
	}
	if err := run(context.Background(), os.Stdout, options{fsys: fsys, out: *out, records: *records, dump: *dump}); err != nil {
		fmt.Fprintln(os.Stderr, "review:", err)
		os.Exit(1)
	}
}

type options struct {
	fsys               fs.FS // holds config/; nil: the built-in files
	out, records, dump string
}

// inputs are the parsed files.
type inputs struct {
	team, proposed routing.Config
	cfg            review.Config
	rates          strata.Rates
	quarter        sim.Config
}

// load reads the files with each package's strict loader.
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
	read("config/team.yaml", func(b []byte) (err error) { in.team, err = routing.ParseConfig(b); return })
	read("config/proposed.yaml", func(b []byte) (err error) { in.proposed, err = routing.ParseConfig(b); return })
	read("config/review.yaml", func(b []byte) (err error) { in.cfg, err = review.ParseConfig(b); return })
	read("config/rates.json", func(b []byte) error { return json.Unmarshal(b, &in.rates) })
	read("config/quarter.yaml", func(b []byte) (err error) { in.quarter, err = sim.ParseConfig(b); return })
	return in, errors.Join(errs...)
}

func run(ctx context.Context, stdout io.Writer, o options) error {
	if o.fsys == nil {
		o.fsys = files
	}
	in, err := load(o.fsys)
	if err != nil {
		return err
	}
	recs, source, err := quarter(ctx, in, o.records)
	if err != nil {
		return err
	}
	if o.dump != "" {
		if err := writeRecords(o.dump, recs); err != nil {
			return err
		}
	}
	r, err := review.New(in.cfg, in.team, review.WithConverter(in.rates))
	if err != nil {
		return err
	}
	c, err := r.Replay(ctx, in.proposed, slices.Values(recs), routing.WithConverter(in.rates))
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, c.Recorded.String())
	fmt.Fprintf(stdout, "proposed configuration: %d leads to another rep, %d to the same; Gini %.3f → %.3f; conversions %d → %.0f expected\n",
		c.Moved, c.Same, c.Recorded.GiniAssignments, c.Proposed.GiniAssignments, c.RecordedConversions, c.ExpectedConversions)
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := writePage(w, newPage(c, source)); err != nil {
		f.Close()
		return err
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report written to %s\n", o.out)
	return nil
}

// quarter returns the records to review: the host's file, or the sample.
func quarter(ctx context.Context, in inputs, path string) ([]review.Record, string, error) {
	if path == "" {
		recs, err := generate(ctx, in.quarter, in.team, in.rates)
		if err != nil {
			return nil, "", fmt.Errorf("sample quarter: %w", err)
		}
		return recs, fmt.Sprintf("Records: the built-in sample quarter, %d decisions made by routing %d generated leads through team.yaml (seed %d).",
			len(recs), in.quarter.Days*in.quarter.LeadsPerDay, in.quarter.Seed), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	var recs []review.Record
	for rec, err := range review.ReadRecords(f) {
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
		recs = append(recs, rec)
	}
	return recs, fmt.Sprintf("Records: %d decisions from %s.", len(recs), path), nil
}

func writeRecords(path string, recs []review.Record) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, rec := range recs {
		if err := enc.Encode(rec); err != nil {
			f.Close()
			return err
		}
	}
	return errors.Join(w.Flush(), f.Close())
}
