// Package cldr fetches and reads the Unicode CLDR JSON packages that Strata's
// go generate programs turn into Go tables.
//
// The data is © Unicode, Inc., distributed under the Unicode License v3
// (https://www.unicode.org/license.txt); the generated files name that source
// and licence in their headers. This package is used only at generate time.
package cldr

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Fetch returns the directory of the named CLDR npm package at version,
// downloading it with `npm pack` into a temporary directory when dir is empty.
// A non-empty dir is returned unchanged, so a developer can point a generator
// at a package already unpacked.
func Fetch(dir, pkg, version string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	tmp, err := os.MkdirTemp("", "cldr-")
	if err != nil {
		return "", err
	}
	spec := pkg + "@" + version
	pack := exec.Command("npm", "pack", "--silent", spec)
	pack.Dir = tmp
	out, err := pack.Output()
	if err != nil {
		return "", fmt.Errorf("npm pack %s: %w", spec, err)
	}
	tgz := filepath.Join(tmp, string(trimSpace(out)))
	untar := exec.Command("tar", "xzf", tgz, "-C", tmp)
	if msg, err := untar.CombinedOutput(); err != nil {
		return "", fmt.Errorf("untar %s: %w: %s", tgz, err, msg)
	}
	return filepath.Join(tmp, "package"), nil
}

// ReadJSON decodes the JSON file at path into v.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
