// Command examples writes the data and configuration files the runnable
// examples load, so that every example builds and runs from a copy outside
// this module with nothing but public packages:
//
//	go generate github.com/strata-go/strata
//
// The sample book and engagement come from internal/sample (deterministic);
// the configurations are the packages' shipped starter files and the
// sample team, written as YAML. With -check it writes nothing and fails if a
// committed file is stale.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/routing"
)

// Now is the moment the quickstart's book is drawn at: Monday 23 November
// 2026, 16:00 in Shanghai and 09:00 in Berlin.
var Now = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func main() {
	check := flag.Bool("check", false, "fail if a committed file differs instead of writing")
	flag.Parse()
	root, err := moduleRoot()
	if err == nil {
		err = run(root, *check)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "examples:", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	files, err := Generate(root)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(root, name)
		if check {
			old, _ := os.ReadFile(path)
			if !bytes.Equal(old, files[name]) {
				return fmt.Errorf("%s is stale: run go generate github.com/strata-go/strata", name)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Generate returns every file's contents by its path under root.
func Generate(root string) (map[string][]byte, error) {
	out := map[string][]byte{}
	copies := map[string]string{
		"examples/quickstart/config/tiering.yaml":           "tiering/starter.yaml",
		"examples/quickstart/config/scoring-value.yaml":     "scoring/value.yaml",
		"examples/quickstart/config/scoring-potential.yaml": "scoring/potential.yaml",
		"examples/quickstart/config/policy.yaml":            "compliance/starter.yaml",
		"examples/quickstart/config/team.yaml":              "routing/testdata/team.yaml",
		"examples/simulate/config/least-loaded.yaml":        "routing/testdata/team.yaml",
		"examples/simulate/config/month.yaml":               "routing/sim/testdata/month.yaml",
	}
	for to, from := range copies {
		b, err := os.ReadFile(filepath.Join(root, from))
		if err != nil {
			return nil, err
		}
		out[to] = b
	}
	if err := book(out); err != nil {
		return nil, err
	}
	rates, err := json.MarshalIndent(sample.Rates, "", "  ")
	if err != nil {
		return nil, err
	}
	out["examples/quickstart/data/rates.json"] = append(rates, '\n')
	out["examples/simulate/config/rates.json"] = out["examples/quickstart/data/rates.json"]
	for name, cfg := range setups() {
		b, err := toYAML(cfg, header(name))
		if err != nil {
			return nil, err
		}
		out["examples/simulate/config/"+name+".yaml"] = b
	}
	return out, nil
}

// book writes the sample customers, one JSON object a line inside a JSON
// array (diffs stay readable), and their engagement events.
func book(out map[string][]byte) error {
	customers := sample.Book(Now)
	var b bytes.Buffer
	b.WriteString("[\n")
	events := map[string][]event{}
	for i, c := range customers {
		line, err := json.Marshal(c)
		if err != nil {
			return err
		}
		b.Write(line)
		if i < len(customers)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		for _, t := range sample.Touches(c) {
			events[c.ID] = append(events[c.ID], event{Kind: t.Kind, At: Now.AddDate(0, 0, -t.DaysAgo), Weight: t.Weight})
		}
	}
	b.WriteString("]\n")
	out["examples/quickstart/data/customers.json"] = b.Bytes()
	// One customer's events a line, in the book's order.
	var e bytes.Buffer
	e.WriteString("{\n")
	for i, c := range customers {
		key, _ := json.Marshal(c.ID)
		list, err := json.Marshal(events[c.ID])
		if err != nil {
			return err
		}
		fmt.Fprintf(&e, "%s:%s", key, list)
		if i < len(customers)-1 {
			e.WriteByte(',')
		}
		e.WriteByte('\n')
	}
	e.WriteString("}\n")
	out["examples/quickstart/data/events.json"] = e.Bytes()
	return nil
}

// event has scoring.Event's JSON form.
type event struct {
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	Weight float64   `json:"weight,omitempty"`
}

func header(name string) string {
	switch name {
	case "round-robin":
		return "# The quickstart's team with every pool taking turns (round_robin).\n"
	case "tier-to-seniority":
		return "# The quickstart's team, with VIP leads to directors and grade-A leads to\n# reps of seniority 3 and up in their region.\n"
	}
	return ""
}

// setups returns the two routing setups the simulation compares with the
// sample team as it is (least-loaded.yaml, a copy of the team file).
func setups() map[string]routing.Config {
	roundRobin := sample.Team()
	for i := range roundRobin.Pools {
		roundRobin.Pools[i].Strategy = routing.RoundRobin
	}
	seniority := sample.Team()
	seniority.Pools = append(seniority.Pools, routing.Pool{Name: "seniors", Select: `agent.seniority >= 3`,
		Strategy: routing.LeastLoaded, MatchRegion: true, Sticky: true})
	seniority.Rules = append([]routing.Rule{
		{Name: "vip-to-directors", When: `customer.tier == "vip"`, Pool: "directors"},
		{Name: "a-grade-to-seniors", When: `customer.scores.grade == "A"`, Pool: "seniors"},
	}, seniority.Rules[1:]...)
	return map[string]routing.Config{"round-robin": roundRobin, "tier-to-seniority": seniority}
}

// toYAML writes v's JSON form as block YAML, keeping the JSON field order.
func toYAML(v any, head string) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(j, &n); err != nil {
		return nil, err
	}
	block(&n)
	var b bytes.Buffer
	b.WriteString(head)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

func block(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	if n.Kind == yaml.ScalarNode && n.Style&yaml.DoubleQuotedStyle != 0 && !needsQuotes(n.Value) {
		n.Style = 0
	}
	for _, c := range n.Content {
		block(c)
	}
}

// needsQuotes reports whether a string would read as something else
// unquoted.
func needsQuotes(s string) bool {
	var v any
	return s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n") || yaml.Unmarshal([]byte(s), &v) != nil || fmt.Sprint(v) != s
}

func moduleRoot() (string, error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
