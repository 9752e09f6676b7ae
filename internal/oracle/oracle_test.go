package oracle

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

var (
	update = flag.Bool("update", false, "run the scenarios on BuildKit and rewrite testdata/scenarios/*/observed.json")
	// scenarioDir lets a fixture author try new scenarios from elsewhere
	// before moving them into testdata (the minimum count is then not checked).
	scenarioDir = flag.String("scenarios", defaultScenarioDir, "directory of scenario fixtures")
)

const defaultScenarioDir = "testdata/scenarios"

// minScenarios guards against a loader bug turning the suite into a no-op.
const minScenarios = 32

var (
	sharedOnce   sync.Once
	sharedDaemon *Daemon
	sharedErr    error
	sharedStart  time.Duration
)

// startDaemon returns one buildkitd for the whole test binary (starting it
// costs a self-test build). Outside CI a missing BuildKit skips with the
// exact reason (as does -short); with CI=true it fails, so CI can never pass
// without having checked the recorded facts.
func startDaemon(t *testing.T) *Daemon {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	if testing.Short() && !ci {
		t.Skip("-short: not starting BuildKit")
	}
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "oracle-bk-")
		if err != nil {
			sharedErr = err
			return
		}
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		sharedDaemon, sharedErr = Start(ctx, dir)
		sharedStart = time.Since(t0)
		if sharedErr != nil {
			os.RemoveAll(dir)
		}
	})
	if sharedErr != nil {
		if ci {
			t.Fatalf("BuildKit oracle unavailable in CI: %v", sharedErr)
		}
		t.Skipf("BuildKit oracle unavailable (run scripts/buildkit-setup.sh): %v", sharedErr)
	}
	return sharedDaemon
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if sharedDaemon != nil {
		sharedDaemon.Close()
		os.RemoveAll(filepath.Dir(sharedDaemon.Dir))
	}
	os.Exit(code)
}

func TestScenarios(t *testing.T) {
	scs, err := LoadScenarios(*scenarioDir)
	if err != nil {
		t.Fatal(err)
	}
	if *scenarioDir == defaultScenarioDir && len(scs) < minScenarios {
		t.Fatalf("loaded %d scenarios, want at least %d", len(scs), minScenarios)
	}
	d := startDaemon(t)
	t.Logf("buildkitd %s (%s snapshotter) ready in %s", d.Bin.Version, d.Snapshotter, sharedStart.Round(time.Millisecond))
	total := time.Now()
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			t0 := time.Now()
			obs, err := d.RunScenario(ctx, sc)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: ran %v in %s", sc.Name, obs.RanLines(), time.Since(t0).Round(time.Millisecond))
			if got := obs.RanLines(); !slices.Equal(got, sc.ExpectRan) {
				t.Errorf("BuildKit re-ran lines %v, scenario.json expectRan says %v\nsteps: %+v", got, sc.ExpectRan, obs.Steps)
			}
			if *update {
				if err := sc.WriteObservation(obs); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := sc.LoadObservation()
			if err != nil {
				t.Fatalf("no committed observation (run with -update to record): %v", err)
			}
			if !reflect.DeepEqual(obs.Steps, want.Steps) {
				t.Errorf("BuildKit %s disagrees with observed.json (recorded with %s)\n got: %+v\nwant: %+v",
					d.Bin.Version, want.Buildkit, obs.Steps, want.Steps)
			}
		})
	}
	t.Logf("all scenarios: %s", time.Since(total).Round(time.Millisecond))
}

// TestExportAndErrors checks the export helpers against a real image and
// that failing and overlong builds come back as errors, not hangs.
func TestExportAndErrors(t *testing.T) {
	d := startDaemon(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("run.sh", "echo run\n")
	write("Dockerfile", "FROM debian:bookworm\nCOPY --chmod=0750 --chown=1000:1000 run.sh /run.sh\nRUN echo hi > /hi.txt\n")

	tarPath := filepath.Join(dir, "fs.tar")
	if _, err := d.Build(ctx, BuildOpts{Context: dir, Export: "type=tar,dest=" + tarPath}); err != nil {
		t.Fatal(err)
	}
	files, err := ListFiles(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]FileEntry{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	if f := byPath["run.sh"]; f.Mode != 0o750 || f.UID != 1000 || f.GID != 1000 || f.Size != 9 {
		t.Errorf("run.sh = %+v", f)
	}
	if f := byPath["hi.txt"]; f.SHA256 != "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4" {
		t.Errorf("hi.txt = %+v", f) // sha256("hi\n")
	}
	if f := byPath["bin/sh"]; f.LinkTarget == "" {
		t.Errorf("bin/sh should be a busybox symlink: %+v", f)
	}

	ociPath := filepath.Join(dir, "img.oci")
	if _, err := d.Build(ctx, BuildOpts{Context: dir, Export: "type=oci,dest=" + ociPath}); err != nil {
		t.Fatal(err)
	}
	// One busybox base layer, one for COPY, one for RUN.
	if n, err := LayerCount(ociPath); err != nil || n != 3 {
		t.Errorf("LayerCount = %d, %v; want 3", n, err)
	}

	write("Dockerfile", "FROM debian:bookworm\nRUN echo boom && false\n")
	if _, err := d.Build(ctx, BuildOpts{Context: dir}); err == nil {
		t.Error("failing RUN built without error")
	}

	write("Dockerfile", "FROM debian:bookworm\nRUN sleep 120\n")
	t0 := time.Now()
	_, err = d.Build(ctx, BuildOpts{Context: dir, Timeout: 3 * time.Second})
	if err == nil {
		t.Fatal("sleep 120 finished inside a 3s timeout?")
	}
	if el := time.Since(t0); el > 20*time.Second {
		t.Errorf("timed-out build took %s to return", el)
	}
	t.Logf("timeout error: %v", err)
}
