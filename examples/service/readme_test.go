package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRootReadmeService runs the service block of the repository's
// README.md as it is written, from the repository's root, with two
// substitutions: the built binary for "go run ." and a free port for 8080.
func TestRootReadmeService(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(readme), "<!-- try-the-service")
	require.True(t, ok, "the README marks the block")
	_, block, _ = strings.Cut(block, "```sh\n")
	script, _, _ := strings.Cut(block, "```")
	require.Contains(t, script, "cd examples/service\n")
	script = strings.ReplaceAll(script, "go run .", serviceBinary(t))
	script = strings.ReplaceAll(script, "127.0.0.1:8080", "127.0.0.1:"+freePort(t))
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -e\n"+script+"\nkill $(jobs -p)\nwait\n")
	cmd.Dir = root
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second // a service left running must not hold the test open
	require.NoError(t, cmd.Run(), "%s\n%s", stdout.String(), stderr.String())
	var d decision
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &d), stdout.String())
	assert.Equal(t, "assigned", d.Outcome)
	assert.Equal(t, "europe", d.Pool)
	assert.NotEmpty(t, d.Why)
	assert.NotContains(t, stderr.String(), "level\":\"ERROR")
}
