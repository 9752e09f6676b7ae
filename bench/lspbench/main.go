// Command lspbench measures what a user of a Dockerfile language server
// waits for, against any server that speaks LSP on stdio:
//
//   - process start to the initialize result;
//   - didOpen to the first publishDiagnostics;
//   - didChange to the first publishDiagnostics of that version, and, for a
//     server that publishes a version twice (fast findings first, a full
//     analysis second), to the second one;
//   - completion, hover and semantic-tokens latency when the server offers
//     them;
//   - peak RSS (VmHWM) after opening many documents.
//
// Several servers are measured in one run, alternating (round by round,
// in a rotating order) so that machine noise falls on all of them alike.
// The first server is the baseline of the ratio columns.
//
//	go run ./bench/lspbench --server "ours=bin/dockerfile-ls" \
//	    --server "ts=$(scripts/bench/install-ts-server.sh) --stdio"
//
// Edits are closed-loop: the next edit is sent when the previous one's last
// expected publish has arrived, as when a user types and reads. A server
// whose publishes carry no version is assumed to publish in order, and a
// publish is attributed to the last version sent for its document.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

type serverSpec struct{ name, command string }

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

type config struct {
	servers    serverFlags
	sizes      intList
	rssSizes   intList
	edits      int
	rounds     int
	starts     int
	requests   int
	docs       int
	timeout    time.Duration
	budget     time.Duration
	fullProbe  time.Duration
	out        string
	jsonOut    string
	workspace  string
	skipRSS    bool
	skipEdits  bool
	commandRun string
}

func main() {
	var cfg config
	cfg.sizes = intList{60, 2000, 10000}
	cfg.rssSizes = intList{60, 2000}
	flag.Var(&cfg.servers, "server", `a server command, split on white space, optionally named: "name=cmd args" (repeat; the first is the baseline)`)
	flag.Var(&cfg.sizes, "sizes", "Dockerfile sizes in lines for the latency measurements")
	flag.Var(&cfg.rssSizes, "rss-sizes", "Dockerfile sizes in lines for the memory measurement")
	flag.IntVar(&cfg.edits, "edits", 200, "incremental edits per size and server (split over the rounds)")
	flag.IntVar(&cfg.rounds, "rounds", 4, "alternation rounds for the latency measurements")
	flag.IntVar(&cfg.starts, "starts", 10, "start-up measurements per server (alternating)")
	flag.IntVar(&cfg.requests, "requests", 40, "completion, hover and semantic-tokens requests per size and server (split over the rounds)")
	flag.IntVar(&cfg.docs, "docs", 100, "documents opened for the memory measurement")
	flag.DurationVar(&cfg.budget, "budget", 120*time.Second, "time budget per server, size and kind of measurement (edits, each kind of request) over all rounds; at least 2 samples per round are taken regardless")
	flag.DurationVar(&cfg.timeout, "timeout", 60*time.Second, "longest wait for any one answer or publish")
	flag.DurationVar(&cfg.fullProbe, "full-probe", 5*time.Second, "how long to wait for a second publish of the opened version before deciding a server publishes once")
	flag.StringVar(&cfg.out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&cfg.jsonOut, "json", "", "write the raw samples (nanoseconds) as JSON to this file")
	flag.StringVar(&cfg.workspace, "workspace", "", "folder for the generated Dockerfiles (default: a new temporary folder, removed at the end)")
	flag.BoolVar(&cfg.skipRSS, "skip-rss", false, "skip the memory measurement")
	flag.BoolVar(&cfg.skipEdits, "skip-latency", false, "skip the open/edit/request measurements")
	flag.Parse()
	if len(cfg.servers) == 0 {
		fmt.Fprintln(os.Stderr, "lspbench: at least one --server is needed")
		flag.Usage()
		os.Exit(2)
	}
	cfg.commandRun = "lspbench " + strings.Join(os.Args[1:], " ")
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "lspbench:", err)
		os.Exit(1)
	}
}

// results holds every sample, by server and metric.
type results struct {
	samples  map[string]map[string][]time.Duration
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
		rss:      map[string]map[int]memSample{},
		full:     map[string]bool{},
		timedOut: map[string]bool{},
		caps:     map[string]map[string]bool{},
	}
	b := &bench{cfg: cfg, ws: ws, res: res, texts: map[int]string{}}
	for _, n := range append(append([]int{}, cfg.sizes...), cfg.rssSizes...) {
		b.texts[n] = testgen.Dockerfile(n, stagesFor(n))
	}
	started := time.Now()

	// Start-up, alternating.
	for i := 0; i < cfg.starts; i++ {
		for _, s := range rotate(cfg.servers, i) {
			b.startup(s)
		}
	}
	// Latency, alternating round by round.
	if !cfg.skipEdits {
		for r := 0; r < cfg.rounds; r++ {
			for _, s := range rotate(cfg.servers, r) {
				b.latencyRound(s, r)
			}
		}
	}
	// Memory, alternating size by size.
	if !cfg.skipRSS {
		for i, n := range cfg.rssSizes {
			for _, s := range rotate(cfg.servers, i) {
				b.memoryRun(s, n)
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
		raw, _ := json.MarshalIndent(map[string]any{"samples": res.samples, "rss": res.rss, "errors": res.errors}, "", " ")
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
	cfg   config
	ws    string
	res   *results
	texts map[int]string
	seq   int
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
	c.sent(uri, 1)
	t0 := time.Now()
	return t0, c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
}

// latencyRound starts s once and measures open, edits and requests for
// every size.
func (b *bench) latencyRound(s serverSpec, round int) {
	c, _, err := b.open(s)
	if err != nil {
		b.res.fail("%s: round %d: %v", s.name, round, err)
		return
	}
	defer c.stop()
	edits := share(b.cfg.edits, b.cfg.rounds, round)
	requests := share(b.cfg.requests, b.cfg.rounds, round)
	budget := b.cfg.budget / time.Duration(b.cfg.rounds)
	for _, n := range b.cfg.sizes {
		text := b.texts[n]
		uri := b.newDoc(text)
		t0, err := b.openDoc(c, uri, text)
		if err != nil {
			b.res.fail("%s: didOpen: %v", s.name, err)
			return
		}
		t1, ok := c.waitPublish(uri, 1, 1, b.cfg.timeout)
		if !ok {
			b.res.fail("%s: no publishDiagnostics within %s of didOpen (%d lines)", s.name, b.cfg.timeout, n)
			return
		}
		b.res.add(s.name, fmt.Sprintf("open/%d", n), t1.Sub(t0))
		// Does the server publish this version a second time (the full
		// analysis)? Only a server whose publishes carry versions can say.
		full := false
		if c.versioned(uri) {
			_, full = c.waitPublish(uri, 1, 2, b.cfg.fullProbe)
		}
		b.res.full[s.name] = full
		time.Sleep(200 * time.Millisecond) // let start-up work (build context loads) settle

		line, col := editPoint(text)
		version := int32(1)
		deadline := time.Now().Add(budget)
		for e := 0; e < edits && (e < minSamples || time.Now().Before(deadline)); e++ {
			version++
			var change map[string]any
			if e%2 == 0 { // type a character, then delete it
				change = map[string]any{"range": lspRange(line, col, line, col), "text": "x"}
			} else {
				change = map[string]any{"range": lspRange(line, col, line, col+1), "text": ""}
			}
			c.sent(uri, version)
			t0 := time.Now()
			if err := c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri, "version": version},
				"contentChanges": []any{change},
			}); err != nil {
				b.res.fail("%s: didChange: %v", s.name, err)
				return
			}
			t1, ok := c.waitPublish(uri, version, 1, b.cfg.timeout)
			if !ok {
				b.res.fail("%s: no publishDiagnostics for version %d within %s (%d lines)", s.name, version, b.cfg.timeout, n)
				return
			}
			b.res.add(s.name, fmt.Sprintf("change/%d", n), t1.Sub(t0))
			if full {
				t2, ok := c.waitPublish(uri, version, 2, b.cfg.timeout)
				if !ok {
					b.res.fail("%s: no second (full) publish for version %d within %s (%d lines)", s.name, version, b.cfg.timeout, n)
					return
				}
				b.res.add(s.name, fmt.Sprintf("full/%d", n), t2.Sub(t0))
			}
		}

		caps := b.res.caps[s.name]
		pos := map[string]any{"line": line, "character": 0}
		td := map[string]any{"uri": uri}
		for _, req := range []struct{ cap, method string }{
			{"completion", "textDocument/completion"},
			{"hover", "textDocument/hover"},
			{"semanticTokens", "textDocument/semanticTokens/full"},
		} {
			if !caps[req.cap] {
				continue
			}
			k := fmt.Sprintf("%s/%d", req.cap, n)
			deadline := time.Now().Add(budget)
			for i := 0; i < requests && (i < minSamples || time.Now().Before(deadline)); i++ {
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
		_ = c.notify("textDocument/didClose", map[string]any{"textDocument": td})
		c.forget(uri)
	}
}

// minSamples is how many samples per round are taken whatever the budget.
const minSamples = 2

// share splits total over rounds, giving the remainder to the first ones.
func share(total, rounds, round int) int {
	n := total / rounds
	if round < total%rounds {
		n++
	}
	return n
}

// editPoint is the end of the middle "RUN echo" line: the edits type into a
// shell command, as a user does.
func editPoint(text string) (line, col int) {
	lines := strings.Split(text, "\n")
	for i := len(lines) / 2; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "RUN echo") {
			return i, len(lines[i])
		}
	}
	return len(lines) / 2, 0
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
	full := b.res.full[s.name]
	for _, u := range uris {
		nth := 1
		if full {
			nth = 2
		}
		if _, ok := c.waitPublish(u, 1, nth, b.cfg.timeout); !ok {
			b.res.fail("%s: memory: no publish %d for %s within %s", s.name, nth, u, b.cfg.timeout)
			return
		}
	}
	time.Sleep(500 * time.Millisecond)
	hwm, rss := memory(c.pid())
	if b.res.rss[s.name] == nil {
		b.res.rss[s.name] = map[int]memSample{}
	}
	b.res.rss[s.name][n] = memSample{baseHWM: baseHWM, hwm: hwm, rss: rss}
}

func (b *bench) report(took time.Duration) string {
	var w strings.Builder
	names := make([]string, len(b.cfg.servers))
	for i, s := range b.cfg.servers {
		names[i] = s.name
	}
	base := names[0]
	host, _ := os.Hostname()
	fmt.Fprintf(&w, "# lspbench results\n\n")
	fmt.Fprintf(&w, "- date: %s; took %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	fmt.Fprintf(&w, "- machine: %s, %d CPUs (nproc), %s, %s/%s, %s\n", host, runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&w, "- command: `%s`\n", b.cfg.commandRun)
	for _, s := range b.cfg.servers {
		fmt.Fprintf(&w, "- server `%s`: `%s`\n", s.name, s.command)
	}
	fmt.Fprintf(&w, "- ratios are other ÷ `%s` (above 1: `%s` is faster or smaller)\n\n", base, base)

	ratioCols := func() string {
		var h strings.Builder
		for _, n := range names[1:] {
			fmt.Fprintf(&h, " %s÷%s p50 | %s÷%s p99 |", n, base, n, base)
		}
		return h.String()
	}
	sep := func(cols int) string { return "|" + strings.Repeat("---|", cols) + "\n" }

	section := func(title, metric string, sizes []int) {
		found := false
		for _, n := range names {
			for _, size := range sizes {
				if len(b.res.samples[n][key(metric, size)]) > 0 {
					found = true
				}
			}
		}
		if !found && metric != "start" {
			return
		}
		fmt.Fprintf(&w, "## %s\n\n", title)
		fmt.Fprintf(&w, "| lines | server | n | p50 | p90 | p99 |%s\n", ratioCols())
		w.WriteString(sep(6 + 2*(len(names)-1)))
		for _, size := range sizes {
			k := key(metric, size)
			bs := b.res.samples[base][k]
			for _, n := range names {
				s := b.res.samples[n][k]
				label := strconv.Itoa(size)
				if size == 0 {
					label = "–"
				}
				if len(s) == 0 {
					na := "n/a"
					if b.res.timedOut[n+" "+k] {
						na = "> " + b.cfg.timeout.String()
					}
					fmt.Fprintf(&w, "| %s | %s | 0 | %s | %s | %s |%s\n", label, n, na, na, na, strings.Repeat(" |", 2*(len(names)-1)))
					continue
				}
				timedOut := ""
				if b.res.timedOut[n+" "+k] {
					timedOut = " (then one timed out > " + b.cfg.timeout.String() + ")"
				}
				fmt.Fprintf(&w, "| %s | %s | %d%s | %s | %s | %s |", label, n, len(s), timedOut, fmtDur(pct(s, 50)), fmtDur(pct(s, 90)), fmtDur(pct(s, 99)))
				for _, o := range names[1:] {
					other := b.res.samples[o][k]
					if n != base || len(other) == 0 || len(bs) == 0 {
						w.WriteString(" | |")
						continue
					}
					fmt.Fprintf(&w, " %s | %s |", ratio(pct(other, 50), pct(bs, 50)), ratio(pct(other, 99), pct(bs, 99)))
				}
				w.WriteString("\n")
			}
		}
		w.WriteString("\n")
	}
	section("Start-up: process start → initialize result", "start", []int{0})
	section("didOpen → first publishDiagnostics", "open", b.cfg.sizes)
	section("didChange → first publishDiagnostics of that version (what the user sees first)", "change", b.cfg.sizes)
	fmt.Fprintf(&w, "Full publish (the second publish of the version, with the slower checks): ")
	for _, n := range names {
		if b.res.full[n] {
			fmt.Fprintf(&w, "`%s` yes; ", n)
		} else {
			fmt.Fprintf(&w, "`%s` n/a (publishes once); ", n)
		}
	}
	w.WriteString("\n\n")
	section("didChange → full publish of that version", "full", b.cfg.sizes)
	for _, r := range []struct{ cap, title string }{
		{"completion", "textDocument/completion"},
		{"hover", "textDocument/hover"},
		{"semanticTokens", "textDocument/semanticTokens/full"},
	} {
		var na []string
		for _, n := range names {
			if !b.res.caps[n][r.cap] {
				na = append(na, "`"+n+"`")
			}
		}
		if len(na) > 0 {
			fmt.Fprintf(&w, "%s: n/a for %s (not offered in its initialize result).\n\n", r.title, strings.Join(na, ", "))
		}
		section(r.title+" latency", r.cap, b.cfg.sizes)
	}

	if len(b.res.rss) > 0 {
		fmt.Fprintf(&w, "## Memory: VmHWM after opening %d documents and receiving their diagnostics\n\n", b.cfg.docs)
		fmt.Fprintf(&w, "| lines per document | server | VmHWM before opening | VmHWM (peak) | VmRSS at the end |")
		for _, o := range names[1:] {
			fmt.Fprintf(&w, " %s÷%s peak |", o, base)
		}
		w.WriteString("\n" + sep(5+len(names)-1))
		for _, size := range b.cfg.rssSizes {
			for _, n := range names {
				m, ok := b.res.rss[n][size]
				if !ok {
					fmt.Fprintf(&w, "| %d | %s | n/a | n/a | n/a |%s\n", size, n, strings.Repeat(" |", len(names)-1))
					continue
				}
				fmt.Fprintf(&w, "| %d | %s | %s | %s | %s |", size, n, fmtKiB(m.baseHWM), fmtKiB(m.hwm), fmtKiB(m.rss))
				for _, o := range names[1:] {
					om, ok := b.res.rss[o][size]
					if n != base || !ok || m.hwm == 0 {
						w.WriteString(" |")
						continue
					}
					fmt.Fprintf(&w, " %.1f× |", float64(om.hwm)/float64(m.hwm))
				}
				w.WriteString("\n")
			}
		}
		w.WriteString("\n")
	}
	if len(b.res.errors) > 0 {
		w.WriteString("## Failures\n\n")
		for _, e := range b.res.errors {
			fmt.Fprintf(&w, "- %s\n", e)
		}
		w.WriteString("\n")
	}
	return w.String()
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
