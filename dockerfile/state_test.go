package dockerfile

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
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
	if used := st.used.Load(); used > MaxExpandedTotal {
		t.Errorf("materialised %d bytes", used)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v", el)
	}
}

func TestStateMemoised(t *testing.T) {
	d := Parse([]byte("FROM alpine\nRUN x\n"))
	a := d.State(Options{BuildArgs: map[string]string{"A": "1"}})
	if d.State(Options{BuildArgs: map[string]string{"A": "1"}}) != a {
		t.Error("same options, new state")
	}
	if d.State(Options{}) == a {
		t.Error("other options, same state")
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
// without a panic; known workdirs are absolute, no
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
		for _, in := range d.Instructions {
			x := st.Of(in)
			for _, e := range append(x.Args(), x.Flag("chown")...) {
				if len(e.Text) > MaxExpandedWord {
					t.Errorf("%s:%d: a word of %d bytes", f, in.Line+1, len(e.Text))
				}
			}
			_, _, _ = x.Copy(), x.Mounts(), x.Vars()
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
