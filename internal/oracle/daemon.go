// Package oracle runs Dockerfiles on a real, standalone BuildKit and reports,
// per Dockerfile instruction, whether BuildKit executed it or took it from its
// cache. It is test-support code: the cache engine of the language server
// predicts re-runs, and this package produces the ground truth those
// predictions are checked against (see testdata/scenarios and observed.json).
//
// Nothing here may hang a test run: every external command runs under a
// context deadline, and the daemon is killed by process group on Close.
//
// The binaries and the busybox base image come from scripts/buildkit-setup.sh;
// base images cannot be pulled on the project's machines, so every external
// image name a Dockerfile mentions is mapped onto that local busybox image.
//
// Running it:
//
//	scripts/buildkit-setup.sh                  # once per machine; idempotent
//	go test ./internal/oracle                  # re-check observed.json
//	go test ./internal/oracle -run TestScenarios -update   # re-record
//	go test ./internal/oracle -run TestScenarios -scenarios DIR -update -v
//	                                           # try new fixtures elsewhere
//
// Without BuildKit the daemon tests skip with the reason, except under
// CI=true, where they fail: the recorded facts must be re-checked in CI.
package oracle

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
)

// EnvDir overrides the directory holding buildkitd, buildctl and
// busybox-oci/ (default: $HOME/.cache/dockerfile-ls/buildkit-<version>).
const EnvDir = "DOCKERFILE_LS_BUILDKIT_DIR"

// EnvSnapshotter forces a snapshotter ("overlayfs" or "native"). Unset, Start
// tries overlayfs and falls back to native when the daemon cannot use it.
const EnvSnapshotter = "DOCKERFILE_LS_BUILDKIT_SNAPSHOTTER"

const buildkitModule = "github.com/moby/buildkit"

// DefaultBuildTimeout bounds one buildctl build when BuildOpts.Timeout is 0.
// Fixture builds take about a second; the margin is for a loaded CI machine.
const DefaultBuildTimeout = 3 * time.Minute

// Daemon is a running buildkitd owned by this process.
type Daemon struct {
	Dir         string // state root given to Start
	Snapshotter string // the snapshotter that worked: "overlayfs" or "native"
	Bin         Binaries

	sock      string
	cmd       *exec.Cmd
	exited    chan struct{}
	waitErr   error
	logPath   string
	layout    string // this daemon's private copy of the busybox layout
	baseMu    sync.Mutex
	baseCache map[string]string // image name -> manifest digest in layout
	closeOnce sync.Once
	closeErr  error
	tmpSock   string // short socket dir, when Dir is too long for sun_path
}

// Binaries says where the pieces found by FindBinaries are.
type Binaries struct {
	Dir           string
	Buildkitd     string
	Buildctl      string
	BusyboxLayout string // OCI layout directory with one busybox manifest
	Version       string // BuildKit version the directory was chosen for
}

// BuildkitVersion is the BuildKit module version this binary was linked
// with (the go.mod requirement), falling back to reading go.mod when the
// binary carries no module information.
func BuildkitVersion() (string, error) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == buildkitModule {
				if d.Replace != nil && d.Replace.Version != "" {
					return d.Replace.Version, nil
				}
				return d.Version, nil
			}
		}
	}
	return versionFromGoMod()
}

func versionFromGoMod() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		f, err := os.Open(filepath.Join(d, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				fields := strings.Fields(sc.Text())
				for i := 0; i+1 < len(fields); i++ {
					if fields[i] == buildkitModule {
						return fields[i+1], nil
					}
				}
			}
			return "", fmt.Errorf("oracle: %s not required in %s/go.mod", buildkitModule, d)
		}
		if filepath.Dir(d) == d {
			return "", errors.New("oracle: cannot find go.mod to read the BuildKit version")
		}
	}
}

// FindBinaries locates buildkitd, buildctl and the busybox layout. The error
// lists everything that is missing and how to get it, because a skipped
// oracle test must say exactly why.
func FindBinaries() (Binaries, error) {
	var b Binaries
	version, verr := BuildkitVersion()
	b.Version = version
	b.Dir = os.Getenv(EnvDir)
	if b.Dir == "" {
		if verr != nil {
			return b, verr
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return b, fmt.Errorf("oracle: no $HOME and no $%s: %w", EnvDir, err)
		}
		b.Dir = filepath.Join(home, ".cache", "dockerfile-ls", "buildkit-"+version)
	}
	b.Buildkitd = filepath.Join(b.Dir, "buildkitd")
	b.Buildctl = filepath.Join(b.Dir, "buildctl")
	b.BusyboxLayout = filepath.Join(b.Dir, "busybox-oci")

	var missing []string
	for _, p := range []string{b.Buildkitd, b.Buildctl} {
		if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
			missing = append(missing, p)
		}
	}
	if _, err := os.Stat(filepath.Join(b.BusyboxLayout, "index.json")); err != nil {
		missing = append(missing, filepath.Join(b.BusyboxLayout, "index.json"))
	}
	if _, err := exec.LookPath("runc"); err != nil {
		missing = append(missing, "runc in $PATH (Debian package runc)")
	}
	if os.Geteuid() != 0 {
		missing = append(missing, "root privileges (buildkitd's OCI worker runs rootful here)")
	}
	if len(missing) > 0 {
		return b, fmt.Errorf("oracle: BuildKit %s not ready, missing: %s; run scripts/buildkit-setup.sh (or set $%s)",
			version, strings.Join(missing, ", "), EnvDir)
	}
	return b, nil
}

// Start launches a private buildkitd whose state lives under dir (created if
// needed; use a fresh temporary directory per test run). It returns once the
// daemon answers, or an error naming what is missing or what the daemon said.
func Start(ctx context.Context, dir string) (*Daemon, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	snaps := []string{"overlayfs", "native"}
	if s := os.Getenv(EnvSnapshotter); s != "" {
		snaps = []string{s}
	}
	var errs []error
	for _, snap := range snaps {
		d, err := start(ctx, bin, filepath.Join(dir, snap), snap)
		if err == nil {
			return d, nil
		}
		errs = append(errs, fmt.Errorf("snapshotter %s: %w", snap, err))
	}
	return nil, errors.Join(errs...)
}

func start(ctx context.Context, bin Binaries, dir, snapshotter string) (*Daemon, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	d := &Daemon{Dir: dir, Snapshotter: snapshotter, Bin: bin, exited: make(chan struct{}), baseCache: map[string]string{}}
	// A unix socket path must fit in sun_path (108 bytes); t.TempDir() paths
	// of long test names do not always.
	sockDir := dir
	if len(filepath.Join(dir, "buildkitd.sock")) > 100 {
		t, err := os.MkdirTemp("", "bk")
		if err != nil {
			return nil, err
		}
		d.tmpSock, sockDir = t, t
	}
	d.sock = filepath.Join(sockDir, "buildkitd.sock")
	d.logPath = filepath.Join(dir, "buildkitd.log")

	// The daemon gets a private copy of the layout because Build adds one
	// manifest per external image name to it (see base.go); the shared copy
	// in the cache directory stays read-only.
	d.layout = filepath.Join(dir, "busybox-oci")
	if err := copyTree(bin.BusyboxLayout, d.layout); err != nil {
		return nil, fmt.Errorf("copying busybox layout: %w", err)
	}

	logf, err := os.Create(d.logPath)
	if err != nil {
		return nil, err
	}
	d.cmd = exec.Command(bin.Buildkitd,
		"--root", filepath.Join(dir, "root"),
		"--addr", "unix://"+d.sock,
		"--oci-worker=true", "--containerd-worker=false",
		"--oci-worker-snapshotter="+snapshotter,
		"--oci-worker-net=host",
		"--otel-socket-path", filepath.Join(sockDir, "otel.sock"),
		"--cdi-disabled",
	)
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	// buildkitd makes scratch mount points in $TMPDIR and leaves some empty
	// ones behind; keep them inside dir so they go with it.
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		logf.Close()
		return nil, err
	}
	d.cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	// Own process group so Close can kill runc children too; Pdeathsig so a
	// test binary killed by `go test -timeout` does not leave a daemon behind.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := d.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", bin.Buildkitd, err)
	}
	go func() {
		d.waitErr = d.cmd.Wait()
		logf.Close()
		close(d.exited)
	}()

	// Ready when `buildctl debug workers` lists a worker. Usually ~0.1 s.
	deadline := time.Now().Add(30 * time.Second)
	for {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		out, err := d.buildctl(wctx, "debug", "workers").CombinedOutput()
		cancel()
		if err == nil && bytes.Count(out, []byte("\n")) >= 2 {
			break
		}
		select {
		case <-d.exited:
			return nil, fmt.Errorf("buildkitd exited (%v): %s", d.waitErr, d.logTail())
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			d.Close()
			return nil, fmt.Errorf("buildkitd not ready after 30s: %s", d.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// overlayfs problems show up at the first mount, not at start: prove the
	// snapshotter with a tiny build so Start can fall back to native.
	if err := d.selfTest(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("self-test build failed: %w", err)
	}
	return d, nil
}

func (d *Daemon) selfTest(ctx context.Context) error {
	tmp, err := os.MkdirTemp(d.Dir, "selftest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	df := "FROM busybox\nRUN echo ok > /ok\n"
	if err := os.WriteFile(filepath.Join(tmp, "Dockerfile"), []byte(df), 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	res, err := d.Build(ctx, BuildOpts{Context: tmp})
	if err != nil {
		return err
	}
	if len(res.Steps) != 1 || !res.Steps[0].Ran {
		return fmt.Errorf("self-test: RUN not reported as run: %+v", res.Steps)
	}
	return d.Prune(ctx)
}

func (d *Daemon) logTail() string {
	b, _ := os.ReadFile(d.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// buildctl prepares a buildctl command against this daemon. Callers pass a
// context with a deadline; exec.CommandContext kills buildctl when it fires.
func (d *Daemon) buildctl(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, d.Bin.Buildctl, append([]string{"--addr", "unix://" + d.sock}, args...)...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Prune drops every cache record, including cache mounts, so the next build
// starts cold. Scenarios prune before their first build.
func (d *Daemon) Prune(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := d.buildctl(ctx, "prune", "--all").CombinedOutput()
	if err != nil {
		return fmt.Errorf("buildctl prune: %w: %s", err, out)
	}
	return nil
}

// Close stops the daemon (SIGTERM, then SIGKILL to its process group after
// 15 s) and removes the temporary socket directory. Safe to call twice.
func (d *Daemon) Close() error {
	d.closeOnce.Do(func() {
		if d.cmd != nil && d.cmd.Process != nil {
			_ = d.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-d.exited:
			case <-time.After(15 * time.Second):
				_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
				<-d.exited
				d.closeErr = errors.New("buildkitd did not stop on SIGTERM; killed")
			}
		}
		if d.tmpSock != "" {
			os.RemoveAll(d.tmpSock)
		}
	})
	return d.closeErr
}

// copyTree copies a directory of regular files (an OCI layout).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
