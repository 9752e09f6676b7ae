package pkgmgr

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// TestCorpus runs every RUN instruction of the real-world Dockerfiles
// through shell.Parse (or ParseExec) and Classify: nothing may panic, every
// offset must stay inside the text, and the common managers must be found.
func TestCorpus(t *testing.T) {
	runs := corpusRuns(t)
	counts := map[string]int{}
	parseErrors := 0
	for _, r := range runs {
		var s *shell.Script
		if r.exec != nil {
			s = shell.ParseExec(r.exec)
		} else {
			var err error
			if s, err = shell.Parse(r.text); err != nil {
				parseErrors++
			}
		}
		for _, c := range s.Commands {
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
	text string   // shell form: the text after RUN and its flags
	exec []string // exec form
}

// corpusRuns extracts RUN instructions crudely, which is fine for a test:
// a line starting with RUN, the lines its trailing backslashes continue,
// and the bodies of the heredocs it opens.
func corpusRuns(t *testing.T) []corpusRun {
	var runs []corpusRun
	for _, f := range testgen.CorpusFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			rest, ok := cutRun(lines[i])
			if !ok {
				continue
			}
			text, next := collect(rest, lines, i+1)
			i = next - 1
			runs = append(runs, newRun(f, stripFlags(text)))
		}
	}
	return runs
}

func cutRun(line string) (string, bool) {
	l := strings.TrimLeft(line, " \t")
	if len(l) < 4 || !strings.EqualFold(l[:3], "RUN") || (l[3] != ' ' && l[3] != '\t' && l[3] != '[') {
		return "", false
	}
	return strings.TrimLeft(l[3:], " \t"), true
}

// collect appends continuation lines and heredoc bodies; it returns the
// text and the index of the first line after the instruction.
func collect(first string, lines []string, i int) (string, int) {
	text := first
	// Like BuildKit, comment and blank lines do not end a continued line.
	for cont := continues(first); cont && i < len(lines); i++ {
		text += "\n" + lines[i]
		if t := strings.TrimSpace(lines[i]); t != "" && !strings.HasPrefix(t, "#") {
			cont = continues(lines[i])
		}
	}
	for _, delim := range heredocDelims(text) {
		for i < len(lines) {
			text += "\n" + lines[i]
			i++
			if strings.TrimSpace(lines[i-1]) == delim {
				break
			}
		}
	}
	return text, i
}

func continues(line string) bool {
	return strings.HasSuffix(strings.TrimRight(line, " \t\r"), `\`)
}

// heredocDelims finds the words after "<<" (or "<<-"), quotes removed.
func heredocDelims(text string) []string {
	var out []string
	for {
		k := strings.Index(text, "<<")
		if k < 0 {
			return out
		}
		text = strings.TrimLeft(text[k+2:], "-")
		word := strings.TrimLeft(text, `"'`)
		end := strings.IndexFunc(word, func(r rune) bool {
			return !(r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
		})
		if end < 0 {
			end = len(word)
		}
		if end > 0 && !strings.HasPrefix(text, "<") {
			out = append(out, word[:end])
		}
	}
}

// stripFlags drops RUN's own flags (--mount=..., --network=...).
func stripFlags(text string) string {
	for {
		t := strings.TrimLeft(text, " \t")
		for strings.HasPrefix(t, "\\\n") || strings.HasPrefix(t, "\\\r\n") {
			t = strings.TrimLeft(t[strings.IndexByte(t, '\n')+1:], " \t")
		}
		if !strings.HasPrefix(t, "--") {
			return text
		}
		end := strings.IndexAny(t, " \t\n")
		if end < 0 {
			return ""
		}
		text = t[end:]
	}
}

func newRun(file, text string) corpusRun {
	r := corpusRun{file: filepath.Base(file), text: text}
	if t := strings.TrimSpace(text); strings.HasPrefix(t, "[") {
		var args []string
		if json.Unmarshal([]byte(t), &args) == nil && len(args) > 0 {
			r.exec = args
		}
	}
	return r
}
