package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite testdata/structure.golden")

// rendered runs the program once for every test: the report's HTML and
// what it printed.
var rendered = sync.OnceValues(func() (out [2][]byte, err error) {
	dir, err := os.MkdirTemp("", "review")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	var stdout bytes.Buffer
	path := filepath.Join(dir, "review.html")
	if err := run(context.Background(), &stdout, options{out: path, dump: filepath.Join(dir, "q.jsonl")}); err != nil {
		return out, err
	}
	page, err := os.ReadFile(path)
	return [2][]byte{page, stdout.Bytes()}, err
})

func report(t *testing.T) []byte {
	t.Helper()
	out, err := rendered()
	require.NoError(t, err)
	return out[0]
}

// The charts the report must show.
var charts = []string{"chart-loads", "chart-conversion", "chart-first-contact", "chart-before-after"}

func TestRunPrintsAndWrites(t *testing.T) {
	out, err := rendered()
	require.NoError(t, err)
	stdout := string(out[1])
	assert.Contains(t, stdout, "Q2 2026 assignment review: 2026-04-01 to 2026-07-01, 5460 leads")
	assert.Contains(t, stdout, "never fired: trade-show-whales")
	assert.Contains(t, stdout, "proposed configuration:")
	doc := string(out[0])
	for _, id := range charts {
		assert.Contains(t, doc, `<svg id="`+id+`"`)
	}
	assert.NotContains(t, doc, "<script")
	assert.NotContains(t, strings.ReplaceAll(doc, `xmlns="http://www.w3.org/2000/svg"`, ""), "http://",
		"nothing fetched: the SVG namespace is the only address")
	assert.NotContains(t, doc, "https://")
	assert.NotContains(t, doc, "c-q2-", "no customer IDs on the page")
}

// The same files give the same page, byte for byte, and the records written
// out review to the same page.
func TestDeterministicAndRecordsRoundTrip(t *testing.T) {
	first := report(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "again.html")
	records := filepath.Join(dir, "q.jsonl")
	require.NoError(t, run(t.Context(), &bytes.Buffer{}, options{out: path, dump: records}))
	again, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(first), string(again))

	fromFile := filepath.Join(dir, "from-file.html")
	require.NoError(t, run(t.Context(), &bytes.Buffer{}, options{out: fromFile, records: records}))
	b, err := os.ReadFile(fromFile)
	require.NoError(t, err)
	stripSource := func(b []byte) string {
		var keep []string
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(l, `<p class="source">Records:`) {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	assert.Equal(t, stripSource(first), stripSource(b))
}

// outline lists the page's elements, one a line, indented by depth, with
// their ids and classes; runs of siblings alike are folded into one line
// with a count. It pins the structure, not the figures.
func outline(t *testing.T, doc []byte) string {
	root, err := html.Parse(bytes.NewReader(doc))
	require.NoError(t, err)
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	sig := func(n *html.Node) string {
		s := n.Data
		for _, a := range n.Attr {
			switch a.Key {
			case "id":
				s += "#" + a.Val
			case "class":
				s += "." + strings.ReplaceAll(a.Val, " ", ".")
			}
		}
		return s
	}
	walk = func(n *html.Node, depth int) {
		var kids []*html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				kids = append(kids, c)
			}
		}
		for i := 0; i < len(kids); {
			j := i + 1
			for j < len(kids) && sig(kids[j]) == sig(kids[i]) {
				j++
			}
			line := strings.Repeat("  ", depth) + sig(kids[i])
			if j-i > 1 {
				line += fmt.Sprintf(" ×%d", j-i)
			}
			b.WriteString(line + "\n")
			walk(kids[i], depth+1)
			i = j
		}
	}
	walk(root, 0)
	return b.String()
}

func TestGoldenStructure(t *testing.T) {
	got := outline(t, report(t))
	golden := filepath.Join("testdata", "structure.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./examples/review -run Golden -update")
	assert.Equal(t, string(want), got)
}

// chromium returns the path of the Chromium binary: STRATA_CHROMIUM, or
// chromium on the PATH in CI. It skips the test on a machine with only Go
// (neither STRATA_CHROMIUM nor STRATA_CI set) and fails in CI without one.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STRATA_CHROMIUM"); p != "" {
		return p
	}
	if os.Getenv("STRATA_CI") == "" {
		t.Skip("no Chromium: set STRATA_CHROMIUM (bash .ci/run installs it)")
	}
	p, err := exec.LookPath("chromium")
	require.NoError(t, err, "CI needs Chromium: STRATA_CHROMIUM is not set and chromium is not on the PATH")
	return p
}

// headless runs Chromium on a file with the flags this closed network needs
// and a fresh profile, and returns what it printed.
func headless(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "chromium: %s", stderr.String())
	return stdout.Bytes()
}

// screenshot renders a file and returns the PNG, decoded.
func screenshot(t *testing.T, bin, file string, w, h int) image.Image {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "shot.png")
	headless(t, bin, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", w, h), "file://"+file)
	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	return img
}

// ink measures an image: the standard deviation of its luminance (0–255)
// and the share of its pixels that are not near white.
func ink(img image.Image) (stddev, share float64) {
	var sum, sq float64
	var dark, n int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sq += l * l
			n++
			if l < 230 {
				dark++
			}
		}
	}
	mean := sum / float64(n)
	return math.Sqrt(sq/float64(n) - mean*mean), float64(dark) / float64(n)
}

// The report in a real headless Chromium: the page parses with every chart
// and its marks, the screenshot of the page is not blank, and each chart,
// shown alone, draws something.
func TestChromiumRendersEveryChart(t *testing.T) {
	bin := chromium(t)
	doc := report(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "review.html")
	require.NoError(t, os.WriteFile(file, doc, 0o644))

	dom := headless(t, bin, "--dump-dom", "file://"+file)
	root, err := html.Parse(bytes.NewReader(dom))
	require.NoError(t, err)
	svgs := map[string]*html.Node{}
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "svg" {
			for _, a := range n.Attr {
				if a.Key == "id" {
					svgs[a.Val] = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	marks := map[string]string{"chart-loads": "polyline", "chart-conversion": "rect", "chart-first-contact": "rect", "chart-before-after": "rect"}
	for _, id := range charts {
		n := svgs[id]
		require.NotNil(t, n, "chart %s missing from the rendered DOM", id)
		assert.Greater(t, count(n, marks[id]), 4, "chart %s has too few marks", id)
	}

	stddev, share := ink(screenshot(t, bin, file, 1100, 3800))
	assert.Greater(t, stddev, 20.0, "the page's screenshot is blank")
	assert.Greater(t, share, 0.03, "the page's screenshot is nearly empty")

	for _, id := range charts {
		var b bytes.Buffer
		require.NoError(t, html.Render(&b, svgs[id]))
		alone := filepath.Join(dir, id+".html")
		require.NoError(t, os.WriteFile(alone, []byte(`<!DOCTYPE html><html><body style="margin:0;background:#fff">`+b.String()+`</body></html>`), 0o644))
		stddev, share := ink(screenshot(t, bin, alone, 980, 420))
		assert.Greater(t, stddev, 10.0, "chart %s draws nothing", id)
		assert.Greater(t, share, 0.01, "chart %s is nearly empty", id)
	}
}

func count(n *html.Node, tag string) int {
	c := 0
	if n.Type == html.ElementNode && n.Data == tag {
		c++
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c += count(ch, tag)
	}
	return c
}
