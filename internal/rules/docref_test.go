package rules_test

import (
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/rules"
)

// ruleLanguageDoc returns the "The rule language" section of the root
// package's doc comment (doc.go), the public CEL function reference.
func ruleLanguageDoc(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	require.NotNil(t, f.Doc, "doc.go has no package comment")
	text := f.Doc.Text()
	start := strings.Index(text, "# The rule language")
	require.GreaterOrEqual(t, start, 0, "doc.go has no rule-language section")
	section := text[start+len("# The rule language"):]
	if end := strings.Index(section, "\n# "); end >= 0 {
		section = section[:end]
	}
	return section
}

// signatures finds, in the reference, the entries of function name: a line
// indented by one tab, "name(a type, b type) result" (several on one line
// are separated by ", "; the examples in the indented explanations below do
// not count), with the number of parameters each lists.
func signatures(doc, name string) []int {
	re := regexp.MustCompile(`(?:^|, )` + regexp.QuoteMeta(name) + `\(([^)]*)\)`)
	var arities []int
	for line := range strings.Lines(doc) {
		entry, ok := strings.CutPrefix(line, "\t")
		if !ok || strings.HasPrefix(entry, " ") || strings.HasPrefix(entry, "\t") {
			continue // not an entry: prose, or an explanation under one
		}
		for _, m := range re.FindAllStringSubmatch(entry, -1) {
			n := 0
			if strings.TrimSpace(m[1]) != "" {
				n = strings.Count(m[1], ",") + 1
			}
			arities = append(arities, n)
		}
	}
	return arities
}

// TestFunctionReferenceIsComplete: every function and macro the rule
// environment adds to CEL's standard library and string extension is in the
// public reference (doc.go, "The rule language"), with an entry for each
// number of arguments it accepts; and the reference documents nothing the
// environment does not have.
func TestFunctionReferenceIsComplete(t *testing.T) {
	doc := ruleLanguageDoc(t)
	env, err := rules.New()
	require.NoError(t, err)
	base, err := cel.NewEnv(ext.Strings())
	require.NoError(t, err)

	custom := map[string][]int{} // name -> the argument counts it accepts
	for name, fn := range env.CEL().Functions() {
		if _, std := base.Functions()[name]; std || strings.HasPrefix(name, "_") || strings.Contains(name, ".") {
			continue // standard, an operator (documented with Money), or a type's own
		}
		for _, o := range fn.OverloadDecls() {
			custom[name] = append(custom[name], len(o.ArgTypes()))
		}
	}
	stdMacros := map[string]bool{}
	for _, m := range cel.StandardMacros {
		stdMacros[m.Function()] = true
	}
	for _, m := range env.CEL().Macros() {
		if !stdMacros[m.Function()] {
			custom[m.Function()] = append(custom[m.Function()], m.ArgCount())
		}
	}
	require.NotEmpty(t, custom)
	for name, arities := range custom {
		documented := signatures(doc, name)
		for _, n := range arities {
			assert.Contains(t, documented, n, "%s with %d arguments is not in doc.go's rule-language reference", name, n)
		}
	}
	// The other way round: every entry names a function the environment has.
	entry := regexp.MustCompile(`(?m)^\t([a-z_]+)\(`)
	for _, m := range entry.FindAllStringSubmatch(doc, -1) {
		_, ok := custom[m[1]]
		assert.True(t, ok, "doc.go documents %s(), which the rule environment does not declare", m[1])
	}
}
