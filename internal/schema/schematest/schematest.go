// Package schematest checks configuration files in tests: that they load
// strictly, satisfy the shipped JSON Schema, and round-trip.
package schematest

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/load"
	"github.com/strata-go/strata/internal/schema"
)

// Check parses data (JSON or YAML) with parse, checks the JSON it denotes
// against the schema in schemaFile, marshals what was parsed, parses that
// again and requires an equal value. It returns the parsed value.
func Check[T any](t testing.TB, schemaFile string, data []byte, parse func([]byte) (T, error)) T {
	t.Helper()
	v, err := parse(data)
	require.NoError(t, err, "the loader refused the document")
	s, err := os.ReadFile(schemaFile)
	require.NoError(t, err)
	var generic any
	require.NoError(t, load.Decode(data, &generic))
	doc, err := json.Marshal(generic)
	require.NoError(t, err)
	require.Empty(t, schema.Validate(s, doc), "the document does not satisfy %s", schemaFile)

	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.Empty(t, schema.Validate(s, out), "the marshalled value does not satisfy %s", schemaFile)
	again, err := parse(out)
	require.NoError(t, err, "the marshalled value does not load: %s", out)
	require.Equal(t, v, again, "load → marshal → load changed the value")
	return v
}
