package strata_test

import (
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeProgram is a Go program in README.md and the output shown below it.
type readmeProgram struct {
	line   int // of the opening fence
	source string
	output string
}

// readmePrograms returns the README's Go blocks, each with the text block
// that follows it.
func readmePrograms(t *testing.T, readme string) []readmeProgram {
	t.Helper()
	var progs []readmeProgram
	lines := strings.Split(readme, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```go" {
			continue
		}
		p := readmeProgram{line: i + 1}
		p.source, i = fenced(lines, i+1)
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) == ""; i++ {
		}
		require.Less(t, i, len(lines), "README.md:%d: the program has no output block after it", p.line)
		require.Equal(t, "```text", lines[i], "README.md:%d: the program's output block follows it", p.line)
		p.output, i = fenced(lines, i+1)
		progs = append(progs, p)
	}
	return progs
}

// fenced returns the lines from start to the closing fence, and the index
// of the fence.
func fenced(lines []string, start int) (string, int) {
	var b strings.Builder
	i := start
	for ; i < len(lines) && lines[i] != "```"; i++ {
		b.WriteString(lines[i])
		b.WriteByte('\n')
	}
	return b.String(), i
}

// TestReadmePrograms builds and runs every Go program in README.md as a
// user would copy it, and compares what it prints with the block below it:
// the README cannot drift from the API. The programs are laid over the
// module with go's -overlay, so nothing is written into the source tree.
func TestReadmePrograms(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	progs := readmePrograms(t, string(readme))
	require.NotEmpty(t, progs)
	root, err := os.Getwd()
	require.NoError(t, err)
	dir := t.TempDir()
	replace := map[string]string{}
	for i, p := range progs {
		require.True(t, strings.HasPrefix(p.source, "//"), "README.md:%d: a program opens with a comment saying what it shows", p.line)
		require.Contains(t, p.source, "\npackage main\n", "README.md:%d: a whole program", p.line)
		assert.NotContains(t, p.source, "strata/internal", "README.md:%d: users cannot import internal packages", p.line)
		file := filepath.Join(dir, fmt.Sprintf("p%d.go", i))
		require.NoError(t, os.WriteFile(file, []byte(p.source), 0o600))
		replace[filepath.Join(root, "examples", "readme", fmt.Sprintf("p%d", i), "main.go")] = file
	}
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	overlayFile := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o600))
	pkgs := []string{"build", "-overlay", overlayFile, "-o", dir + string(filepath.Separator)}
	for i := range progs {
		pkgs = append(pkgs, fmt.Sprintf("./examples/readme/p%d", i))
	}
	out, err := exec.CommandContext(t.Context(), "go", pkgs...).CombinedOutput()
	require.NoError(t, err, "the README's programs do not build:\n%s", out)
	for i, p := range progs {
		t.Run(fmt.Sprintf("line%d", p.line), func(t *testing.T) {
			formatted, err := format.Source([]byte(p.source))
			require.NoError(t, err)
			assert.Equal(t, string(formatted), p.source, "README.md:%d is not gofmt'ed", p.line)
			run := exec.CommandContext(t.Context(), filepath.Join(dir, fmt.Sprintf("p%d", i)))
			run.Dir = dir
			got, err := run.Output()
			require.NoError(t, err, "README.md:%d does not run", p.line)
			assert.Equal(t, p.output, string(got), "README.md:%d prints something else than the README shows", p.line)
		})
	}
}
