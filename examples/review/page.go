package main

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/strata-go/strata"

	"github.com/strata-go/strata/routing/review"
)

// page is what the HTML template shows.
type page struct {
	Title, Subtitle, Source string
	Cards                   []card
	Loads, Conversion       template.HTML
	FirstContact, Before    template.HTML
	Rules, Pools, Agents    []row
	NeverFired, IdlePools   []string
	Unknown                 []string
	Compare                 []compareRow
	Flows                   []review.Flow
	Moved, Same             int
}

type card struct{ Label, Value string }

// row is one line of a rule, pool or rep table.
type row struct {
	Name                                                    string
	Leads, Assigned, Overflow, Conversions, Misses          int
	Rate, Won, FirstContact, FirstContactP90, Cycle, Rating string
}

type compareRow struct{ Metric, Recorded, Proposed string }

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// grouped writes a whole amount with thousands separators: 186,575,200.
func grouped(m strata.Money) string {
	s := m.Amount.StringFixed(0)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// hours formats a duration as hours with one decimal.
func hours(d time.Duration) string { return fmt.Sprintf("%.1f h", d.Hours()) }

func days(d time.Duration) string { return fmt.Sprintf("%.0f d", d.Hours()/24) }

// rows formats a table; unnamed is what the group without a name is: the
// default pool among rules, the default owner among pools.
func rows(stats []review.Stats, unnamed string) []row {
	out := make([]row, 0, len(stats))
	for _, s := range stats {
		r := row{Name: s.Name, Leads: s.Leads, Assigned: s.Assigned, Overflow: s.Overflow, Conversions: s.Conversions,
			Misses: s.SLAMisses, Rate: pct(s.Rate), Won: grouped(s.Won), FirstContact: hours(s.FirstContactMedian),
			FirstContactP90: hours(s.FirstContactP90), Cycle: days(s.SalesCycleMedian), Rating: fmt.Sprintf("%.2f", s.Satisfaction)}
		if r.Name == "" {
			r.Name = unnamed
		}
		out = append(out, r)
	}
	return out
}

// newPage lays the review and the comparison out.
func newPage(c review.Comparison, source string) page {
	rep := c.Recorded
	p := page{Title: rep.Name, Source: source, Moved: c.Moved, Same: c.Same,
		Subtitle: fmt.Sprintf("%s to %s · first contact due within %s of the rep's business time · won value in %s",
			rep.Period.Start.Format("2 January 2006"), rep.Period.End.Format("2 January 2006"), hours(rep.SLA.Std()), rep.Currency),
		Rules: rows(rep.Rules, "(default pool)"), Pools: rows(rep.Pools, "(default owner)"), Agents: rows(rep.Agents, "(nobody)"),
		NeverFired: rep.NeverFired, IdlePools: rep.IdlePools, Unknown: rep.Unknown}
	t := rep.Total
	p.Cards = []card{
		{"Leads", fmt.Sprint(t.Leads)}, {"Assigned", fmt.Sprint(t.Assigned)}, {"Converted", fmt.Sprintf("%d (%s)", t.Conversions, pct(t.Rate))},
		{"Won", grouped(t.Won) + " " + rep.Currency}, {"First contact, median", hours(t.FirstContactMedian)},
		{"SLA misses", fmt.Sprint(t.SLAMisses)}, {"Satisfaction", fmt.Sprintf("%.2f of %d rated", t.Satisfaction, t.Rated)},
		{"Gini of assignments / won", fmt.Sprintf("%.3f / %.3f", rep.GiniAssignments, rep.GiniWon)},
	}
	p.Loads = loadsChart(rep.Loads.Start, rep.Loads.Step, rep.Loads.Agents, rep.Loads.Open)
	var conv, first []bar
	for _, s := range rep.Rules {
		name := s.Name
		if name == "" {
			name = "(default pool)"
		}
		text := fmt.Sprintf("%s of %d", pct(s.Rate), s.Assigned)
		if s.Leads == 0 {
			text = "never fired"
		}
		conv = append(conv, bar{label: name, value: s.Rate, text: text})
	}
	for _, s := range rep.Agents {
		first = append(first, bar{label: s.Name, value: s.FirstContactMedian.Hours(),
			text: fmt.Sprintf("%s median, %s p90, %d SLA misses", hours(s.FirstContactMedian), hours(s.FirstContactP90), s.SLAMisses)})
	}
	p.Conversion = barChart("chart-conversion", "Conversion rate by rule", conv, 0, 0, "")
	p.FirstContact = barChart("chart-first-contact", "Median first contact by rep, business hours", first, 0, rep.SLA.Std().Hours(), "SLA")
	p.Before, p.Compare, p.Flows = beforeAfter(c)
	return p
}

// beforeAfter lays the recorded quarter beside the replay.
func beforeAfter(c review.Comparison) (template.HTML, []compareRow, []review.Flow) {
	var groups []string
	var before, after []float64
	proposed := map[string]int{}
	for _, s := range c.Proposed.Agents {
		proposed[s.Name] = s.Assigned
	}
	for _, s := range c.Recorded.Agents {
		groups = append(groups, s.Name)
		before = append(before, float64(s.Assigned))
		after = append(after, float64(proposed[s.Name]))
	}
	chart := pairChart("chart-before-after", "Leads per rep: recorded and under the proposed configuration", groups, before, after,
		[2]string{"recorded", "proposed"})
	r, p := c.Recorded, c.Proposed
	peak := func(rep review.Report) string {
		best, who := 0, ""
		for i, series := range rep.Loads.Open {
			for _, v := range series {
				if v > best {
					best, who = v, rep.Loads.Agents[i]
				}
			}
		}
		return fmt.Sprintf("%d (%s)", best, who)
	}
	rowsOut := []compareRow{
		{"Leads assigned", fmt.Sprint(r.Total.Assigned), fmt.Sprint(p.Total.Assigned)},
		{"Left unassigned", fmt.Sprint(r.Total.Leads - r.Total.Assigned), fmt.Sprint(p.Total.Leads - p.Total.Assigned)},
		{"Assigned by overflow", fmt.Sprint(r.Total.Overflow), fmt.Sprint(p.Total.Overflow)},
		{"Gini of assignments", fmt.Sprintf("%.3f", r.GiniAssignments), fmt.Sprintf("%.3f", p.GiniAssignments)},
		{"Peak open leads (rep)", peak(r), peak(p)},
		{"Rules that never fired", fmt.Sprint(len(r.NeverFired)), fmt.Sprint(len(p.NeverFired))},
		{"Conversions (proposed: expected at each rep's recorded rate)", fmt.Sprint(c.RecordedConversions), fmt.Sprintf("%.0f", c.ExpectedConversions)},
	}
	flows := c.Flows
	if len(flows) > 12 {
		flows = flows[:12]
	}
	return chart, rowsOut, flows
}

var tmpl = template.Must(template.New("review").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 36px; border-bottom: 1px solid #ddd; }
.subtitle, .source { color: #555; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0; }
.card { background: #f4f6f9; border-radius: 6px; padding: 10px 12px; }
.card .label { color: #555; font-size: 12px; } .card .value { font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 12px 0; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f4f6f9; }
svg.chart { display: block; margin: 12px 0; background: #fff; }
svg .grid { stroke: #e5e5e5; } svg .axis { stroke: #888; } svg .ref { stroke: #d62728; stroke-dasharray: 4 3; }
svg text { font-size: 11px; fill: #333; } svg .label { font-size: 12px; }
</style>
</head>
<body>
<header>
<h1 id="title">{{.Title}}</h1>
<p class="subtitle">{{.Subtitle}}</p>
<p class="source">{{.Source}}</p>
</header>
<section id="summary" class="cards">
{{range .Cards}}<div class="card"><div class="label">{{.Label}}</div><div class="value">{{.Value}}</div></div>
{{end}}</section>
<section id="loads">
<h2>Loads per rep over time</h2>
<p>Open leads each rep held at the start of every day: who carried the quarter, and when.</p>
{{.Loads}}
</section>
<section id="conversion">
<h2>Conversion by rule</h2>
<p>The share of each rule's assigned leads that became sales.</p>
{{.Conversion}}
<table id="table-rules"><thead><tr><th>Rule</th><th>Leads</th><th>Assigned</th><th>Overflow</th><th>Converted</th><th>Rate</th><th>Won</th><th>First contact</th><th>SLA misses</th><th>Sales cycle</th><th>Satisfaction</th></tr></thead>
<tbody>{{range .Rules}}<tr><td>{{.Name}}</td><td>{{.Leads}}</td><td>{{.Assigned}}</td><td>{{.Overflow}}</td><td>{{.Conversions}}</td><td>{{.Rate}}</td><td>{{.Won}}</td><td>{{.FirstContact}}</td><td>{{.Misses}}</td><td>{{.Cycle}}</td><td>{{.Rating}}</td></tr>
{{end}}</tbody></table>
<p id="never-fired">Rules that never fired: {{range $i, $r := .NeverFired}}{{if $i}}, {{end}}<code>{{$r}}</code>{{else}}none{{end}}.
Pools that assigned nothing: {{range $i, $r := .IdlePools}}{{if $i}}, {{end}}<code>{{$r}}</code>{{else}}none{{end}}.
{{if .Unknown}}Not in the configuration: {{range $i, $r := .Unknown}}{{if $i}}, {{end}}<code>{{$r}}</code>{{end}}.{{end}}</p>
</section>
<section id="reps">
<h2>First contact and results by rep</h2>
<p>Time to first contact is counted in the rep's business hours.</p>
{{.FirstContact}}
<table id="table-reps"><thead><tr><th>Rep</th><th>Assigned</th><th>Overflow</th><th>Converted</th><th>Rate</th><th>Won</th><th>First contact</th><th>p90</th><th>SLA misses</th><th>Satisfaction</th></tr></thead>
<tbody>{{range .Agents}}<tr><td>{{.Name}}</td><td>{{.Assigned}}</td><td>{{.Overflow}}</td><td>{{.Conversions}}</td><td>{{.Rate}}</td><td>{{.Won}}</td><td>{{.FirstContact}}</td><td>{{.FirstContactP90}}</td><td>{{.Misses}}</td><td>{{.Rating}}</td></tr>
{{end}}</tbody></table>
<table id="table-pools"><thead><tr><th>Pool</th><th>Leads</th><th>Assigned</th><th>Overflow</th><th>Converted</th><th>Rate</th><th>First contact</th><th>SLA misses</th></tr></thead>
<tbody>{{range .Pools}}<tr><td>{{.Name}}</td><td>{{.Leads}}</td><td>{{.Assigned}}</td><td>{{.Overflow}}</td><td>{{.Conversions}}</td><td>{{.Rate}}</td><td>{{.FirstContact}}</td><td>{{.Misses}}</td></tr>
{{end}}</tbody></table>
</section>
<section id="before-after">
<h2>Before and after: the proposed configuration</h2>
<p>The quarter's leads routed again through the proposal, each at its recorded time: {{.Moved}} would go to another rep, {{.Same}} to the same.</p>
{{.Before}}
<table id="table-compare"><thead><tr><th>Measure</th><th>Recorded</th><th>Proposed</th></tr></thead>
<tbody>{{range .Compare}}<tr><td>{{.Metric}}</td><td>{{.Recorded}}</td><td>{{.Proposed}}</td></tr>
{{end}}</tbody></table>
<table id="table-flows"><thead><tr><th>From</th><th>To</th><th>Leads</th></tr></thead>
<tbody>{{range .Flows}}<tr><td>{{if .From}}{{.From}}{{else}}(nobody){{end}}</td><td>{{if .To}}{{.To}}{{else}}(nobody){{end}}</td><td>{{.Count}}</td></tr>
{{end}}</tbody></table>
</section>
<footer><p class="source">Made by Strata's routing/review package. The page is self-contained: no scripts, fonts or images are fetched.</p></footer>
</body>
</html>
`))

// writePage renders the page.
func writePage(w io.Writer, p page) error { return tmpl.Execute(w, p) }
