package main

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"time"
)

// Charts are inline SVG, drawn here from the review's figures: no script,
// no font or style fetched from anywhere. Every chart is an <svg> with an
// id, a <title> and a class per kind of mark, so tests find them.

// palette colours the reps, in order; it repeats after twelve.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"}

func colour(i int) string { return palette[i%len(palette)] }

// svg collects one chart's markup.
type svg struct {
	b    strings.Builder
	w, h int
}

func newSVG(id, title string, w, h int) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg id="%s" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img">`,
		id, w, h, w, h)
	fmt.Fprintf(&s.b, `<title>%s</title>`, html.EscapeString(title))
	return s
}

func (s *svg) text(x, y float64, anchor, class, text string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, html.EscapeString(text))
}

func (s *svg) line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="%s"/>`, x1, y1, x2, y2, class)
}

func (s *svg) rect(x, y, w, h float64, fill, class, tip string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" class="%s"><title>%s</title></rect>`,
		x, y, math.Max(w, 0), math.Max(h, 0), fill, class, html.EscapeString(tip))
}

func (s *svg) open(class string) { fmt.Fprintf(&s.b, `<g class="%s">`, class) }
func (s *svg) close()            { s.b.WriteString(`</g>`) }

func (s *svg) html() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) // every text in it went through html.EscapeString
}

// niceMax rounds a maximum up to 1, 2 or 5 times a power of ten, and at
// least 1.
func niceMax(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// yAxis draws horizontal grid lines and labels from 0 to top.
func (s *svg) yAxis(left, right, top, bottom, max float64, format func(float64) string) {
	s.open("y-axis")
	for i := 0; i <= 4; i++ {
		y := bottom - (bottom-top)*float64(i)/4
		s.line(left, y, right, y, "grid")
	}
	for i := 0; i <= 4; i++ {
		y := bottom - (bottom-top)*float64(i)/4
		s.text(left-6, y+4, "end", "tick", format(max*float64(i)/4))
	}
	s.close()
}

// legend draws coloured swatches and names in rows under a chart.
func (s *svg) legend(x, y float64, names, colours []string, perRow int) {
	s.open("legend")
	for i, n := range names {
		cx := x + float64(i%perRow)*150
		cy := y + float64(i/perRow)*18
		s.open("item")
		s.rect(cx, cy-9, 10, 10, colours[i], "swatch", n)
		s.text(cx+14, cy, "start", "legend", n)
		s.close()
	}
	s.close()
}

// loadsChart draws each rep's open leads over the period, one line each.
func loadsChart(start time.Time, step time.Duration, agents []string, open [][]int) template.HTML {
	const w, h, left, right, top = 960, 380, 48, 944, 16
	rows := (len(agents) + 5) / 6
	bottom := float64(h - 40 - rows*18)
	s := newSVG("chart-loads", "Open leads per rep over the quarter", w, h)
	top0 := 0
	for _, series := range open {
		for _, v := range series {
			top0 = max(top0, v)
		}
	}
	ymax := niceMax(float64(top0))
	s.yAxis(left, right, top, bottom, ymax, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	n := 0
	if len(open) > 0 {
		n = len(open[0])
	}
	x := func(k int) float64 { return left + (right-left)*float64(k)/math.Max(float64(n-1), 1) }
	s.open("x-axis")
	s.line(left, bottom, right, bottom, "axis")
	for k := 0; k < n; k += 14 {
		s.line(x(k), bottom, x(k), bottom+4, "axis")
	}
	for k := 0; k < n; k += 14 {
		s.text(x(k), bottom+18, "middle", "tick", start.Add(time.Duration(k)*step).Format("2 Jan"))
	}
	s.close()
	colours := make([]string, len(agents))
	s.open("lines")
	for i, series := range open {
		colours[i] = colour(i)
		var pts strings.Builder
		for k, v := range series {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(k), bottom-(bottom-top)*float64(v)/ymax)
		}
		fmt.Fprintf(&s.b, `<polyline class="series" data-agent="%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>`,
			html.EscapeString(agents[i]), colours[i], strings.TrimSpace(pts.String()))
	}
	s.close()
	s.legend(left, bottom+38, agents, colours, 6)
	return s.html()
}

// bar is one labelled value of a bar chart.
type bar struct {
	label string
	value float64
	text  string // shown at the end of the bar
}

// barChart draws horizontal bars scaled to max (or the largest value when
// max is 0), with a dashed mark at ref when it is positive.
func barChart(id, title string, bars []bar, max, ref float64, refLabel string) template.HTML {
	const w, left, right, rowH = 960, 200, 860, 26
	h := 30 + rowH*len(bars) + 24
	s := newSVG(id, title, w, h)
	for _, b := range bars {
		max = math.Max(max, b.value)
	}
	max = math.Max(max, ref)
	if max <= 0 {
		max = 1
	}
	scale := func(v float64) float64 { return (right - left) * v / max }
	s.open("bars")
	for i, b := range bars {
		y := float64(20 + i*rowH)
		s.open("row")
		s.text(left-8, y+14, "end", "label", b.label)
		s.rect(left, y+2, scale(b.value), rowH-8, colour(0), "bar", b.label+": "+b.text)
		s.text(left+scale(b.value)+6, y+14, "start", "value", b.text)
		s.close()
	}
	s.close()
	s.line(left, 14, left, float64(h-20), "axis")
	if ref > 0 {
		s.line(left+scale(ref), 10, left+scale(ref), float64(h-20), "ref")
		s.text(left+scale(ref), float64(h-6), "middle", "tick", refLabel)
	}
	return s.html()
}

// pairChart draws two bars per group (before and after) side by side.
func pairChart(id, title string, groups []string, before, after []float64, names [2]string) template.HTML {
	const w, h, left, right, top, bottom = 960, 360, 48, 944, 16, 290
	s := newSVG(id, title, w, h)
	top0 := 0.0
	for i := range groups {
		top0 = math.Max(top0, math.Max(before[i], after[i]))
	}
	ymax := niceMax(top0)
	s.yAxis(left, right, top, bottom, ymax, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	s.line(left, bottom, right, bottom, "axis")
	slot := (right - left) / math.Max(float64(len(groups)), 1)
	bw := slot * 0.35
	s.open("groups")
	for i, g := range groups {
		x0 := left + slot*float64(i) + slot*0.15
		s.open("group")
		for j, v := range []float64{before[i], after[i]} {
			hgt := (bottom - top) * v / ymax
			s.rect(x0+float64(j)*bw, bottom-hgt, bw-2, hgt, colour(j), "bar "+[]string{"before", "after"}[j],
				fmt.Sprintf("%s, %s: %.0f", g, names[j], v))
		}
		s.text(x0+bw, bottom+18, "middle", "tick", g)
		s.close()
	}
	s.close()
	s.legend(left, bottom+44, names[:], []string{colour(0), colour(1)}, 2)
	return s.html()
}
