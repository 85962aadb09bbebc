// Command holidays generates package timezone's built-in public holidays
// (every market but China, whose holidays and make-up workdays come from the
// State Council's notices in timezone/holidays/).
//
// Source: the npm package date-holidays (version below; code ISC licence,
// holiday data CC BY-SA 3.0 as its LICENSE file says, compiled from
// Wikipedia and official calendars by its contributors). The committed Node
// script holidays.cjs asks date-holidays for the public holidays of each
// country and of each of its subdivisions ("states"), with the observed-day
// rules date-holidays knows (a US holiday on a Saturday is observed on the
// Friday, a British bank holiday on a Sunday moves to Monday, Japan's 振替休日,
// Korea's 대체공휴일 …); this program checks the codes against ISO 3166 and
// writes timezone/zz_holidays.go. A subdivision is stored as its differences
// from the national list.
//
// Run from the module root (needs node and npm):
//
//	go run ./internal/gen/holidays [-modules DIR]
//
// Without -modules it installs date-holidays into a temporary directory.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata"
)

const (
	dateHolidaysVersion = "3.37.0"
	firstYear, lastYear = 2025, 2030
)

// countries are the export markets whose holidays are generated.
var countries = []string{"US", "GB", "DE", "FR", "IT", "ES", "NL", "PL", "JP", "KR", "SG", "HK", "TW", "MY", "TH",
	"VN", "ID", "PH", "IN", "AE", "SA", "TR", "BR", "MX", "AU", "CA"}

// renamed maps date-holidays' subdivision codes to current ISO 3166-2 codes
// where ISO changed them: India's Chhattisgarh, Odisha, Uttarakhand and
// Telangana, and Dadra and Nagar Haveli and Daman and Diu, merged in 2020
// (date-holidays' Dadra and Nagar Haveli list stands for the merged
// territory; its Daman and Diu list is left out).
var renamed = map[string]string{"IN-CT": "IN-CG", "IN-OR": "IN-OD", "IN-UT": "IN-UK", "IN-TG": "IN-TS", "IN-DN": "IN-DH"}

type day struct {
	Date       string `json:"date"`
	Name       string `json:"name"`
	From       string `json:"from"`
	Substitute bool   `json:"substitute"`
}

type region struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	Days   []day  `json:"days"`
}

func main() {
	modules := flag.String("modules", "", "node_modules directory holding date-holidays (default: npm install into a temporary directory)")
	out := flag.String("out", "timezone", "package directory to write into")
	flag.Parse()
	if err := run(*modules, *out); err != nil {
		log.Fatal(err)
	}
}

func run(modules, out string) error {
	if modules == "" {
		dir, err := install()
		if err != nil {
			return err
		}
		modules = dir
	}
	args := append([]string{filepath.Join("internal", "gen", "holidays", "holidays.cjs"), modules,
		strconv.Itoa(firstYear), strconv.Itoa(lastYear)}, countries...)
	raw, err := exec.Command("node", args...).Output()
	if err != nil {
		return fmt.Errorf("node holidays.cjs: %w", err)
	}
	var doc struct {
		Version string   `json:"version"`
		Regions []region `json:"regions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	if doc.Version != dateHolidaysVersion {
		return fmt.Errorf("date-holidays %s installed, want %s", doc.Version, dateHolidaysVersion)
	}
	src, err := generate(doc.Version, doc.Regions)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "zz_holidays.go"), src, 0o644)
}

// install puts date-holidays into a temporary node_modules.
func install() (string, error) {
	tmp, err := os.MkdirTemp("", "date-holidays-")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("npm", "install", "--silent", "--no-save", "--prefix", tmp, "date-holidays@"+dateHolidaysVersion)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install date-holidays: %w: %s", err, msg)
	}
	return filepath.Join(tmp, "node_modules"), nil
}

// entry is one day off as the generated table stores it.
type entry struct {
	date int    // YYYYMMDD
	name int    // index into the name table
	from int    // closed from this many minutes after midnight; 0: all day
	key  string // date and name, to compare lists
}

type table struct {
	names []string
	index map[string]int
}

func (t *table) name(s string) int {
	if i, ok := t.index[s]; ok {
		return i
	}
	t.index[s] = len(t.names)
	t.names = append(t.names, s)
	return len(t.names) - 1
}

// entries turns a region's days into sorted entries, one a date: where
// date-holidays lists two holidays on one date the first is kept, all day
// if either is.
func (t *table) entries(r region) ([]entry, error) {
	byDate := map[int]entry{}
	for _, d := range r.Days {
		n, err := strconv.Atoi(strings.ReplaceAll(d.Date, "-", ""))
		if err != nil {
			return nil, fmt.Errorf("%s: date %q", r.Region, d.Date)
		}
		from := 0
		if d.From != "" {
			h, m, ok := strings.Cut(d.From, ":")
			hh, e1 := strconv.Atoi(h)
			mm, e2 := strconv.Atoi(m)
			if !ok || e1 != nil || e2 != nil {
				return nil, fmt.Errorf("%s: time %q", r.Region, d.From)
			}
			from = hh*60 + mm
		}
		e, seen := byDate[n]
		switch {
		case !seen:
			byDate[n] = entry{date: n, name: t.name(d.Name), from: from, key: d.Date + " " + d.Name}
		case from == 0 && e.from != 0:
			e.from = 0
			byDate[n] = e
		}
	}
	out := make([]entry, 0, len(byDate))
	for _, e := range byDate {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b entry) int { return a.date - b.date })
	return out, nil
}

// isoCode returns the ISO 3166 code of a date-holidays region, or "" when
// it has none (Alderney, Daman and Diu …).
func isoCode(code string) string {
	if r, ok := renamed[code]; ok {
		code = r
	}
	if len(code) == 2 && strata.IsCountry(code) || strata.IsSubdivision(code) {
		return code
	}
	return ""
}

func generate(version string, regions []region) ([]byte, error) {
	t := &table{index: map[string]int{}}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/gen/holidays. DO NOT EDIT.\n")
	fmt.Fprintf(&b, "// Source: npm date-holidays %s (https://github.com/commenthol/date-holidays): code ISC\n", version)
	fmt.Fprintf(&b, "// licence; holiday data CC BY-SA 3.0, © its contributors, compiled from Wikipedia\n")
	fmt.Fprintf(&b, "// and official calendars. Public holidays only, %d–%d, observed days included.\n\n", firstYear, lastYear)
	fmt.Fprintf(&b, "package timezone\n\n")
	fmt.Fprintf(&b, "const (\n// dateHolidaysVersion is the date-holidays release the table comes from.\n")
	fmt.Fprintf(&b, "dateHolidaysVersion = %q\nbuiltinFirstYear, builtinLastYear = %d, %d\n)\n\n", version, firstYear, lastYear)
	var body bytes.Buffer
	national := map[string][]entry{}
	var skipped []string
	for _, r := range regions {
		code := isoCode(r.Region)
		if code == "" {
			skipped = append(skipped, r.Region)
			continue
		}
		es, err := t.entries(r)
		if err != nil {
			return nil, err
		}
		if len(code) == 2 {
			national[code] = es
			writeRegion(&body, code, r.Name, "", es, nil)
			continue
		}
		parent := code[:2]
		add, drop := diff(national[parent], es)
		if len(add) == 0 && len(drop) == 0 {
			continue // the national list
		}
		writeRegion(&body, code, r.Name, parent, add, drop)
	}
	if len(skipped) > 0 {
		log.Printf("left out (no ISO 3166-2 code): %s", strings.Join(skipped, " "))
	}
	fmt.Fprintf(&b, "// holidayNames are the holidays' names, in English where date-holidays has one.\n")
	fmt.Fprintf(&b, "var holidayNames = [...]string{\n")
	for i, n := range t.names {
		fmt.Fprintf(&b, "%d: %q,\n", i, n)
	}
	fmt.Fprintf(&b, "}\n\n// builtinRegions are the regions with built-in holidays, a subdivision as\n")
	fmt.Fprintf(&b, "// its differences from its country: days added and dates dropped.\n")
	fmt.Fprintf(&b, "var builtinRegions = []builtinRegion{\n")
	b.Write(body.Bytes())
	fmt.Fprintf(&b, "}\n")
	return format.Source(b.Bytes())
}

// diff returns the entries of sub not in nat, and the dates of nat not in sub.
func diff(nat, sub []entry) (add []entry, drop []int) {
	inSub := map[string]bool{}
	for _, e := range sub {
		inSub[fmt.Sprintf("%s %d", e.key, e.from)] = true
	}
	inNat := map[string]bool{}
	for _, e := range nat {
		k := fmt.Sprintf("%s %d", e.key, e.from)
		inNat[k] = true
		if !inSub[k] {
			drop = append(drop, e.date)
		}
	}
	for _, e := range sub {
		if !inNat[fmt.Sprintf("%s %d", e.key, e.from)] {
			add = append(add, e)
		}
	}
	return add, drop
}

func writeRegion(b *bytes.Buffer, code, name, parent string, days []entry, drop []int) {
	fmt.Fprintf(b, "{code: %q, name: %q, parent: %q,\n", code, name, parent)
	if len(days) > 0 {
		fmt.Fprintf(b, "days: []holidayDay{")
		for i, e := range days {
			if i%6 == 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(b, "{%d, %d, %d}, ", e.date, e.name, e.from)
		}
		fmt.Fprintf(b, "\n},\n")
	}
	if len(drop) > 0 {
		fmt.Fprintf(b, "drop: []int32{")
		for i, d := range drop {
			if i%10 == 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(b, "%d, ", d)
		}
		fmt.Fprintf(b, "\n},\n")
	}
	fmt.Fprintf(b, "},\n")
}
