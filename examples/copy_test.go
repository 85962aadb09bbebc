package examples_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExamplesBuildFromACopy copies each example in this module to a
// temporary module of its own that requires Strata through a replace
// directive, as a user copying it into their project would, then builds and
// runs it there. An example that reached into internal packages or read
// files from elsewhere in this repository would fail here.
func TestExamplesBuildFromACopy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds whole programs")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"quickstart", []string{"-lang", "en"}, "Routing: 700 assigned"},
		{"simulate", []string{"-days", "2", "-per-day", "40"}, "Gini (assignments)"},
		{"review", nil, "report written to review.html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyExample(t, filepath.Join(root, "examples", tc.name), dir)
			gomod := "module example.com/" + tc.name + "\n\ngo 1.26.0\n\n" +
				"require github.com/strata-go/strata v0.0.0\n\n" +
				"replace github.com/strata-go/strata => " + root + "\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
			sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))

			goCmd(t, dir, "mod", "tidy")
			bin := filepath.Join(dir, tc.name)
			goCmd(t, dir, "build", "-o", bin, ".")
			cmd := exec.CommandContext(t.Context(), bin, tc.args...)
			cmd.Dir = t.TempDir() // not the example's folder: the files are embedded
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Contains(t, string(out), tc.want)
		})
	}
}

// copyExample copies an example's files, tests excluded.
func copyExample(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	require.NoError(t, err)
}

// goCmd runs the go command in dir from the module cache only, so the test
// proves the copy needs nothing this module does not already have.
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), "go %s: %s", strings.Join(args, " "), out.String())
}
