package pkgmgr

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// TestCorpus runs every RUN instruction of the real-world Dockerfiles
// through the document model's script and Classify: nothing may panic, every
// offset must stay inside the text, and the common managers must be found.
func TestCorpus(t *testing.T) {
	runs := corpusRuns(t)
	counts := map[string]int{}
	parseErrors := 0
	for _, r := range runs {
		if r.script.Err != nil {
			parseErrors++
		}
		for _, c := range r.script.Commands {
			checkCommand(t, r, c)
			if inv, ok := Classify(c); ok {
				counts[inv.Manager.Name+" "+inv.Action]++
			}
		}
	}
	t.Logf("%d RUN instructions, %d shell syntax errors", len(runs), parseErrors)
	logCounts(t, counts)
	// Floors at about 70% of today's counts, in the in-repo sample and in
	// the full corpus: a drop means classification broke.
	mode := 0
	if testgen.FullCorpus() {
		mode = 1
	}
	for key, floor := range map[string][2]int{
		"apt install": {180, 2200}, "apt update": {115, 1300}, "apt clean": {50, 700}, "apk install": {85, 650},
		"pip install": {70, 1000}, "npm install": {45, 400}, "go build": {11, 130}, "maven build": {10, 40},
		"yum install": {12, 170}, "gem install": {11, 140}, "bundler install": {9, 130}, "composer install": {10, 50},
	} {
		if counts[key] < floor[mode] {
			t.Errorf("%q found %d times, want at least %d", key, counts[key], floor[mode])
		}
	}
	// The few left are PowerShell scripts and broken Dockerfiles (3 of
	// ~16,000 in the full corpus, none in the sample).
	if maxErrors := [2]int{5, 20}[mode]; parseErrors > maxErrors {
		t.Errorf("%d of %d RUN instructions fail to parse, want at most %d", parseErrors, len(runs), maxErrors)
	}
}

func checkCommand(t *testing.T, r corpusRun, c shell.Command) {
	t.Helper()
	if len(c.Args) == 0 {
		t.Errorf("%s: command without args", r.file)
	}
	limit := len(r.text)
	for _, w := range append([]shell.Word{{Start: c.Start, End: c.End}}, c.Args...) {
		if r.exec != nil {
			if w.Start != -1 || w.End != -1 {
				t.Errorf("%s: exec form word with offsets", r.file)
			}
		} else if w.Start < 0 || w.End < w.Start || w.End > limit {
			t.Errorf("%s: span [%d,%d) outside %q", r.file, w.Start, w.End, r.text)
		} else if src := r.text[w.Start:w.End]; w.Value != "" && !w.Dynamic && !strings.ContainsAny(src, "'\"\\\n") && src != w.Value {
			t.Errorf("%s: word %q at [%d,%d) covers %q", r.file, w.Value, w.Start, w.End, src)
		}
	}
}

func logCounts(t *testing.T, counts map[string]int) {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + itoa(counts[k]) + " ")
	}
	t.Log(b.String())
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

type corpusRun struct {
	file string
	text string   // shell form: the text after RUN and its flags, heredoc bodies included
	exec []string // exec form
	// script is what the document model gives for the RUN: continuation
	// lines joined as BuildKit joins them, offsets relative to text.
	script *shell.Script
}

// corpusRuns reads every RUN instruction through the document model, the
// way the rules read them; RUNs of a stage whose SHELL is not POSIX have no
// script and are left out.
func corpusRuns(t *testing.T) []corpusRun {
	var runs []corpusRun
	for _, f := range testgen.CorpusFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := dockerfile.Parse(data)
		for _, in := range doc.Instructions {
			script := doc.Script(in)
			if script == nil {
				continue
			}
			r := corpusRun{file: filepath.Base(f), script: script}
			if in.JSONForm {
				for _, a := range in.Args {
					r.exec = append(r.exec, a.Value)
				}
			} else {
				r.text = doc.Slice(dockerfile.Span{Start: in.ArgsSpan.Start, End: in.Span.End})
			}
			runs = append(runs, r)
		}
	}
	return runs
}
