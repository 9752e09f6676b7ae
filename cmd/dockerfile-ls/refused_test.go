package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONFixRefused (issue 16): a finding whose fix the rule refused says
// why in `check --format json`.
func TestJSONFixRefused(t *testing.T) {
	dir := t.TempDir()
	// USER 1001 is nobody the file or the image knows: its home, where
	// npm's cache is, is unknown, so no cache mount is written.
	write(t, dir, "Dockerfile", "FROM node:20\nUSER 1001\nRUN npm ci\n")
	code, out, errOut := inDir(t, dir, "check", "--format", "json", "--fail-level", "none")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var fs []jsonFinding
	if err := json.Unmarshal([]byte(out), &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Rule == "InstallWithoutCacheMount" {
			if len(f.Fixes) != 0 || !strings.Contains(f.FixRefused, "the home of user 1001") {
				t.Errorf("fixes %v, fixRefused %q", f.Fixes, f.FixRefused)
			}
			return
		}
	}
	t.Errorf("no InstallWithoutCacheMount finding in %s", out)
}
