// Command lspbench measures what a user of a Dockerfile language server
// waits for, against any server that speaks LSP on stdio:
//
//   - process start to the initialize result;
//   - didOpen to the first publishDiagnostics;
//   - typing: for every keystroke (a didChange), the time to the first
//     publishDiagnostics of that version or a later one, at several paces
//     (the next keystroke is sent on time whether or not the last was
//     published; at pace 0, as soon as it was), at the start, middle and
//     end of files of several sizes; how many versions were never
//     published on their own; and, for a server that publishes a version
//     twice (fast findings first, a full analysis second), the time from
//     the last keystroke of a burst to the full publish;
//   - completion, hover and semantic-tokens latency when the server offers
//     them;
//   - peak RSS (VmHWM) after opening many documents.
//
// Several servers are measured in one run, alternating (round by round,
// in a rotating order) so that machine noise falls on all of them alike.
// The first server is the baseline of the ratio columns. A stub server
// that does no work (lspbench itself, see serveStub) runs beside them: its
// latency is the floor of what any server can show through this client,
// on this machine, at this load.
//
//	go run ./bench/lspbench --server "ours=bin/dockerfile-ls" \
//	    --server "ts=$(scripts/bench/install-ts-server.sh) --stdio"
//
// A server whose publishes carry no version is taken to publish once per
// version, in order (see publish).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

type serverSpec struct {
	name, command string
	floor         bool // the stub: no ratios, no memory
}

type serverFlags []serverSpec

func (s *serverFlags) String() string { return fmt.Sprint(*s) }

func (s *serverFlags) Set(v string) error {
	name, command, ok := strings.Cut(v, "=")
	if !ok || strings.ContainsAny(name, " \t/") {
		command = v
		name = filepath.Base(strings.Fields(v + " x")[0])
	}
	*s = append(*s, serverSpec{name: name, command: command})
	return nil
}

type intList []int

func (l *intList) String() string { return fmt.Sprint(*l) }

func (l *intList) Set(v string) error {
	*l = nil
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad size %q", f)
		}
		*l = append(*l, n)
	}
	return nil
}

type durationList []time.Duration

func (l *durationList) String() string { return fmt.Sprint(*l) }

func (l *durationList) Set(v string) error {
	*l = nil
	for _, f := range strings.Split(v, ",") {
		ms, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || ms < 0 {
			return fmt.Errorf("bad pace %q (milliseconds)", f)
		}
		*l = append(*l, time.Duration(ms)*time.Millisecond)
	}
	return nil
}

type config struct {
	servers    serverFlags
	sizes      intList
	rssSizes   intList
	paces      durationList
	keys       int
	think      time.Duration
	stub       bool
	rounds     int
	starts     int
	requests   int
	docs       int
	timeout    time.Duration
	budget     time.Duration
	deadline   time.Duration
	fullProbe  time.Duration
	out        string
	jsonOut    string
	workspace  string
	skipRSS    bool
	skipEdits  bool
	skipStarts bool
	commandRun string
}

func main() {
	var cfg config
	cfg.sizes = intList{20, 54, 200, 2000, 10000}
	cfg.rssSizes = intList{60, 2000}
	cfg.paces = durationList{0, 50 * time.Millisecond, 120 * time.Millisecond, 250 * time.Millisecond}
	serveStubFlag := flag.Bool("serve-stub", false, "be the stub server on stdin/stdout (lspbench runs itself so)")
	flag.Var(&cfg.servers, "server", `a server command, split on white space, optionally named: "name=cmd args" (repeat; the first is the baseline)`)
	flag.BoolVar(&cfg.stub, "stub", true, "measure the stub server (the floor) beside the others")
	flag.Var(&cfg.sizes, "sizes", "Dockerfile sizes in lines for the latency measurements")
	flag.Var(&cfg.paces, "pace", "time between keystrokes in milliseconds, a list; 0 sends the next keystroke when the last one's first publish arrives")
	flag.IntVar(&cfg.keys, "keys", 120, "keystrokes per server, size and pace (split over the rounds, in bursts of 12)")
	flag.IntVar(&cfg.keys, "edits", 120, "the same as --keys (its former name)")
	flag.DurationVar(&cfg.think, "think", 200*time.Millisecond, "pause after a burst's full publish before the next burst")
	flag.Var(&cfg.rssSizes, "rss-sizes", "Dockerfile sizes in lines for the memory measurement")
	flag.IntVar(&cfg.rounds, "rounds", 2, "alternation rounds for the latency measurements")
	flag.IntVar(&cfg.starts, "starts", 10, "start-up measurements per server (alternating)")
	flag.IntVar(&cfg.requests, "requests", 40, "completion, hover and semantic-tokens requests per size and server (split over the rounds)")
	flag.IntVar(&cfg.docs, "docs", 100, "documents opened for the memory measurement")
	flag.DurationVar(&cfg.budget, "budget", 120*time.Second, "time budget per server, size and kind of measurement (typing at one pace, each kind of request) over all rounds; at least 2 samples (bursts) per round are taken regardless")
	flag.DurationVar(&cfg.deadline, "deadline", 0, "wall time for the open, typing and request measurements (0: none); past it, what is left of them is skipped and the report says so, so that a slow server cannot stretch a run (start-up and memory always run)")
	flag.DurationVar(&cfg.timeout, "timeout", 60*time.Second, "longest wait for any one answer or publish")
	flag.DurationVar(&cfg.fullProbe, "full-probe", 5*time.Second, "how long to wait for a second publish of the opened version before deciding a server publishes once")
	flag.StringVar(&cfg.out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&cfg.jsonOut, "json", "", "write the raw samples (nanoseconds) as JSON to this file")
	flag.StringVar(&cfg.workspace, "workspace", "", "folder for the generated Dockerfiles (default: a new temporary folder, removed at the end)")
	flag.BoolVar(&cfg.skipRSS, "skip-rss", false, "skip the memory measurement")
	flag.BoolVar(&cfg.skipEdits, "skip-latency", false, "skip the open/typing/request measurements")
	flag.BoolVar(&cfg.skipStarts, "skip-start", false, "skip the start-up measurement")
	flag.Parse()
	if *serveStubFlag {
		if err := serveStub(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if len(cfg.servers) == 0 {
		fmt.Fprintln(os.Stderr, "lspbench: at least one --server is needed")
		flag.Usage()
		os.Exit(2)
	}
	cfg.commandRun = "lspbench " + strings.Join(os.Args[1:], " ")
	if cfg.stub {
		cmd, err := stubCommand()
		if err != nil {
			fmt.Fprintln(os.Stderr, "lspbench:", err)
			os.Exit(1)
		}
		cfg.servers = append(cfg.servers, serverSpec{name: "stub", command: cmd, floor: true})
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "lspbench:", err)
		os.Exit(1)
	}
}

// results holds every sample, by server and metric.
type results struct {
	samples  map[string]map[string][]time.Duration
	counts   map[string]map[string]int // unpublished versions, by server and typing key
	load     map[string][]float64      // the median load of each burst, by typing key
	rss      map[string]map[int]memSample
	full     map[string]bool            // the server publishes a second, full analysis
	timedOut map[string]bool            // "server metric/size" whose requests timed out
	caps     map[string]map[string]bool // completion, hover, semanticTokens
	errors   []string
}

type memSample struct{ baseHWM, hwm, rss int64 } // KiB

func (r *results) add(server, metric string, d time.Duration) {
	if r.samples[server] == nil {
		r.samples[server] = map[string][]time.Duration{}
	}
	r.samples[server][metric] = append(r.samples[server][metric], d)
}

func (r *results) count(server, metric string) {
	if r.counts[server] == nil {
		r.counts[server] = map[string]int{}
	}
	r.counts[server][metric]++
}

// addLoad records the median load since mark for metric's samples.
func (r *results) addLoad(metric string, l *loadSampler, mark int) {
	_, mid, _ := l.since(mark)
	r.load[metric] = append(r.load[metric], mid)
}

func (r *results) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(os.Stderr, "lspbench: "+msg)
	r.errors = append(r.errors, msg)
}

func run(cfg config) error {
	ws := cfg.workspace
	if ws == "" {
		dir, err := os.MkdirTemp("", "lspbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		ws = dir
	}
	ws, err := filepath.Abs(ws)
	if err != nil {
		return err
	}
	res := &results{
		samples:  map[string]map[string][]time.Duration{},
		counts:   map[string]map[string]int{},
		load:     map[string][]float64{},
		rss:      map[string]map[int]memSample{},
		full:     map[string]bool{},
		timedOut: map[string]bool{},
		caps:     map[string]map[string]bool{},
	}
	b := &bench{cfg: cfg, ws: ws, res: res, texts: map[int]string{}, load: startLoadSampler(time.Second)}
	defer b.load.close()
	for _, n := range append(append([]int{}, cfg.sizes...), cfg.rssSizes...) {
		b.texts[n] = testgen.Dockerfile(n, stagesFor(n))
	}
	started := time.Now()

	// Start-up, alternating.
	for i := 0; i < cfg.starts && !cfg.skipStarts; i++ {
		for _, s := range rotate(cfg.servers, i) {
			b.startup(s)
		}
	}
	// Latency, alternating round by round.
	if cfg.deadline > 0 {
		b.latencyEnd = time.Now().Add(cfg.deadline)
	}
	if !cfg.skipEdits {
		for r := 0; r < cfg.rounds && !b.overtime(); r++ {
			for _, s := range rotate(cfg.servers, r) {
				b.latencyRound(s, r)
			}
		}
	}
	// Memory, alternating size by size.
	if !cfg.skipRSS {
		for i, n := range cfg.rssSizes {
			for _, s := range rotate(cfg.servers, i) {
				if !s.floor {
					b.memoryRun(s, n)
				}
			}
		}
	}

	report := b.report(time.Since(started))
	fmt.Print(report)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if cfg.jsonOut != "" {
		raw, _ := json.MarshalIndent(map[string]any{"samples": res.samples, "unpublished": res.counts, "load": res.load, "rss": res.rss, "errors": res.errors}, "", " ")
		if err := os.WriteFile(cfg.jsonOut, raw, 0o644); err != nil {
			return err
		}
	}
	if len(res.errors) > 0 {
		return fmt.Errorf("%d measurement(s) failed (see above)", len(res.errors))
	}
	return nil
}

// stagesFor keeps the stage density of the Go benchmarks (2,000 lines in
// 110 stages).
func stagesFor(lines int) int { return max(1, lines*110/2000) }

func rotate(s []serverSpec, by int) []serverSpec {
	out := make([]serverSpec, 0, len(s))
	for i := range s {
		out = append(out, s[(i+by)%len(s)])
	}
	return out
}

type bench struct {
	cfg    config
	ws     string
	res    *results
	texts  map[int]string
	seq    int
	bursts int // typing bursts so far: they go round the positions
	load   *loadSampler
	// latencyEnd is cfg.deadline from the start (zero: none); skipped is
	// when it was first found past.
	latencyEnd time.Time
	skipped    time.Time
}

// overtime says whether the latency measurements are past their deadline,
// and records when that was first seen.
func (b *bench) overtime() bool {
	if b.latencyEnd.IsZero() || time.Now().Before(b.latencyEnd) {
		return false
	}
	if b.skipped.IsZero() {
		b.skipped = time.Now()
	}
	return true
}

// newDoc writes text as a Dockerfile in a new folder of the workspace, with
// a small build context beside it, and returns its URI.
func (b *bench) newDoc(text string) string {
	b.seq++
	dir := filepath.Join(b.ws, fmt.Sprintf("p%04d", b.seq))
	must(os.MkdirAll(filepath.Join(dir, "src", "app"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(text), 0o644))
	must(os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(".git\n*.log\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("flask==3.0.3\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "src", "app", "main.py"), []byte("print('hi')\n"), 0o644))
	return "file://" + filepath.ToSlash(filepath.Join(dir, "Dockerfile"))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func (b *bench) initParams() map[string]any {
	return map[string]any{
		"processId": os.Getpid(),
		"rootUri":   "file://" + filepath.ToSlash(b.ws),
		"workspaceFolders": []map[string]any{
			{"uri": "file://" + filepath.ToSlash(b.ws), "name": "bench"},
		},
		"capabilities": map[string]any{
			"textDocument": map[string]any{
				"synchronization":    map[string]any{"didSave": true},
				"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true},
				"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": true}},
				"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
				"semanticTokens": map[string]any{
					"requests":       map[string]any{"full": true},
					"tokenTypes":     []string{"keyword", "comment", "parameter", "property", "namespace", "class", "macro", "string", "variable", "operator"},
					"tokenModifiers": []string{"declaration", "definition", "deprecated"},
					"formats":        []string{"relative"},
				},
			},
		},
	}
}

// open starts a server and performs the handshake; it returns the time
// from process start to the initialize result.
func (b *bench) open(s serverSpec) (*conn, time.Duration, error) {
	c, err := startServer(s.name, s.command, b.ws)
	if err != nil {
		return nil, 0, err
	}
	r, err := c.call("initialize", b.initParams(), b.cfg.timeout)
	if err != nil {
		c.stop()
		return nil, 0, err
	}
	d := r.at.Sub(c.start)
	var init struct {
		Capabilities map[string]json.RawMessage `json:"capabilities"`
	}
	_ = json.Unmarshal(r.result, &init)
	has := func(k string) bool {
		v, ok := init.Capabilities[k]
		return ok && string(v) != "null" && string(v) != "false"
	}
	b.res.caps[s.name] = map[string]bool{
		"completion":     has("completionProvider"),
		"hover":          has("hoverProvider"),
		"semanticTokens": has("semanticTokensProvider"),
	}
	if err := c.notify("initialized", map[string]any{}); err != nil {
		c.stop()
		return nil, 0, err
	}
	return c, d, nil
}

func (b *bench) startup(s serverSpec) {
	c, d, err := b.open(s)
	if err != nil {
		b.res.fail("%s: start-up: %v", s.name, err)
		return
	}
	b.res.add(s.name, "start", d)
	c.stop()
}

func (b *bench) openDoc(c *conn, uri, text string) (time.Time, error) {
	return c.send(uri, 1, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
}

// latencyRound starts s once and measures, for every size: the open, the
// typing at every pace, and the requests.
func (b *bench) latencyRound(s serverSpec, round int) {
	c, _, err := b.open(s)
	if err != nil {
		b.res.fail("%s: round %d: %v", s.name, round, err)
		return
	}
	defer c.stop()
	keys := share(b.cfg.keys, b.cfg.rounds, round)
	for _, n := range b.cfg.sizes {
		if b.overtime() {
			return
		}
		if err := b.sizeRound(c, s, n, keys, share(b.cfg.requests, b.cfg.rounds, round)); err != nil {
			b.res.fail("%s: %d lines: %v", s.name, n, err)
			return
		}
	}
}

// sizeRound opens a document of n lines, types into it at every pace,
// sends the requests, and closes it.
func (b *bench) sizeRound(c *conn, s serverSpec, n, keys, requests int) error {
	text := b.texts[n]
	uri := b.newDoc(text)
	t0, err := b.openDoc(c, uri, text)
	if err != nil {
		return fmt.Errorf("didOpen: %w", err)
	}
	t1, ok := c.waitPublish(uri, 1, 1, b.cfg.timeout)
	if !ok {
		return fmt.Errorf("no publishDiagnostics within %s of didOpen", b.cfg.timeout)
	}
	b.res.add(s.name, key("open", n), t1.Sub(t0))
	// Does the server publish this version a second time (the full
	// analysis)? Only a server whose publishes carry versions can say.
	full := false
	if c.versioned(uri) {
		_, full = c.waitPublish(uri, 1, 2, b.cfg.fullProbe)
	}
	b.res.full[s.name] = full
	time.Sleep(200 * time.Millisecond) // let start-up work (build context loads) settle

	version := int32(1)
	pts := typingPoints(text)
	for _, pace := range b.cfg.paces {
		if err := b.typing(c, s, uri, pts, n, pace, keys, &version); err != nil {
			return err
		}
	}
	b.requests(c, s, uri, n, pts[1].line, requests)
	_ = c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	c.forget(uri)
	return nil
}

// requests measures completion, hover and semantic tokens at the start of
// line, when the server offers them.
func (b *bench) requests(c *conn, s serverSpec, uri string, n, line, requests int) {
	caps := b.res.caps[s.name]
	pos := map[string]any{"line": line, "character": 0}
	td := map[string]any{"uri": uri}
	budget := b.cfg.budget / time.Duration(b.cfg.rounds)
	for _, req := range []struct{ cap, method string }{
		{"completion", "textDocument/completion"},
		{"hover", "textDocument/hover"},
		{"semanticTokens", "textDocument/semanticTokens/full"},
	} {
		if !caps[req.cap] {
			continue
		}
		k := key(req.cap, n)
		deadline := time.Now().Add(budget)
		for i := 0; i < requests && !b.overtime() && (i < minSamples || time.Now().Before(deadline)); i++ {
			params := map[string]any{"textDocument": td, "position": pos}
			if req.cap == "semanticTokens" {
				params = map[string]any{"textDocument": td}
			}
			t0 := time.Now()
			r, err := c.call(req.method, params, b.cfg.timeout)
			if err != nil {
				// A server still busy with this request would delay every
				// later one: give up on this kind of request for this size.
				// A timeout is a result (reported as "> timeout"), not a
				// failure of the measurement.
				if !strings.Contains(err.Error(), "no answer") {
					b.res.fail("%s: %d lines: %v", s.name, n, err)
				}
				b.res.timedOut[s.name+" "+k] = true
				break
			}
			b.res.add(s.name, k, r.at.Sub(t0))
		}
	}
}

// minSamples is how many samples per round are taken whatever the budget
// (bursts, for typing).
const minSamples = 2

// share splits total over rounds, giving the remainder to the first ones.
func share(total, rounds, round int) int {
	n := total / rounds
	if round < total%rounds {
		n++
	}
	return n
}

func lspRange(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{
		"start": map[string]any{"line": l1, "character": c1},
		"end":   map[string]any{"line": l2, "character": c2},
	}
}

// memoryRun opens cfg.docs documents of n lines in a fresh server, waits
// for their diagnostics, and reads the peak RSS.
func (b *bench) memoryRun(s serverSpec, n int) {
	c, _, err := b.open(s)
	if err != nil {
		b.res.fail("%s: memory: %v", s.name, err)
		return
	}
	defer c.stop()
	time.Sleep(200 * time.Millisecond)
	baseHWM, _ := memory(c.pid())
	uris := make([]string, b.cfg.docs)
	for i := range uris {
		text := b.texts[n] + fmt.Sprintf("# document %d\n", i)
		uris[i] = b.newDoc(text)
		if _, err := b.openDoc(c, uris[i], text); err != nil {
			b.res.fail("%s: didOpen: %v", s.name, err)
			return
		}
	}
	for _, u := range uris {
		if _, ok := c.waitPublish(u, 1, 1, b.cfg.timeout); !ok {
			b.res.fail("%s: memory: no publish for %s within %s", s.name, u, b.cfg.timeout)
			return
		}
	}
	// A server that publishes twice: the second (full) publishes too, the
	// last of which may come long after the first of the last document.
	if _, full := c.waitPublish(uris[len(uris)-1], 1, 2, b.cfg.fullProbe); full {
		for _, u := range uris {
			if _, ok := c.waitPublish(u, 1, 2, b.cfg.timeout); !ok {
				b.res.fail("%s: memory: no full publish for %s within %s", s.name, u, b.cfg.timeout)
				return
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
	hwm, rss := memory(c.pid())
	if b.res.rss[s.name] == nil {
		b.res.rss[s.name] = map[int]memSample{}
	}
	b.res.rss[s.name][n] = memSample{baseHWM: baseHWM, hwm: hwm, rss: rss}
}

func key(metric string, size int) string {
	if metric == "start" {
		return metric
	}
	return fmt.Sprintf("%s/%d", metric, size)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
