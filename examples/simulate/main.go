// Command simulate replays a month of leads through the quickstart's sales
// team (Shanghai, Berlin, São Paulo) under three routing setups on the same
// seed, and prints them side by side: the way to review a rule change before
// it ships. The setups and the month are files in config/ beside this one:
// edit them, or point -dir at a folder of your own.
//
//	go run ./examples/simulate [-days 30] [-per-day 150] [-seed 7] [-dir ./my]
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

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/sim"
)

// files holds the built-in setups: three routing configurations of the
// same team, the simulated month and an exchange-rate snapshot.
//
//go:embed config
var files embed.FS

// setups names the routing configurations compared, in print order.
var setups = []string{"round-robin", "least-loaded", "tier-to-seniority"}

func main() {
	days := flag.Int("days", 30, "days to simulate")
	perDay := flag.Int("per-day", 150, "leads a day")
	seed := flag.Uint64("seed", 7, "random seed: the same seed gives the same report")
	dir := flag.String("dir", "", "a folder with config/ to use instead of the built-in one")
	flag.Parse()
	var fsys fs.FS = files
	if *dir != "" {
		fsys = os.DirFS(*dir)
	}
	in, err := load(fsys)
	if err == nil {
		in.month.Days, in.month.LeadsPerDay, in.month.Seed = *days, *perDay, *seed
		err = run(context.Background(), os.Stdout, in)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}

// inputs is everything the simulation reads.
type inputs struct {
	month  sim.Config
	rates  strata.Rates
	setups map[string]routing.Config
}

// load reads the files with each package's strict loader.
func load(fsys fs.FS) (inputs, error) {
	in := inputs{setups: map[string]routing.Config{}}
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
	read("config/month.yaml", func(b []byte) (err error) { in.month, err = sim.ParseConfig(b); return })
	read("config/rates.json", func(b []byte) error { return json.Unmarshal(b, &in.rates) })
	for _, name := range setups {
		read("config/"+name+".yaml", func(b []byte) error {
			cfg, err := routing.ParseConfig(b)
			in.setups[name] = cfg
			return err
		})
	}
	return in, errors.Join(errs...)
}

func run(ctx context.Context, out io.Writer, in inputs) error {
	var reports []sim.Report
	for _, name := range setups {
		month := in.month
		month.Name = name
		rep, err := sim.Run(ctx, in.setups[name], month, routing.WithConverter(in.rates))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		reports = append(reports, rep)
	}
	fmt.Fprintf(out, "%d days, %d leads a day, seed %d: %d leads\n\n", in.month.Days, in.month.LeadsPerDay, in.month.Seed, reports[0].Leads)
	fmt.Fprint(out, sim.Compare(reports...))
	fmt.Fprintln(out, "\nAssignments per rep:")
	fmt.Fprintf(out, "%-12s", "")
	for _, r := range reports {
		fmt.Fprintf(out, " %18s", r.Name)
	}
	fmt.Fprintln(out)
	for i, a := range reports[0].Agents {
		fmt.Fprintf(out, "%-12s", a.Agent)
		for _, r := range reports {
			fmt.Fprintf(out, " %18d", r.Agents[i].Assignments)
		}
		fmt.Fprintln(out)
	}
	return nil
}
