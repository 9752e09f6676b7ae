package oracle

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// BuildOpts describes one `buildctl build` with the Dockerfile frontend.
type BuildOpts struct {
	Context    string            // build context directory
	Dockerfile string            // Dockerfile path; default <Context>/Dockerfile
	Target     string            // --target stage; "" builds the last stage
	BuildArgs  map[string]string // --build-arg NAME=VALUE
	// Export is passed verbatim as buildctl --output, e.g.
	// "type=tar,dest=/tmp/x.tar" (read with ListFiles) or
	// "type=oci,dest=/tmp/x.oci" (read with LayerCount). "" exports nothing;
	// BuildKit still executes every step the target needs.
	Export  string
	Timeout time.Duration // whole-build deadline; 0 means DefaultBuildTimeout
	// NoBaseMapping passes external image names through unchanged, which
	// only works with a registry; by default they map onto busybox.
	NoBaseMapping bool
}

// StepResult is what BuildKit did with one Dockerfile instruction.
//
// Ran and Cached are both false when BuildKit reported no vertex for the
// instruction: its stage was not needed for the target, or (rare) BuildKit
// merged it with an identical operation of another stage and reported it
// under that stage's name.
type StepResult struct {
	Line   int    `json:"line"`  // 1-based line of the instruction in the Dockerfile
	Stage  string `json:"stage"` // stage name, or "stage-N" for unnamed stages
	Name   string `json:"name"`  // the instruction's first line as written
	Cached bool   `json:"cached"`
	Ran    bool   `json:"ran"`
	// Vertices lists the BuildKit vertices behind the step when there is
	// more than one: COPY --link is a copy onto scratch plus a "LINK" merge
	// onto the parent, cached independently. Ran/Cached follow the copy
	// vertex only; the merge re-runs whenever the parent changed but does
	// no file work, which is the point of --link.
	Vertices []VertexState `json:"vertices,omitempty"`
}

// VertexState is one vertex's cache outcome.
type VertexState struct {
	Name   string `json:"name"` // vertex name without the "[stage i/n] " prefix
	Cached bool   `json:"cached"`
}

// Vertex is one progress vertex as reported by --progress=rawjson, merged
// over all the status updates that mention it.
type Vertex struct {
	Digest    string
	Name      string
	Cached    bool
	Started   bool
	Completed bool
	Error     string
	Duration  time.Duration
}

// BuildResult is the outcome of one build.
type BuildResult struct {
	Steps    []StepResult // every vertex-producing instruction, in file order
	Internal []Vertex     // load build definition, load .dockerignore, context transfer, base image loads
	Vertices []Vertex     // all vertices in first-seen order
	Duration time.Duration
	Log      []byte // raw buildctl stderr (rawjson lines plus client warnings)
}

// Ran reports whether the instruction on line ran.
func (r *BuildResult) Ran(line int) bool {
	for _, s := range r.Steps {
		if s.Line == line {
			return s.Ran
		}
	}
	return false
}

// Build runs one build and classifies every step. A build that fails returns
// an error carrying BuildKit's message; the result is still returned when
// the progress stream could be parsed, so callers can see what ran.
func (d *Daemon) Build(ctx context.Context, o BuildOpts) (*BuildResult, error) {
	if o.Context == "" {
		return nil, errors.New("oracle: BuildOpts.Context is empty")
	}
	ctxDir, err := filepath.Abs(o.Context)
	if err != nil {
		return nil, err
	}
	dfPath := o.Dockerfile
	if dfPath == "" {
		dfPath = filepath.Join(ctxDir, "Dockerfile")
	}
	dfPath, err = filepath.Abs(dfPath)
	if err != nil {
		return nil, err
	}
	dt, err := os.ReadFile(dfPath)
	if err != nil {
		return nil, err
	}
	df, err := ParseDockerfile(dt)
	if err != nil {
		return nil, fmt.Errorf("oracle: parsing %s: %w", dfPath, err)
	}

	args := []string{"build",
		"--frontend", "dockerfile.v0",
		"--local", "context=" + ctxDir,
		"--local", "dockerfile=" + filepath.Dir(dfPath),
		"--opt", "filename=" + filepath.Base(dfPath),
		// An empty cmdline makes the built-in frontend ignore a
		// "# syntax=" line, which would otherwise pull a frontend image.
		"--opt", "cmdline=",
		// Hermetic RUNs: the fixtures never need a network.
		"--opt", "force-network-mode=none",
		"--progress=rawjson",
	}
	if o.Target != "" {
		args = append(args, "--opt", "target="+o.Target)
	}
	keys := make([]string, 0, len(o.BuildArgs))
	for k := range o.BuildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--opt", "build-arg:"+k+"="+o.BuildArgs[k])
	}
	mapped := map[string]bool{}
	if !o.NoBaseMapping {
		extra, err := d.baseContextOpts(df, o.BuildArgs)
		if err != nil {
			return nil, err
		}
		args = append(args, extra...)
		for _, n := range ExternalImages(df, o.BuildArgs) {
			mapped[n] = true
		}
	}
	if o.Export != "" {
		args = append(args, "--output", o.Export)
	}

	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultBuildTimeout
	}
	bctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := d.buildctl(bctx, args...)
	var stderr, stdout bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stdout
	start := time.Now()
	runErr := cmd.Run()
	res := &BuildResult{Duration: time.Since(start), Log: stderr.Bytes()}
	if bctx.Err() == context.DeadlineExceeded {
		runErr = fmt.Errorf("build timed out after %s (killed): %w", timeout, runErr)
	}

	vertices, perr := parseRawJSON(stderr.Bytes())
	res.Vertices = vertices
	if perr == nil {
		perr = res.classify(df, df.newImageResolver(o.BuildArgs), mapped)
	}
	if runErr != nil {
		return res, fmt.Errorf("oracle: buildctl build %s: %w\n%s", dfPath, runErr, buildFailure(vertices, stderr.Bytes()))
	}
	if perr != nil {
		return res, fmt.Errorf("oracle: %s: %w", dfPath, perr)
	}
	return res, nil
}

// rawStatus mirrors the parts of client.SolveStatus that rawjson prints.
type rawStatus struct {
	Vertexes []struct {
		Digest    string     `json:"digest"`
		Name      string     `json:"name"`
		Cached    bool       `json:"cached"`
		Started   *time.Time `json:"started"`
		Completed *time.Time `json:"completed"`
		Error     string     `json:"error"`
	} `json:"vertexes"`
}

// parseRawJSON folds the status stream into one record per vertex digest.
// A vertex is reported several times (queued, started, completed); cached
// arrives on one of those updates and is never withdrawn.
func parseRawJSON(b []byte) ([]Vertex, error) {
	byDigest := map[string]*Vertex{}
	starts := map[string]time.Time{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // buildctl's own log lines (e.g. fsverity warnings)
		}
		var st rawStatus
		if err := json.Unmarshal(line, &st); err != nil {
			return nil, fmt.Errorf("rawjson line: %w", err)
		}
		for _, rv := range st.Vertexes {
			v := byDigest[rv.Digest]
			if v == nil {
				v = &Vertex{Digest: rv.Digest}
				byDigest[rv.Digest] = v
				order = append(order, rv.Digest)
			}
			if rv.Name != "" {
				v.Name = rv.Name
			}
			v.Cached = v.Cached || rv.Cached
			if rv.Started != nil {
				v.Started = true
				if _, ok := starts[rv.Digest]; !ok {
					starts[rv.Digest] = *rv.Started
				}
			}
			if rv.Completed != nil {
				v.Completed = true
				if s, ok := starts[rv.Digest]; ok {
					v.Duration = rv.Completed.Sub(s)
				}
			}
			if rv.Error != "" {
				v.Error = rv.Error
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make([]Vertex, 0, len(order))
	for _, dg := range order {
		out = append(out, *byDigest[dg])
	}
	return out, nil
}

// classify turns vertices into per-instruction steps.
func (r *BuildResult) classify(df *Dockerfile, images *imageResolver, mapped map[string]bool) error {
	fromCounted := func(si int) bool {
		// dockerfile2llb consumes index 1 for FROM only when it emits an
		// image vertex itself: an external base not replaced by a named
		// context. Scratch and stage bases consume nothing.
		key, ok := images.external(df.Stages[si].BaseName)
		return ok && !mapped[key]
	}
	byStep := map[*StepDef][]Vertex{}
	var errs []error
	for _, v := range r.Vertices {
		pv, ok := parseVertexName(v.Name)
		if !ok {
			r.Internal = append(r.Internal, v)
			continue
		}
		s, err := df.locate(pv, fromCounted)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s == nil {
			r.Internal = append(r.Internal, v)
			continue
		}
		byStep[s] = append(byStep[s], v)
	}
	for i := range df.Steps {
		s := &df.Steps[i]
		sr := StepResult{Line: s.Line, Stage: s.Stage, Name: s.Text}
		vs := byStep[s]
		work := 0
		for _, v := range vs {
			// The "LINK" vertex of COPY --link only stacks the already
			// built layer onto the new parent (a merge op, no file work);
			// it re-runs whenever the parent changed. Whether the step ran
			// is decided by the copy vertex itself.
			if pv, _ := parseVertexName(v.Name); strings.HasPrefix(pv.text, "LINK ") {
				continue
			}
			work++
			if v.Started && !v.Cached {
				sr.Ran = true
			}
		}
		sr.Cached = work > 0 && !sr.Ran
		if len(vs) > 1 {
			for _, v := range vs {
				pv, _ := parseVertexName(v.Name)
				sr.Vertices = append(sr.Vertices, VertexState{Name: pv.text, Cached: v.Cached})
			}
			sort.SliceStable(sr.Vertices, func(a, b int) bool { return sr.Vertices[a].Name < sr.Vertices[b].Name })
		}
		r.Steps = append(r.Steps, sr)
	}
	return errors.Join(errs...)
}

// buildFailure extracts the useful part of a failed build: vertex errors and
// the last non-JSON lines buildctl printed.
func buildFailure(vs []Vertex, stderr []byte) string {
	var b strings.Builder
	for _, v := range vs {
		if v.Error != "" {
			fmt.Fprintf(&b, "vertex %q: %s\n", v.Name, v.Error)
		}
	}
	var plain []string
	for _, l := range strings.Split(string(stderr), "\n") {
		// Skip JSON and buildctl's harmless fsverity notice.
		if l != "" && !strings.HasPrefix(l, "{") && !strings.Contains(l, "fsverity") {
			plain = append(plain, l)
		}
	}
	if len(plain) > 20 {
		plain = plain[len(plain)-20:]
	}
	b.WriteString(strings.Join(plain, "\n"))
	return b.String()
}
