package diagnostics

import (
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// TestCacheMountOnLongFile: what InstallWithoutCacheMount asks of the
// whole file (where the managers are told to answer yes, where apt's lists
// may be, which stages are copied from) is worked out once per analysis:
// asked once per upgrade, the first took 11 s of CPU on 3,000 upgrades.
func TestCacheMountOnLongFile(t *testing.T) {
	if testing.Short() {
		t.Skip("long file")
	}
	files := map[string]string{
		"upgrades": "FROM debian:12\n" + strings.Repeat("RUN apt-get update && apt-get upgrade\nRUN apt-get install -y curl git\n", 3000),
		"installs": "FROM debian:12\nRUN apt-get update\n" + strings.Repeat("RUN apt-get install -y pkg && echo done && ls\n", 4000),
		"stages":   strings.Repeat("FROM rust:1.78\nRUN cargo fetch && npm ci\nCOPY --from=0 /usr/local/cargo /usr/local/cargo\nRUN cargo build\n", 1500),
	}
	r := installWithoutCacheMount
	for name, text := range files {
		doc := dockerfile.Parse([]byte(text))
		var out []Finding
		if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil { // builds the state and parses the scripts
			t.Fatal(err)
		}
		start := testgen.ProcessCPU()
		if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil {
			t.Fatal(err)
		}
		if used := testgen.ProcessCPU() - start; used > 3*time.Second {
			t.Errorf("%s: %s took %v of CPU on %d instructions, more than 3 s", name, r.Name, used, len(doc.Instructions))
		}
	}
}
