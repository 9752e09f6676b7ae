package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report is the markdown report of everything measured.
func (b *bench) report(took time.Duration) string {
	r := &reporter{b: b}
	for _, s := range b.cfg.servers {
		r.names = append(r.names, s.name)
		if !s.floor && s.name != b.cfg.servers[0].name {
			r.others = append(r.others, s.name)
		}
	}
	r.base = r.names[0]
	r.header(took)
	r.section("Start-up: process start → initialize result", "start", []int{0})
	r.section("didOpen → first publishDiagnostics", "open", b.cfg.sizes)
	r.typing()
	r.full()
	r.byPosition()
	for _, q := range []struct{ cap, title string }{
		{"completion", "textDocument/completion"},
		{"hover", "textDocument/hover"},
		{"semanticTokens", "textDocument/semanticTokens/full"},
	} {
		var na []string
		for _, n := range r.names {
			if !b.res.caps[n][q.cap] {
				na = append(na, "`"+n+"`")
			}
		}
		if len(na) > 0 && len(b.res.caps) > 0 {
			fmt.Fprintf(&r.w, "%s: n/a for %s (not offered in its initialize result).\n\n", q.title, strings.Join(na, ", "))
		}
		r.section(q.title+" latency", q.cap, b.cfg.sizes)
	}
	r.memory()
	if len(b.res.errors) > 0 {
		r.w.WriteString("## Failures\n\n")
		for _, e := range b.res.errors {
			fmt.Fprintf(&r.w, "- %s\n", e)
		}
		r.w.WriteString("\n")
	}
	return r.w.String()
}

type reporter struct {
	b      *bench
	w      strings.Builder
	names  []string // every server, the baseline first
	base   string
	others []string // the servers compared with the baseline (not the stub)
}

func (r *reporter) header(took time.Duration) {
	b, w := r.b, &r.w
	host, _ := os.Hostname()
	lo, mid, hi := b.load.since(0)
	fmt.Fprintf(w, "# lspbench results\n\n")
	fmt.Fprintf(w, "- date: %s; took %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	fmt.Fprintf(w, "- machine: %s, %d CPUs (nproc), %s, %s/%s, %s\n", host, runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(w, "- load average (1 min) during the run: %.1f min, %.1f median, %.1f max\n", lo, mid, hi)
	fmt.Fprintf(w, "- command: `%s`\n", b.cfg.commandRun)
	for _, s := range b.cfg.servers {
		what := ""
		if s.floor {
			what = " (the floor: answers at once, does no work)"
		}
		fmt.Fprintf(w, "- server `%s`: `%s`%s\n", s.name, s.command, what)
	}
	if !b.skipped.IsZero() {
		fmt.Fprintf(w, "- **deadline**: the open, typing and request measurements reached `--deadline %s` at %s; what was left of them was skipped, so later rows (sizes, paces, requests, rounds) have fewer samples or none\n",
			b.cfg.deadline, b.skipped.UTC().Format("15:04:05 MST"))
	}
	fmt.Fprintf(w, "- ratios are other ÷ `%s` (above 1: `%s` is faster or smaller)\n\n", r.base, r.base)
}

func sep(cols int) string { return "|" + strings.Repeat("---|", cols) + "\n" }

// section is a table of one metric by size, a row per server.
func (r *reporter) section(title, metric string, sizes []int) {
	b, w := r.b, &r.w
	found := false
	for _, n := range r.names {
		for _, size := range sizes {
			if len(b.res.samples[n][key(metric, size)]) > 0 {
				found = true
			}
		}
	}
	if !found {
		return
	}
	fmt.Fprintf(w, "## %s\n\n", title)
	fmt.Fprintf(w, "| lines | server | n | p50 | p90 | p99 |")
	for _, o := range r.others {
		fmt.Fprintf(w, " %s÷%s p50 | %s÷%s p99 |", o, r.base, o, r.base)
	}
	w.WriteString("\n" + sep(6+2*len(r.others)))
	for _, size := range sizes {
		k := key(metric, size)
		label := strconv.Itoa(size)
		if size == 0 {
			label = "–"
		}
		for _, n := range r.names {
			s := b.res.samples[n][k]
			if len(s) == 0 {
				na := "n/a"
				if b.res.timedOut[n+" "+k] {
					na = "> " + b.cfg.timeout.String()
				}
				fmt.Fprintf(w, "| %s | %s | 0 | %s | %s | %s |%s\n", label, n, na, na, na, strings.Repeat(" |", 2*len(r.others)))
				continue
			}
			timedOut := ""
			if b.res.timedOut[n+" "+k] {
				timedOut = " (then one timed out > " + b.cfg.timeout.String() + ")"
			}
			fmt.Fprintf(w, "| %s | %s | %d%s | %s | %s | %s |", label, n, len(s), timedOut, fmtDur(pct(s, 50)), fmtDur(pct(s, 90)), fmtDur(pct(s, 99)))
			for _, o := range r.others {
				r.ratios(n == r.base, b.res.samples[o][k], b.res.samples[r.base][k])
			}
			w.WriteString("\n")
		}
	}
	w.WriteString("\n")
}

// ratios writes the p50 and p99 ratio cells of other to base (empty but
// on the baseline's row).
func (r *reporter) ratios(show bool, other, base []time.Duration) {
	if !show || len(other) == 0 || len(base) == 0 {
		r.w.WriteString(" | |")
		return
	}
	fmt.Fprintf(&r.w, " %s | %s |", ratio(pct(other, 50), pct(base, 50)), ratio(pct(other, 99), pct(base, 99)))
}

// pooled are a server's samples of a typing metric at size, over the
// paces and positions given (all when nil).
func (r *reporter) pooled(server, metric string, size int, paces []time.Duration, pos []string) []time.Duration {
	var all []time.Duration
	for _, p := range paces {
		for _, at := range pos {
			all = append(all, r.b.res.samples[server][typingKey(metric, size, p, at)]...)
		}
	}
	return all
}

func paceLabel(p time.Duration) string {
	if p == 0 {
		return "0 (on publish)"
	}
	return fmt.Sprintf("%d ms", p.Milliseconds())
}

// typing is the sweep: every size and pace, every server side by side.
func (r *reporter) typing() {
	b, w := r.b, &r.w
	if b.cfg.skipEdits {
		return
	}
	fmt.Fprintf(w, "## Typing: didChange → first publishDiagnostics of that version or a later one\n\n")
	fmt.Fprintf(w, "Bursts of %d keystrokes (%d letters typed, then deleted) at the start, middle and end of the file in turn; "+
		"p50 / p99 over every keystroke; *unpublished*: versions never published on their own (a later one was published first); "+
		"*load*: median 1-minute load average during the row's bursts.\n\n", 2*burstChars, burstChars)
	fmt.Fprintf(w, "| lines | pace | load |")
	for _, n := range r.names {
		fmt.Fprintf(w, " %s p50 / p99 | %s unpublished |", n, n)
	}
	for _, o := range r.others {
		fmt.Fprintf(w, " %s÷%s p50 / p99 |", o, r.base)
	}
	w.WriteString("\n" + sep(3+2*len(r.names)+len(r.others)))
	for _, size := range b.cfg.sizes {
		for _, p := range b.cfg.paces {
			loads := slices.Clone(b.res.load[typingKey("first", size, p, "")])
			slices.Sort(loads)
			load := "n/a"
			if len(loads) > 0 {
				load = fmt.Sprintf("%.1f", loads[len(loads)/2])
			}
			fmt.Fprintf(w, "| %d | %s | %s |", size, paceLabel(p), load)
			one := []time.Duration{p}
			for _, n := range r.names {
				s := r.pooled(n, "first", size, one, positions)
				unpub := 0
				for _, at := range positions {
					unpub += b.res.counts[n][typingKey("unpublished", size, p, at)]
				}
				fmt.Fprintf(w, " %s | %d of %d |", p50p99(s), unpub, len(s))
			}
			base := r.pooled(r.base, "first", size, one, positions)
			for _, o := range r.others {
				other := r.pooled(o, "first", size, one, positions)
				if len(other) == 0 || len(base) == 0 {
					w.WriteString(" n/a |")
					continue
				}
				fmt.Fprintf(w, " %s / %s |", ratio(pct(other, 50), pct(base, 50)), ratio(pct(other, 99), pct(base, 99)))
			}
			w.WriteString("\n")
		}
	}
	w.WriteString("\n")
}

// full is the time from a burst's last keystroke to the full publish, for
// the servers that publish one.
func (r *reporter) full() {
	b, w := r.b, &r.w
	var fulls []string
	for _, n := range r.names {
		if b.res.full[n] {
			fulls = append(fulls, n)
		}
	}
	if len(fulls) == 0 || b.cfg.skipEdits {
		return
	}
	fmt.Fprintf(w, "## Typing stops: the burst's last didChange → the full publish of that version\n\n")
	fmt.Fprintf(w, "Servers that publish a version twice (fast findings, then with the slower checks): %s; the others publish once.\n\n", strings.Join(fulls, ", "))
	fmt.Fprintf(w, "| lines | pace |")
	for _, n := range fulls {
		fmt.Fprintf(w, " %s p50 / p99 (bursts) |", n)
	}
	w.WriteString("\n" + sep(2+len(fulls)))
	for _, size := range b.cfg.sizes {
		for _, p := range b.cfg.paces {
			fmt.Fprintf(w, "| %d | %s |", size, paceLabel(p))
			for _, n := range fulls {
				s := r.pooled(n, "full", size, []time.Duration{p}, positions)
				fmt.Fprintf(w, " %s (%d) |", p50p99(s), len(s))
			}
			w.WriteString("\n")
		}
	}
	w.WriteString("\n")
}

// byPosition is the first publish by where the typing was, every pace
// together.
func (r *reporter) byPosition() {
	b, w := r.b, &r.w
	if b.cfg.skipEdits {
		return
	}
	fmt.Fprintf(w, "## Typing by position: first publish, every pace together\n\n")
	fmt.Fprintf(w, "| lines | position |")
	for _, n := range r.names {
		fmt.Fprintf(w, " %s p50 / p99 |", n)
	}
	w.WriteString("\n" + sep(2+len(r.names)))
	for _, size := range b.cfg.sizes {
		for _, at := range positions {
			fmt.Fprintf(w, "| %d | %s |", size, at)
			for _, n := range r.names {
				fmt.Fprintf(w, " %s |", p50p99(r.pooled(n, "first", size, b.cfg.paces, []string{at})))
			}
			w.WriteString("\n")
		}
	}
	w.WriteString("\n")
}

func p50p99(s []time.Duration) string {
	if len(s) == 0 {
		return "n/a"
	}
	return fmtDur(pct(s, 50)) + " / " + fmtDur(pct(s, 99))
}

func (r *reporter) memory() {
	b, w := r.b, &r.w
	if len(b.res.rss) == 0 {
		return
	}
	fmt.Fprintf(w, "## Memory: VmHWM after opening %d documents and receiving their diagnostics\n\n", b.cfg.docs)
	fmt.Fprintf(w, "| lines per document | server | VmHWM before opening | VmHWM (peak) | VmRSS at the end |")
	for _, o := range r.others {
		fmt.Fprintf(w, " %s÷%s peak |", o, r.base)
	}
	w.WriteString("\n" + sep(5+len(r.others)))
	for _, size := range b.cfg.rssSizes {
		for _, n := range r.names {
			m, ok := b.res.rss[n][size]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s |", size, n, fmtKiB(m.baseHWM), fmtKiB(m.hwm), fmtKiB(m.rss))
			for _, o := range r.others {
				om, ok := b.res.rss[o][size]
				if n != r.base || !ok || m.hwm == 0 {
					w.WriteString(" |")
					continue
				}
				fmt.Fprintf(w, " %.1f× |", float64(om.hwm)/float64(m.hwm))
			}
			w.WriteString("\n")
		}
	}
	w.WriteString("\n")
}
