package dockerfile

import (
	"fmt"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"math/rand"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// at is the state of the first instruction whose text starts with prefix.
func at(t *testing.T, d *Document, opts Options, prefix string) InstState {
	t.Helper()
	for _, in := range d.Instructions {
		if strings.HasPrefix(d.Slice(in.Span), prefix) {
			return d.State(opts).Of(in)
		}
	}
	t.Fatalf("no instruction starts with %q", prefix)
	return InstState{}
}

func TestStateUsers(t *testing.T) {
	cases := []struct {
		name, text, at       string
		uid, gid, home, user string
	}{
		{"node image's user", "FROM node:22-alpine\nUSER node\nRUN npm ci\n", "RUN", "1000", "1000", "/home/node", "node"},
		{"node image's uid", "FROM docker.io/library/node:22\nUSER 1000\nRUN npm ci\n", "RUN", "1000", "1000", "/home/node", "1000"},
		{"node user elsewhere is unknown", "FROM python:3.12\nUSER node\nRUN pip install x\n", "RUN", "", "", "", "node"},
		{"useradd -m", "FROM debian\nRUN useradd -m app\nUSER app\nRUN pip install x\n", "RUN pip", "", "", "/home/app", "app"},
		{"useradd -d and -u", "FROM debian\nRUN groupadd -g 1500 grp && useradd -u 1501 -g grp -d /srv/app -ms /bin/bash app\nUSER app\nRUN x\n", "RUN x", "1501", "1500", "/srv/app", "app"},
		{"useradd uid from an ARG", "FROM debian\nARG UID=1234\nRUN useradd -u $UID app\nUSER app:app\nRUN x\n", "RUN x", "1234", "", "/home/app", "app"},
		{"busybox adduser -h", "FROM alpine\nRUN addgroup -g 2000 web && adduser -D -u 2001 -G web -h /var/www web\nUSER web\nRUN x\n", "RUN x", "2001", "2000", "/var/www", "web"},
		{"busybox adduser default home", "FROM alpine\nRUN adduser -D app\nUSER app\nRUN x\n", "RUN x", "", "", "/home/app", "app"},
		{"debian adduser --system", "FROM debian\nRUN adduser --system --uid 999 svc\nUSER svc\nRUN x\n", "RUN x", "999", "", "", "svc"},
		{"debian adduser --home", "FROM debian\nRUN adduser --disabled-password --gecos '' --home /opt/svc svc\nUSER svc\nRUN x\n", "RUN x", "", "", "/opt/svc", "svc"},
		{"ENV HOME wins", "FROM debian\nUSER 1001\nENV HOME /eve\nRUN x\n", "RUN x", "1001", "", "/eve", "1001"},
		{"numeric user, unknown image", "FROM python:3.12\nUSER 1001\nRUN x\n", "RUN x", "1001", "", "", "1001"},
		{"numeric user:group", "FROM python:3.12\nUSER 1001:1002\nRUN x\n", "RUN x", "1001", "1002", "", "1001"},
		{"no USER is root", "FROM python:3.12\nRUN x\n", "RUN x", "0", "0", "/root", "root"},
		{"USER 0:0", "FROM node\nUSER node\nUSER 0:0\nRUN x\n", "RUN x", "0", "0", "/root", "0"},
		{"user from a parent stage", "FROM debian AS base\nRUN useradd app\nFROM base\nUSER app\nRUN x\n", "RUN x", "", "", "/home/app", "app"},
		{"USER inherited from the parent stage", "FROM node AS base\nUSER node\nFROM base\nRUN x\n", "RUN x", "1000", "1000", "/home/node", "node"},
		{"user created after USER", "FROM debian\nUSER app\nRUN useradd app\nRUN x\n", "RUN x", "", "", "", "app"},
		{"distroless nonroot", "FROM gcr.io/distroless/static-debian12\nUSER nonroot\nCOPY a /a\n", "COPY", "65532", "65532", "/home/nonroot", "nonroot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Parse([]byte(c.text))
			u := at(t, d, Options{}, c.at).User()
			if u.UID != c.uid || u.GID != c.gid || u.Home != c.home || u.Name != c.user {
				t.Errorf("got user %q %s:%s home %q, want %q %s:%s home %q", u.Name, u.UID, u.GID, u.Home, c.user, c.uid, c.gid, c.home)
			}
		})
	}
}

func TestStateUnknownUser(t *testing.T) {
	d := Parse([]byte("FROM debian\nARG U\nUSER $U\nRUN x\n"))
	u := at(t, d, Options{}, "RUN").User()
	if u.Known || u.Home != "" || u.Root {
		t.Errorf("a USER from an unset ARG: %+v", u)
	}
	u = at(t, d, Options{BuildArgs: map[string]string{"U": "root"}}, "RUN").User()
	if !u.Known || !u.Root || u.Home != "/root" {
		t.Errorf("USER root from a build arg: %+v", u)
	}
}

func TestStateVariables(t *testing.T) {
	text := "ARG BASE=alpine\nARG TAG\nARG V=1 W=$V.2\nFROM $BASE:${TAG:-3.20} AS build\n" +
		"ARG V\nARG TARGETARCH\nENV PATH=\"/opt/venv/bin:$PATH\" NODE=\"$V\"\nENV NODE_ENV production\n" +
		"ENV X=env\nARG X=arg\nARG LOCAL=${V}-local\nRUN x\n" +
		"FROM build\nRUN y\n"
	d := Parse([]byte(text))
	check := func(opts Options, prefix, name, want string, known bool) {
		t.Helper()
		v, ok := at(t, d, opts, prefix).Lookup(name)
		if !ok || v.Value != want || v.Known != known {
			t.Errorf("at %q, %s = %q known=%v (found %v), want %q known=%v", prefix, name, v.Value, v.Known, ok, want, known)
		}
	}
	none := Options{}
	check(none, "RUN x", "PATH", "/opt/venv/bin:$PATH", false)
	check(none, "RUN x", "NODE", "1", true)
	check(none, "RUN x", "NODE_ENV", "production", true)
	check(none, "RUN x", "X", "env", true) // ENV wins over a later ARG
	check(none, "RUN x", "LOCAL", "1-local", true)
	check(none, "RUN x", "TARGETARCH", "", false)
	check(none, "RUN x", "HTTP_PROXY", "", false)
	check(none, "FROM build", "W", "1.2", true)
	check(none, "RUN y", "NODE_ENV", "production", true) // inherited
	args := Options{BuildArgs: map[string]string{"V": "9", "HTTP_PROXY": "http://p"}, TargetPlatform: "linux/arm64"}
	check(args, "RUN x", "NODE", "9", true)
	check(args, "RUN x", "TARGETARCH", "arm64", true)
	check(args, "RUN x", "HTTP_PROXY", "http://p", true)
	check(args, "FROM build", "W", "9.2", true)
	if v, ok := at(t, d, none, "RUN y").Lookup("LOCAL"); ok {
		t.Errorf("a stage's ARG reached the stage built FROM it: %+v", v)
	}
	from := at(t, d, none, "FROM $BASE").Args()
	if from[0].Text != "alpine:3.20" || !from[0].Known || from[2].Text != "build" {
		t.Errorf("FROM words: %+v", from)
	}
	if _, ok := at(t, d, none, "ARG BASE").Lookup("BASE"); ok {
		t.Error("an ARG sees its own value")
	}
}

func TestStateExpansionKeepsUnknownParts(t *testing.T) {
	d := Parse([]byte("FROM python\nARG NODEF\nCOPY ${SRC:-src} $NODEF/x /app/\n"))
	args := at(t, d, Options{}, "COPY").Args()
	if args[0].Known || args[0].Text != "${SRC:-src}" || args[1].Text != "$NODEF/x" {
		t.Errorf("unknown values must stay as written: %+v", args)
	}
	if r := at(t, d, Options{}, "COPY").Copy(); r.Context != nil || !slices.Equal(r.Unresolved, []string{"${SRC:-src}", "$NODEF/x"}) {
		t.Errorf("unresolved sources: %+v", r)
	}
	d = Parse([]byte("FROM scratch\nCOPY ${SRC:-src} /app/\n"))
	if a := at(t, d, Options{}, "COPY").Args()[0]; !a.Known || a.Text != "src" {
		t.Errorf("on scratch nothing else sets SRC: %+v", a)
	}
}

func TestStateWordsAndFlags(t *testing.T) {
	text := "FROM alpine AS b\nFROM alpine\nENV SRC=src OWN=app\nWORKDIR /app\nWORKDIR sub/$SRC\n" +
		"COPY --chown=$OWN:$OWN --exclude=*.md --link $SRC 'q w' https://x/y /dst/\n" +
		"COPY --from=b /out /out\n" +
		"RUN --mount=type=cache,target=$SRC/.cache,id=c --mount=type=bind,from=b,source=/o,target=/m --mount=src=ctx,target=/c x\n"
	d := Parse([]byte(text))
	cp := at(t, d, Options{}, "COPY --chown")
	if got := cp.Flag("chown"); len(got) != 1 || got[0].Text != "app:app" {
		t.Errorf("--chown: %+v", got)
	}
	r := cp.Copy()
	if !slices.Equal(r.Context, []string{"src", "q w"}) || !slices.Equal(r.Exclude, []string{"*.md"}) || !r.Link || r.Unresolved != nil || r.Dest.Text != "/dst/" {
		t.Errorf("copy reads: %+v", r)
	}
	if wd := cp.Workdir(); wd.Text != "/app/sub/src" || !wd.Known {
		t.Errorf("workdir: %+v", wd)
	}
	from := at(t, d, Options{}, "COPY --from").Copy()
	if from.From.Stage == nil || from.From.Stage.Index != 0 || from.Context != nil {
		t.Errorf("COPY --from: %+v", from)
	}
	ms := at(t, d, Options{}, "RUN").Mounts()
	if len(ms) != 3 || ms[0].Type != "cache" || ms[0].Target != "src/.cache" || ms[0].Options["id"] != "c" {
		t.Fatalf("mounts: %+v", ms)
	}
	if ms[1].From.Stage == nil || ms[1].Source != "/o" || ms[2].Type != "bind" || ms[2].Source != "ctx" || ms[2].From.Name != "" {
		t.Errorf("mounts: %+v", ms)
	}
	// BuildKit does not expand a RUN's words: no copy of them is made
	// (the expansion budget's rule asks every instruction, every keystroke).
	run := at(t, d, Options{}, "RUN")
	if args := run.Args(); args != nil {
		t.Errorf("a RUN's words, expanded: %+v", args)
	}
	if n := testing.AllocsPerRun(10, func() { run.Args() }); n != 0 {
		t.Errorf("a RUN's Args allocate %v times", n)
	}
}

func TestStateWorkdirUnknown(t *testing.T) {
	d := Parse([]byte("FROM alpine AS a\nWORKDIR $DIR\nWORKDIR sub\nRUN x\nWORKDIR /abs\nFROM a\nRUN y\n"))
	if wd := at(t, d, Options{}, "RUN x").Workdir(); wd.Known || wd.Text != "/$DIR/sub" {
		t.Errorf("workdir on an unknown variable: %+v", wd)
	}
	if wd := at(t, d, Options{}, "RUN y").Workdir(); !wd.Known || wd.Text != "/abs" {
		t.Errorf("workdir inherited: %+v", wd)
	}
	if wd := at(t, d, Options{}, "FROM a").Workdir(); wd.Text != "/" {
		t.Errorf("FROM's workdir: %+v", wd)
	}
}

func TestStateShell(t *testing.T) {
	d := Parse([]byte("FROM alpine AS a\nRUN x\nSHELL [\"/bin/bash\", \"-c\"]\nFROM a\nRUN y\n"))
	if sh, declared := at(t, d, Options{}, "RUN x").Shell(); declared || !slices.Equal(sh, DefaultShell) {
		t.Errorf("default shell: %v %v", sh, declared)
	}
	if sh, declared := at(t, d, Options{}, "RUN y").Shell(); !declared || sh[0] != "/bin/bash" {
		t.Errorf("inherited shell: %v %v", sh, declared)
	}
}

func TestStateBacktickEscape(t *testing.T) {
	text := "# escape=`\nFROM python:3.12\nCOPY --chown=a:b . .\nRUN pip install --no-cache-dir `\n    -r requirements.txt\n"
	d := Parse([]byte(text))
	run := d.Instructions[2]
	if got := d.CommandText(run); got != "RUN pip install --no-cache-dir     -r requirements.txt" {
		t.Errorf("joined command: %q", got)
	}
	script := d.Script(run)
	if script == nil || len(script.Commands) != 1 {
		t.Fatalf("script: %+v", script)
	}
	var words []string
	for _, w := range script.Commands[0].Args {
		words = append(words, w.Value)
	}
	if strings.Join(words, " ") != "pip install --no-cache-dir -r requirements.txt" {
		t.Errorf("script words: %q", words)
	}
	if got := at(t, d, Options{}, "COPY").Flag("chown"); len(got) != 1 || got[0].Text != "a:b" {
		t.Errorf("--chown under escape=`: %+v", got)
	}
}

// TestStateBounded: a chain of ENVs that doubles a value 28 times (2.5 GB
// if materialised) stays small and fast, and says it was cut.
func TestStateBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM alpine\nENV A0=xxxxxxxxxx\n")
	for i := 1; i <= 28; i++ {
		fmt.Fprintf(&b, "ENV A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	b.WriteString("COPY $A28 /x\n")
	start := time.Now()
	d := Parse([]byte(b.String()))
	st := d.State(Options{})
	x := at(t, d, Options{}, "COPY")
	if e := x.Args()[0]; !e.Truncated || e.Known || e.Text != "" {
		t.Errorf("A28 expanded: truncated=%v known=%v len=%d", e.Truncated, e.Known, len(e.Text))
	}
	if !st.Truncated() {
		t.Error("the state does not say it was cut")
	}
	if v, _ := x.Lookup("A12"); !v.Known || len(v.Value) != 10<<12 {
		t.Errorf("A12 (40 KiB) should fit: known=%v len=%d", v.Known, len(v.Value))
	}
	if v, _ := x.Lookup("A13"); v.Known || !v.Truncated {
		t.Errorf("A13 (80 KiB) is over the word budget: %+v", v.Known)
	}
	if used := st.used.Load(); used > budget.MaxExpandedTotal {
		t.Errorf("materialised %d bytes", used)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v", el)
	}
}

// TestStateCarriedPaysTheBudget: a state that takes tables over from an
// earlier version is charged what they hold, so that editing does not
// let a document materialise more than the budget, version by version.
func TestStateCarriedPaysTheBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM alpine\nENV A0=xxxxxxxxxxxxxxxx\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "ENV A%d=${A%d}${A%d}\n", i, i-1, i-1) // 64 KiB at A12
	}
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "FROM alpine\nENV B=${A0}\nCOPY $B /x\n")
	}
	b.WriteString("RUN echo\n")
	d := Parse([]byte(b.String()))
	first := d.State(Options{})
	stateDump(first)
	at := len(d.Text) - 1
	next, err := d.Apply(Edit{Start: at, End: at, Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	second := next.State(Options{})
	if second.stages[0].Load() != first.stages[0].Load() {
		t.Fatal("typing in the RUN did not carry the stages over")
	}
	if got, want := second.used.Load(), first.used.Load(); got != want {
		t.Errorf("the carried state is charged %d bytes, the first %d", got, want)
	}
	stateDump(second)
	if got, want := second.used.Load(), first.used.Load(); got != want {
		t.Errorf("after every question, the carried state is charged %d bytes, the first %d", got, want)
	}
}

// TestStateDerive: a value derived in a state is computed once per state
// and instruction, and again in another state; an instruction of another
// document is not memoised.
func TestStateDerive(t *testing.T) {
	type key struct{}
	d := Parse([]byte("FROM alpine\nRUN x\nRUN y\n"))
	calls := 0
	derive := func(s *BuildState, in *Instruction) any {
		return s.Derive(in, key{}, func() any { calls++; return in.Line })
	}
	a := d.State(Options{})
	for range 2 {
		for _, in := range d.Instructions {
			if got := derive(a, in); got != in.Line {
				t.Errorf("line %d: derived %v", in.Line, got)
			}
		}
	}
	if calls != len(d.Instructions) {
		t.Errorf("%d computations for %d instructions", calls, len(d.Instructions))
	}
	derive(NewState(d, Options{}), d.Instructions[1])
	if calls != len(d.Instructions)+1 {
		t.Error("another state reuses the value")
	}
	other := Parse([]byte("FROM alpine\nRUN x\nRUN y\n"))
	derive(a, other.Instructions[1])
	derive(a, other.Instructions[1])
	if calls != len(d.Instructions)+3 {
		t.Error("an instruction of another document memoised")
	}
}

// TestStateDeriveCarried: an edit takes over what was derived in the
// prior version's state for the instructions it did not change, unless
// what the state says of them may have changed (a scope, a user).
func TestStateDeriveCarried(t *testing.T) {
	type key struct{}
	tests := []struct {
		name, text, old, new string
		carried              bool
	}{
		{"another RUN edited", "FROM alpine\nRUN echo a\nRUN echo b\n", "echo a", "echo ax", true},
		{"a USER edited", "FROM alpine\nUSER a\nRUN echo b\n", "USER a", "USER c", false},
		{"a RUN now creates an account", "FROM alpine\nRUN echo a\nRUN echo b\n", "echo a", "useradd a", false},
		{"an ENV edited", "FROM alpine\nENV A=1\nRUN echo b\n", "A=1", "A=2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			derive := func(d *Document) any {
				last := d.Instructions[len(d.Instructions)-1]
				return d.State(Options{}).Derive(last, key{}, func() any { calls++; return calls })
			}
			d := Parse([]byte(tt.text))
			derive(d)
			d.State(Options{}).Of(d.Instructions[len(d.Instructions)-1]).User() // as the rules ask
			at := strings.Index(tt.text, tt.old)
			next, err := d.Apply(Edit{Start: at, End: at + len(tt.old), Text: tt.new})
			if err != nil {
				t.Fatal(err)
			}
			if got := derive(next) == 1; got != tt.carried {
				t.Errorf("taken over: %v, want %v", got, tt.carried)
			}
		})
	}
}

func TestStateMemoised(t *testing.T) {
	d := Parse([]byte("FROM alpine\nRUN x\n"))
	a := d.State(Options{BuildArgs: map[string]string{"A": "1"}})
	if d.State(Options{BuildArgs: map[string]string{"A": "1"}}) != a {
		t.Error("same options, new state")
	}
	b := d.State(Options{})
	if b == a {
		t.Error("other options, same state")
	}
	// The analysis asks with the build's arguments, code actions with
	// none: each keeps its state.
	if d.State(Options{BuildArgs: map[string]string{"A": "1"}}) != a || d.State(Options{}) != b {
		t.Error("two sets of options asked in turn: a state computed again")
	}
	d.Forget()
	if d.state.Load() != nil {
		t.Error("Forget keeps the state")
	}
}

func TestGetopt(t *testing.T) {
	o := getopt([]string{"-ms", "/bin/bash", "-u1000", "--home-dir=/h", "--gid", "5", "name"}, useraddValued)
	want := map[string]string{"-m": "", "-s": "/bin/bash", "-u": "1000", "--home-dir": "/h", "--gid": "5"}
	for k, v := range want {
		if o.opts[k] != v {
			t.Errorf("%s = %q, want %q (%v)", k, o.opts[k], v, o.opts)
		}
	}
	if !slices.Equal(o.operands, []string{"name"}) {
		t.Errorf("operands %v", o.operands)
	}
}

// TestStateCorpus: every accessor on every instruction of the corpus,
// without a panic; no instruction depends on itself; known workdirs are
// absolute, no
// expansion goes over the budget; a root user's home is unknown only
// when ENV HOME is.
func TestStateCorpus(t *testing.T) {
	for _, f := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := Parse(text)
		st := d.State(Options{BuildArgs: map[string]string{"VERSION": "1"}, TargetPlatform: "linux/amd64"})
		for i, in := range d.Instructions {
			x := st.Of(in)
			if x.DependsOn(in) {
				t.Errorf("%s:%d: depends on itself", f, in.Line+1)
			}
			if i > 0 {
				_ = x.DependsOn(d.Instructions[i-1])
			}
			for _, e := range append(x.Args(), x.Flag("chown")...) {
				if len(e.Text) > budget.MaxExpandedWord {
					t.Errorf("%s:%d: a word of %d bytes", f, in.Line+1, len(e.Text))
				}
			}
			_, _, _, _ = x.Copy(), x.Mounts(), x.Vars(), x.Reads()
			if wd := x.Workdir(); wd.Known && !path.IsAbs(wd.Text) {
				t.Errorf("%s:%d: workdir %q", f, in.Line+1, wd.Text)
			}
			home, set := x.Lookup("HOME")
			if u := x.User(); u.Root && u.Home == "" && (!set || home.Known) {
				t.Errorf("%s:%d: root without a home", f, in.Line+1)
			}
		}
	}
}

// TestStateDeclarations: values as BuildKit reads them, from one line or
// several.
func TestStateDeclarations(t *testing.T) {
	d := Parse([]byte("FROM alpine\nENV MSG hello   'big'  world\nENV A=1 \\\n    B=\"x $A\" C='$A'\nARG D=\"q r\" E\nRUN x\n"))
	x := at(t, d, Options{}, "RUN")
	for name, want := range map[string]string{"MSG": "hello   big  world", "A": "1", "B": "x $A", "C": "$A", "D": "q r"} {
		if v, ok := x.Lookup(name); !ok || v.Value != want {
			t.Errorf("%s = %q (%v), want %q", name, v.Value, ok, want)
		}
	}
	if _, ok := x.Lookup("E"); ok {
		t.Error("an ARG without a value has one")
	}
	if vs := x.Vars(); len(vs) < 6 || vs[len(vs)-1].Name != "E" || vs[len(vs)-1].Set {
		t.Errorf("Vars: %+v", vs)
	}
}

// stateDump renders every answer of a build state, positions included,
// so that two states can be compared.
func stateDump(st *BuildState) string {
	var b strings.Builder
	d := st.Document()
	for _, in := range d.Instructions {
		x := st.Of(in)
		fmt.Fprintf(&b, "%d %s args=%v user=%s wd=%v platform=%q\n", in.Line, in.Keyword, x.Args(), userDump(x.User()), x.Workdir(), x.Platform())
		for _, f := range in.Flags {
			fmt.Fprintf(&b, "  --%s=%v\n", f.Name, x.Flag(f.Name))
		}
		cp := x.Copy()
		fmt.Fprintf(&b, "  copy from=%s %v ctx=%v unresolved=%v exclude=%v dest=%v\n", refDump(cp.From), cp.Sources, cp.Context, cp.Unresolved, cp.Exclude, cp.Dest)
		for _, m := range x.Mounts() {
			fmt.Fprintf(&b, "  mount %s %s from=%s %v %v\n", m.Type, m.Target, refDump(m.From), m.Options, m.Known)
		}
		sh, declared := x.Shell()
		fmt.Fprintf(&b, "  shell %v %v\n", sh, declared)
		for _, list := range [][]ScopeVar{x.Vars(), x.Declared(), x.VarsAfter()} {
			for _, v := range list {
				fmt.Fprintf(&b, "  %s\n", varDump(v))
			}
			b.WriteString("  --\n")
		}
	}
	for _, s := range d.Stages {
		img, root := st.StageImage(s)
		fmt.Fprintf(&b, "stage %d image %v root %d parent %v\n", s.Index, img, root.Index, st.StageParent(s) != nil)
	}
	fmt.Fprintf(&b, "truncated %v\n", st.Truncated())
	return b.String()
}

func userDump(u User) string {
	line := -1
	if u.Inst != nil {
		line = u.Inst.Line
	}
	return fmt.Sprintf("%q:%q %s:%s home=%q root=%v known=%v @%d", u.Name, u.Group, u.UID, u.GID, u.Home, u.Root, u.Known, line)
}

func refDump(r Ref) string {
	if r.Stage == nil {
		return r.Name
	}
	return fmt.Sprintf("%s(stage %d)", r.Name, r.Stage.Index)
}

func varDump(v ScopeVar) string {
	decl := "-"
	if v.Decl != nil {
		decl = fmt.Sprintf("%v line %d", v.Decl.NameSpan, v.Decl.Inst.Line)
	}
	return fmt.Sprintf("%s kind=%d origin=%d set=%v %q known=%v cut=%v decl=%s", v.Name, v.Kind, v.Origin, v.Set, v.Value, v.Known, v.Truncated, decl)
}

// TestStateCarriedMatchesFresh: the state of an edited document, which
// takes tables over from the state of the version before, answers as the
// state of a fresh parse of its text does; and typing in a RUN takes
// them over.
func TestStateCarriedMatchesFresh(t *testing.T) {
	seeds := []string{
		testgen.Dockerfile(120, 6),
		"ARG BASE=node:22\nFROM $BASE AS deps\nUSER node\nWORKDIR app\nENV HOME=/h PATH=/x:$PATH\nARG V\n" +
			"RUN --mount=type=cache,target=$HOME/.npm npm ci\nCOPY --chown=node package.json ./\n" +
			"FROM deps AS build\nRUN useradd -m -d /srv/app app\nUSER app\nRUN --mount=from=deps,source=/app,target=/d make\n" +
			"COPY --from=deps /app/node_modules ./nm\nFROM scratch\nCOPY --from=1 /srv/app /\n",
	}
	edits := 400
	if testing.Short() {
		edits = 120
	}
	opts := Options{BuildArgs: map[string]string{"V": "2"}}
	rng := rand.New(rand.NewSource(7))
	carried, usersCarried := 0, 0
	for s, seed := range seeds {
		doc := Parse([]byte(seed))
		stateDump(doc.State(opts))
		for i := 0; i < edits; i++ {
			e := randomEdit(rng, doc)
			next, err := doc.Apply(e)
			if err != nil {
				t.Fatal(err)
			}
			got, want := stateDump(next.State(opts)), stateDump(Parse(next.Text).State(opts))
			if got != want {
				t.Fatalf("seed %d edit %d %+v on\n%s\ncarried:\n%s\nfresh:\n%s", s, i, e, doc.Text, got, want)
			}
			if len(doc.Stages) > 0 && len(next.Stages) > 0 && doc.State(opts).stages[0].Load() == next.State(opts).stages[0].Load() {
				carried++
			}
			if len(doc.Stages) > 0 && len(next.Stages) > 0 && doc.State(opts).users[0].Load() == next.State(opts).users[0].Load() {
				usersCarried++
			}
			doc = next
		}
	}
	if carried < edits/4 || usersCarried < edits/4 {
		t.Errorf("of %d edits, the stages were taken over on %d, the users on %d", 2*edits, carried, usersCarried)
	}
}

// TestStateCarryWhileAsked: the next version takes tables over while the
// state it takes them from is still being asked (the server's analysis
// of the previous version, say): run with -race.
func TestStateCarryWhileAsked(t *testing.T) {
	doc := Parse([]byte(testgen.Dockerfile(200, 10)))
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 10; i++ {
		old := doc.State(Options{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			stateDump(old)
		}()
		next, err := doc.Apply(randomEdit(rng, doc))
		if err != nil {
			t.Fatal(err)
		}
		got := stateDump(next.State(Options{}))
		wg.Wait()
		if want := stateDump(Parse(next.Text).State(Options{})); got != want {
			t.Fatalf("edit %d: the carried state differs from a fresh one", i)
		}
		doc = next
	}
}

// randomEdit types in d: half the time a character at the end of a RUN
// line (the edit the state carries over), else a fragment anywhere.
func randomEdit(rng *rand.Rand, d *Document) Edit {
	var runs []*Instruction
	for _, in := range d.Instructions {
		if in.Keyword == "RUN" {
			runs = append(runs, in)
		}
	}
	if len(runs) > 0 && rng.Intn(2) == 0 {
		at := runs[rng.Intn(len(runs))].ArgsSpan.End
		return Edit{Start: at, End: at, Text: string(rune('a' + rng.Intn(26)))}
	}
	start := rng.Intn(len(d.Text) + 1)
	end := min(len(d.Text), start+rng.Intn(8))
	return Edit{Start: start, End: end, Text: fragments[rng.Intn(len(fragments))]}
}
