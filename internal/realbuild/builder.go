package realbuild

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// DefaultTimeout bounds one build when Spec.Timeout is 0: an apt-get
// install of a few packages takes a minute here.
const DefaultTimeout = 10 * time.Minute

// Builder is one buildkitd with a state folder of its own: a fresh
// builder has an empty layer cache and empty cache mounts.
type Builder struct {
	dir     string
	sock    string
	bin     oracle.Binaries
	images  Images
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
}

// StartBuilder starts a fresh builder whose state lives in a new folder
// under parent, removed by Close: a copy of the seed folder's state (see
// seedFor), else empty. Its RUNs use the host's network, as the machine's
// apt and npm reach their archives.
func StartBuilder(ctx context.Context, parent string, images Images, seed string) (*Builder, error) {
	// Short: the socket path must fit in sun_path (108 bytes).
	dir, err := os.MkdirTemp(parent, "bk")
	if err != nil {
		return nil, fmt.Errorf("realbuild: builder folder: %w", err)
	}
	b, err := startIn(ctx, dir, images, seed)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return b, nil
}

// startIn starts a builder whose state lives in dir; Close removes dir,
// stop does not.
func startIn(ctx context.Context, dir string, images Images, seed string) (*Builder, error) {
	bin, err := oracle.FindBinaries()
	if err != nil {
		return nil, err
	}
	b := &Builder{dir: dir, sock: filepath.Join(dir, "s"), bin: bin, images: images, exited: make(chan struct{})}
	if seed != "" {
		if err := copySeed(ctx, seed, filepath.Join(dir, "root")); err != nil {
			return nil, err
		}
	}
	if err := b.start(ctx); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

func (b *Builder) start(ctx context.Context) error {
	logf, err := os.Create(filepath.Join(b.dir, "buildkitd.log"))
	if err != nil {
		return err
	}
	tmp := filepath.Join(b.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		logf.Close()
		return err
	}
	b.cmd = exec.Command(b.bin.Buildkitd, "--root", filepath.Join(b.dir, "root"), "--addr", "unix://"+b.sock,
		"--oci-worker=true", "--containerd-worker=false", "--oci-worker-net=host",
		"--otel-socket-path", filepath.Join(b.dir, "o"), "--cdi-disabled")
	b.cmd.Stdout, b.cmd.Stderr = logf, logf
	// buildkitd leaves scratch mount points in $TMPDIR: keep them in dir.
	b.cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	// Own process group, killed with the test binary.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := b.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("realbuild: starting buildkitd: %w", err)
	}
	go func() {
		b.waitErr = b.cmd.Wait()
		logf.Close()
		close(b.exited)
	}()
	return b.waitReady(ctx)
}

// waitReady returns once buildctl lists a worker.
func (b *Builder) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		out, err := b.buildctl(wctx, "debug", "workers").CombinedOutput()
		cancel()
		if err == nil && bytes.Count(out, []byte("\n")) >= 2 {
			return nil
		}
		select {
		case <-b.exited:
			return fmt.Errorf("realbuild: buildkitd exited (%v): %s", b.waitErr, b.logTail())
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("realbuild: buildkitd not ready after 30s: %s", b.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *Builder) logTail() string {
	out, _ := os.ReadFile(filepath.Join(b.dir, "buildkitd.log"))
	return tail(string(out), 2000)
}

func (b *Builder) buildctl(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.bin.Buildctl, append([]string{"--addr", "unix://" + b.sock}, args...)...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Close stops the daemon and removes its state.
func (b *Builder) Close() error {
	err := b.stop()
	if rmErr := os.RemoveAll(b.dir); rmErr != nil && err == nil {
		err = fmt.Errorf("realbuild: removing builder state: %w", rmErr)
	}
	return err
}

// stop stops the daemon: SIGTERM, then SIGKILL to its process group.
func (b *Builder) stop() error {
	if b.cmd == nil || b.cmd.Process == nil {
		return nil
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
		return nil
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-b.exited
		return errors.New("realbuild: buildkitd did not stop on SIGTERM; killed")
	}
}

// Spec is one build.
type Spec struct {
	Context    string // the build context, holding the Dockerfile
	Dockerfile string // default Context/Dockerfile
	Files      bool   // export the image and list its files
	// DiscardFiles exports the image's files to nowhere: BuildKit
	// unpacks every layer to do so.
	DiscardFiles bool
	LocalOutput  string        // else export the image's files into this folder
	ExportCache  string        // export the layer cache (mode=max) to this folder
	ImportCache  string        // import the layer cache from this folder
	Timeout      time.Duration // 0: DefaultTimeout
}

// Result is what a build did and left.
type Result struct {
	Files []oracle.FileEntry // with Spec.Files: the image's files, by path
	Ran   int                // Dockerfile steps that ran rather than came from the cache
	// Steps and Export are the time the Dockerfile's steps took and the
	// time exporting (the image's files, the layer cache) took: where a
	// build's time goes.
	Steps, Export time.Duration
	List          time.Duration // listing and hashing the exported files, after the build
	Duration      time.Duration
}

// BuildError is a build that failed: the failing step and its output.
type BuildError struct {
	Step   string // the failing vertex, as BuildKit names it
	Output string // the end of that step's output
	Err    error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("build failed at %s: %v\n%s", e.Step, e.Err, e.Output)
}

func (e *BuildError) Unwrap() error { return e.Err }

// Build builds the Dockerfile of s on this builder, with every base image
// mapped onto a local one; a base that maps onto none is an error.
func (b *Builder) Build(ctx context.Context, s Spec) (*Result, error) {
	args, err := b.buildArgs(s)
	if err != nil {
		return nil, err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	bctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := b.buildctl(bctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	runErr := cmd.Run()
	res := &Result{Duration: time.Since(start)}
	st, perr := parseProgress(stderr.Bytes())
	if runErr != nil {
		if bctx.Err() == context.DeadlineExceeded {
			runErr = fmt.Errorf("timed out after %s: %w", timeout, runErr)
		}
		return res, st.failure(runErr, stderr.String())
	}
	if perr != nil {
		return res, fmt.Errorf("realbuild: progress of %s: %w", s.Context, perr)
	}
	res.Ran, res.Steps, res.Export = st.ran, st.steps, st.export
	if s.Files {
		layout := filepath.Join(b.dir, "image")
		defer os.RemoveAll(layout)
		listStart := time.Now()
		base, err := b.images.baseLayers()
		if err == nil {
			res.Files, err = listImage(layout, base)
		}
		if err != nil {
			return res, fmt.Errorf("realbuild: listing the image: %w", err)
		}
		res.List = time.Since(listStart)
	}
	return res, nil
}

// buildArgs are the buildctl arguments of s.
func (b *Builder) buildArgs(s Spec) ([]string, error) {
	ctxDir, err := filepath.Abs(s.Context)
	if err != nil {
		return nil, err
	}
	df := s.Dockerfile
	if df == "" {
		df = filepath.Join(ctxDir, "Dockerfile")
	}
	text, err := os.ReadFile(df)
	if err != nil {
		return nil, fmt.Errorf("realbuild: %w", err)
	}
	keys, err := BaseImages(text)
	if err != nil {
		return nil, err
	}
	mapArgs, unmapped := b.images.contextArgs(keys)
	if len(unmapped) > 0 {
		return nil, fmt.Errorf("realbuild: no local image for %s", strings.Join(unmapped, ", "))
	}
	args := []string{"build", "--frontend", "dockerfile.v0",
		"--local", "context=" + ctxDir, "--local", "dockerfile=" + filepath.Dir(df),
		"--opt", "filename=" + filepath.Base(df),
		// Ignore "# syntax=" lines, which would pull a frontend image.
		"--opt", "cmdline=", "--progress=rawjson"}
	args = append(args, mapArgs...)
	switch {
	case s.Files:
		// The layers, not a tar of every file: see listImage.
		args = append(args, "--output", "type=oci,tar=false,dest="+filepath.Join(b.dir, "image"))
	case s.DiscardFiles:
		args = append(args, "--output", "type=tar,dest=/dev/null")
	case s.LocalOutput != "":
		args = append(args, "--output", "type=local,dest="+s.LocalOutput)
	}
	if s.ExportCache != "" {
		// Uncompressed: gzip of every layer was CPU spent for nothing, the
		// cache never leaves this machine.
		args = append(args, "--export-cache", "type=local,mode=max,compression=uncompressed,dest="+s.ExportCache)
	}
	if s.ImportCache != "" {
		args = append(args, "--import-cache", "type=local,src="+s.ImportCache)
	}
	return args, nil
}

// BaseImages lists the images a Dockerfile builds on, as named-context keys.
func BaseImages(text []byte) ([]string, error) {
	df, err := oracle.ParseDockerfile(text)
	if err != nil {
		return nil, fmt.Errorf("realbuild: parsing: %w", err)
	}
	return oracle.ExternalImages(df, nil), nil
}

// stepName matches the vertices of Dockerfile steps: "[stage-0 2/5] RUN …".
var stepName = regexp.MustCompile(`^\[[^\]]*\b\d+/\d+\] `)

// progress is what a build's rawjson progress stream says.
type progress struct {
	ran    int               // step vertices that ran
	steps  time.Duration     // the time they took
	export time.Duration     // the time exporting vertices took
	failed string            // the failing vertex's digest
	names  map[string]string // vertex digest -> name
	logs   map[string]*bytes.Buffer
}

type rawStatus struct {
	Vertexes []struct {
		Digest    string     `json:"digest"`
		Name      string     `json:"name"`
		Cached    bool       `json:"cached"`
		Started   *time.Time `json:"started"`
		Completed *time.Time `json:"completed"`
		Error     string     `json:"error"`
	} `json:"vertexes"`
	Logs []struct {
		Vertex string `json:"vertex"`
		Data   []byte `json:"data"`
	} `json:"logs"`
}

// parseProgress folds the stream: a vertex is reported several times, and
// counts as run when it completed without being cached.
func parseProgress(b []byte) (progress, error) {
	p := progress{names: map[string]string{}, logs: map[string]*bytes.Buffer{}}
	cached := map[string]bool{}
	started, completed := map[string]time.Time{}, map[string]time.Time{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // buildctl's own messages
		}
		var st rawStatus
		if err := json.Unmarshal(line, &st); err != nil {
			return p, fmt.Errorf("rawjson line: %w", err)
		}
		for _, v := range st.Vertexes {
			if v.Name != "" {
				p.names[v.Digest] = v.Name
			}
			cached[v.Digest] = cached[v.Digest] || v.Cached
			if v.Started != nil && started[v.Digest].IsZero() {
				started[v.Digest] = *v.Started
			}
			if v.Completed != nil {
				completed[v.Digest] = *v.Completed
			}
			if v.Error != "" && p.failed == "" {
				p.failed = v.Digest
			}
		}
		for _, l := range st.Logs {
			if p.logs[l.Vertex] == nil {
				p.logs[l.Vertex] = &bytes.Buffer{}
			}
			p.logs[l.Vertex].Write(l.Data)
		}
	}
	for dg, name := range p.names {
		took := completed[dg].Sub(started[dg])
		if completed[dg].IsZero() || started[dg].IsZero() {
			took = 0
		}
		switch {
		case stepName.MatchString(name) && !completed[dg].IsZero() && !cached[dg]:
			p.ran++
			p.steps += took
		case strings.HasPrefix(name, "exporting"):
			p.export += took
		}
	}
	return p, sc.Err()
}

// failure is the BuildError of a failed build: its failing step's output,
// else the end of what buildctl printed.
func (p progress) failure(err error, stderr string) error {
	e := &BuildError{Step: p.names[p.failed], Err: err}
	if l := p.logs[p.failed]; l != nil {
		e.Output = tail(l.String(), 3000)
		return e
	}
	var plain []string
	for _, l := range strings.Split(stderr, "\n") {
		if l != "" && !strings.HasPrefix(l, "{") {
			plain = append(plain, l)
		}
	}
	e.Output = tail(strings.Join(plain, "\n"), 3000)
	return e
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
