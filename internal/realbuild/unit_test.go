package realbuild

// Tests of the pure parts, which make test runs (no builder needed).

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

func TestMapName(t *testing.T) {
	for key, want := range map[string]string{
		"debian":                 Bookworm,
		"debian:bookworm":        Bookworm,
		"debian:bookworm-slim":   BookwormSlim,
		"debian@sha256:abc":      Bookworm,
		"ubuntu:22.04":           BookwormSlim,
		"node:20-slim":           Node,
		"python:3.11":            Python,
		"alpine:3.19":            "",
		"golang:1.22":            "",
		"mcr.microsoft.com/node": "",
	} {
		got, ok := MapName(key)
		if got != want || ok != (want != "") {
			t.Errorf("MapName(%q) = %q, %v; want %q", key, got, ok, want)
		}
	}
}

func TestContextArgsReportsUnmapped(t *testing.T) {
	im := Images{Node: {Name: Node, Layout: "/l/node", Digest: "sha256:1"}}
	args, unmapped := im.contextArgs([]string{"alpine", "node:20", "node:22"})
	want := []string{"--oci-layout", "node=/l/node",
		"--opt", "context:node:20=oci-layout://node@sha256:1",
		"--opt", "context:node:22=oci-layout://node@sha256:1"}
	if !reflect.DeepEqual(args, want) || !reflect.DeepEqual(unmapped, []string{"alpine"}) {
		t.Errorf("got %q, unmapped %q", args, unmapped)
	}
}

func fileAt(p string, mode fs.FileMode, sum string) oracle.FileEntry {
	return oracle.FileEntry{Path: p, Mode: mode, SHA256: sum}
}

func TestDiff(t *testing.T) {
	a := []oracle.FileEntry{fileAt("a", 0o644, "1"), fileAt("b", 0o644, "1"), fileAt("c", 0o644, "1")}
	b := []oracle.FileEntry{fileAt("b", 0o600, "1"), fileAt("c", 0o644, "1"), fileAt("d", 0o644, "1")}
	want := []Change{{"a", Missing}, {"b", Modified}, {"d", Added}}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %v, want %v", got, want)
	}
}

func TestUnexplainedLeavesOutVolatileAndAllowed(t *testing.T) {
	orig := []oracle.FileEntry{fileAt("root/.npm/_cacache/x", 0o644, "1"), fileAt("usr/bin/jq", 0o755, "1"),
		fileAt("var/log/dpkg.log", 0o644, "1")}
	fixed := []oracle.FileEntry{fileAt("var/log/dpkg.log", 0o644, "2")}
	v := Volatile{paths: map[string]bool{"var/log/dpkg.log": true}}
	allow := Allowance{Missing: []string{"root/.npm/**"}}
	want := []Change{{"usr/bin/jq", Missing}}
	if got := Unexplained(orig, fixed, v, allow); !reflect.DeepEqual(got, want) {
		t.Errorf("Unexplained = %v, want %v", got, want)
	}
}

func TestVolatileOfTakesRandomNamesFolderWide(t *testing.T) {
	a := []oracle.FileEntry{fileAt("root/.npm/_logs/2026-01-01-debug-0.log", 0o644, "1"), fileAt("var/log/dpkg.log", 0o644, "1"), fileAt("x", 0o644, "1")}
	b := []oracle.FileEntry{fileAt("root/.npm/_logs/2026-01-02-debug-0.log", 0o644, "1"), fileAt("var/log/dpkg.log", 0o644, "2")}
	v := VolatileOf(a, b)
	for p, want := range map[string]bool{
		"root/.npm/_logs/2026-01-03-debug-0.log": true, // another random name
		"var/log/dpkg.log":                       true,
		"var/log/apt/history.log":                false, // only the file that differed
		"x":                                      true,
		"y":                                      false, // never the whole root
	} {
		if v.Has(p) != want {
			t.Errorf("Has(%q) = %v, want %v", p, !want, want)
		}
	}
	if got := v.List(); !reflect.DeepEqual(got, []string{"root/.npm/_logs/**", "var/log/dpkg.log", "x"}) {
		t.Errorf("List = %q", got)
	}
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"**", "usr/bin/x", true},
		{"var/lib/apt/lists/**", "var/lib/apt/lists/deb_Packages.gz", true},
		{"var/lib/apt/lists/**", "var/lib/apt/lists", true},
		{"var/lib/apt/lists/**", "var/lib/apt", false},
		{"var/lib/apt/lists/**", "var/lib/apt/listsx", false},
		{"home/*/.npm/**", "home/node/.npm/_cacache/index", true},
		{"home/*/.npm/**", "home/node/app/x", false},
		{"etc/apt/apt.conf.d/keep-cache", "etc/apt/apt.conf.d/keep-cache", true},
	} {
		if got := matches(c.pattern, c.path); got != c.want {
			t.Errorf("matches(%q, %q) = %v", c.pattern, c.path, got)
		}
	}
}

// add-dest-slash may turn its destination from a file into a folder of
// the sources, and nothing else: not the root, not another COPY's.
func TestAllowanceForDestSlashNamesItsDestinations(t *testing.T) {
	fixed := []byte("FROM debian\nWORKDIR /app\nCOPY a.txt b.txt conf/\nCOPY c.txt d.txt /\nCOPY e.txt /opt/e\n")
	a := AllowanceFor([]diagnostics.FixKind{diagnostics.AddDestSlash}, fixed)
	for c, want := range map[Change]bool{
		{"app/conf", Modified}: true, {"app/conf/a.txt", Added}: true,
		{"app/other", Added}: false, {"c.txt", Added}: false, {"opt/e", Modified}: false, {"app/conf", Missing}: false,
	} {
		if a.allows(c) != want {
			t.Errorf("allows(%v) = %v, want %v", c, !want, want)
		}
	}
}

func TestAllowanceForCacheMountNamesItsTargets(t *testing.T) {
	fixed := []byte("FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n")
	a := AllowanceFor([]diagnostics.FixKind{diagnostics.AddCacheMount}, fixed)
	if !a.allows(Change{"root/.npm/_cacache/index-v5/x", Missing}) {
		t.Errorf("the mount's target is not allowed to go: %+v", a)
	}
	yarn := AllowanceFor([]diagnostics.FixKind{diagnostics.AddCacheMount},
		[]byte("FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn\n"))
	if !yarn.allows(Change{"usr/local/share/.cache", Missing}) {
		t.Errorf("the folder BuildKit made for the mount point is not allowed to go: %+v", yarn)
	}
	if yarn.allows(Change{"usr/local/share/doc", Missing}) || yarn.allows(Change{"usr/local/share", Modified}) {
		t.Errorf("more than the mount point's folders are allowed to change: %+v", yarn)
	}
	if a.allows(Change{"usr/lib/node_modules/x", Missing}) {
		t.Errorf("files outside the mount are allowed to go: %+v", a)
	}
}

func TestEditInstallLine(t *testing.T) {
	in := "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN --mount=type=cache,target=/var/cache/apt apt-get -y install jq\nRUN echo done\n"
	want := "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN --mount=type=cache,target=/var/cache/apt true && apt-get -y install jq\nRUN echo done\n"
	got, ok := EditInstallLine([]byte(in))
	if !ok || string(got) != want {
		t.Errorf("EditInstallLine =\n%s\nwant\n%s", got, want)
	}
	if _, ok := EditInstallLine([]byte("FROM debian\nRUN echo install\n")); ok {
		t.Error("a RUN that installs nothing was edited")
	}
}

func paths(es []entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.path)
	}
	return out
}

func TestPlanContext(t *testing.T) {
	locks := Lockfiles{"package-lock.json": []byte("{}"), "yarn.lock": []byte("#")}
	for _, c := range []struct {
		name, dockerfile string
		want             []string
	}{
		{"whole context with npm", "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n",
			[]string{"app.txt", "package-lock.json", "package.json"}},
		{"pip requirements from a RUN", "FROM python:3\nCOPY src /app/src\nRUN pip install -r /app/src/requirements/prod.txt\n",
			[]string{"src/app.txt", "app/src/requirements/prod.txt"}},
		{"scripts and ARG-expanded sources", "FROM debian\nARG CONF=nginx.conf\nCOPY $CONF /etc/\nCOPY install.sh /\nRUN /install.sh\nCOPY --from=build /out /out\nADD https://example.invalid/x.tgz /\n",
			[]string{"nginx.conf", "install.sh"}},
		{"a glob takes the manifests it matches", "FROM debian\nCOPY *.txt /data/\n", []string{"requirements.txt"}},
		{"a glob of no manifest", "FROM debian\nCOPY conf/*.conf /etc/\n", []string{"conf/app.conf"}},
	} {
		got, err := planContext([]byte(c.dockerfile), locks)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(paths(got), c.want) {
			t.Errorf("%s: planned %q, want %q", c.name, paths(got), c.want)
		}
	}
}

func TestPlanContextMarksTheWholeContextCopyAsTheAppFile(t *testing.T) {
	got, err := planContext([]byte("FROM debian\nCOPY run.sh /\nCOPY . /app\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(e entry) bool { return e.app })
	if i < 0 || got[i].path != "app.txt" {
		t.Errorf("app file of %q is not app.txt", paths(got))
	}
	if j := slices.IndexFunc(got, func(e entry) bool { return e.path == "run.sh" }); j < 0 || !got[j].exec {
		t.Errorf("run.sh is not an executable script: %+v", got)
	}
}

// rawjson is one progress line as buildctl --progress=rawjson prints it.
func rawjson(digest, name string, cached, completed bool, errMsg, log string) string {
	v := fmt.Sprintf(`{"digest":%q,"name":%q,"cached":%v`, digest, name, cached)
	if completed {
		v += `,"started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z"`
	}
	if errMsg != "" {
		v += fmt.Sprintf(`,"error":%q`, errMsg)
	}
	v += "}"
	logs := ""
	if log != "" {
		logs = fmt.Sprintf(`,"logs":[{"vertex":%q,"stream":2,"data":%q}]`, digest, base64.StdEncoding.EncodeToString([]byte(log)))
	}
	return `{"vertexes":[` + v + `]` + logs + "}"
}

func TestParseProgressCountsStepsThatRan(t *testing.T) {
	stream := strings.Join([]string{
		rawjson("sha256:1", "[internal] load build definition from Dockerfile", false, true, "", ""),
		rawjson("sha256:2", "[1/3] RUN apt-get update", true, true, "", ""),
		rawjson("sha256:3", "[stage-1 2/3] COPY . .", false, true, "", ""),
		rawjson("sha256:4", "[3/3] RUN apt-get install -y jq", false, false, "", "E: Unable to locate package jq\n"),
		rawjson("sha256:4", "[3/3] RUN apt-get install -y jq", false, true, "exit code: 100", ""),
		"buildctl: some message",
	}, "\n")
	p, err := parseProgress([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	if p.ran != 2 {
		t.Errorf("ran = %d, want 2 (the COPY and the failed RUN)", p.ran)
	}
	err = p.failure(fmt.Errorf("exit status 1"), stream)
	if !strings.Contains(err.Error(), "Unable to locate package jq") || !strings.Contains(err.Error(), "RUN apt-get install -y jq") {
		t.Errorf("failure = %v", err)
	}
}

func TestStratifiedSampleTakesFromEveryStratumInTurn(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	files := []string{
		write("a1", "FROM debian\nRUN apt-get install -y curl\n"),
		write("a2", "FROM debian\nRUN apt-get install -y jq\n"),
		write("a3", "FROM ubuntu\nRUN apt-get install -y jq\n"),
		write("n1", "FROM node:20\nRUN npm ci\n"),
		write("x1", "FROM alpine\nRUN apk add curl\n"),
		write("w1", "FROM debian\nRUN apt-get install -y curl && \\\n  curl -o /x https://example.invalid/x\n"),
	}
	got, left := StratifiedSample(files, 3)
	want := []string{files[0], files[2], files[3]} // bookworm+apt, bookworm-slim+apt, node+npm
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(left, map[string]int{"unmapped base": 1, "fetches from the network": 1}) {
		t.Errorf("sample %q (left out %v), want %q", got, left, want)
	}
}

func TestSummaryCountsBrokenVariantsOncePerFile(t *testing.T) {
	s := NewSummary()
	s.Add(&Report{Name: "f", Bases: []string{Node}, Checks: []Check{
		{Variant: FixAll, Kinds: []diagnostics.FixKind{diagnostics.AddCacheMount}, Situation: Fresh},
		{Variant: FixAll, Situation: CIInstallChange, Err: fmt.Errorf("E: Unable to locate package jq")},
		{Variant: FixAll, Situation: CIAppChange, Unexplained: []Change{{"usr/bin/jq", Missing}}},
	}})
	s.Add(&Report{Name: "g", Skipped: "unmapped base: alpine"})
	k := s.ByKind[FixAll]
	if s.Built != 1 || k.Built != 1 || k.Broken != 1 || len(k.Problems) != 2 || s.Skipped["unmapped base"] != 1 || s.ByBase[Node] != 1 {
		t.Errorf("summary %+v, fix-all %+v", s, k)
	}
	if s.Covered[string(diagnostics.AddCacheMount)] != 1 {
		t.Errorf("covered %v", s.Covered)
	}
	if md := s.Markdown(); !strings.Contains(md, "| fix-all | 1 | 1 |") || !strings.Contains(md, "| unmapped base | 1 |") {
		t.Errorf("markdown:\n%s", md)
	}
}

// variantsOf is what the proof builds of text: fix-all's version and each
// kind alone, on a context generated for it.
func variantsOf(t *testing.T, text []byte) []Variant {
	t.Helper()
	dir := t.TempDir()
	c, err := GenerateContext(text, filepath.Join(dir, "ctx"), nil)
	if err != nil {
		t.Fatal(err)
	}
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, text, 0o644); err != nil {
		t.Fatal(err)
	}
	vs, err := Variants(context.Background(), text, c.Dir, df, true)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestVariantsNameTheKindsFixAllApplied(t *testing.T) {
	text := []byte("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n")
	vs := variantsOf(t, text)
	if len(vs) == 0 || vs[0].Name != FixAll || !slices.Contains(vs[0].Kinds, diagnostics.CopyManifestsFirst) {
		t.Fatalf("fix-all does not name the reorder: %+v", vs)
	}
	for _, v := range vs[1:] {
		if len(v.Kinds) != 1 || v.Name != string(v.Kinds[0]) || string(v.Text) == string(text) {
			t.Errorf("variant %s: not one kind %v, or unchanged", v.Name, v.Kinds)
		}
	}
}

// A size fix that fix-all leaves for the cache mount is still offered
// alone, and proved alone: before, only fix-all's kinds were, so that the
// proof never built add-no-cache-dir on a file a pip mount applies to.
func TestVariantsProveEveryKindFoundAlone(t *testing.T) {
	text := []byte("FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n")
	vs := variantsOf(t, text)
	if len(vs) == 0 || slices.Contains(vs[0].Kinds, diagnostics.AddNoCacheDir) {
		t.Fatalf("fix-all should mount pip's cache, not add --no-cache-dir: %+v", vs)
	}
	i := slices.IndexFunc(vs, func(v Variant) bool { return v.Name == string(diagnostics.AddNoCacheDir) })
	if i < 0 || !strings.Contains(string(vs[i].Text), "--no-cache-dir") {
		t.Errorf("no add-no-cache-dir variant alone: %+v", vs)
	}
}

func TestGenerateContextMakesTheFolderOfAnEmptyContext(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ctx")
	c, err := GenerateContext([]byte("FROM debian\nRUN true\n"), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(c.Dir); err != nil || !st.IsDir() || len(c.Files) != 0 {
		t.Errorf("context %+v: %v", c, err)
	}
}

func TestBuildable(t *testing.T) {
	for text, want := range map[string]string{
		"FROM debian\nRUN apt-get update && apt-get install -y curl wget git\n":      "",
		"FROM debian\nRUN wget -q https://example.invalid/x\n":                       "fetches from the network",
		"FROM debian\nRUN apt-get update && \\\n    git clone https://x.invalid/r\n": "fetches from the network",
		"FROM node:20\nRUN add-apt-repository ppa:x/y\n":                             "fetches from the network",
		"FROM python:3\nADD https://example.invalid/x.tgz /\n":                       "fetches from the network",
		"FROM golang:1.22\nRUN go build\n":                                           "unmapped base: golang:1.22",
	} {
		if got := Buildable([]byte(text)); got != want {
			t.Errorf("Buildable(%q) = %q, want %q", text, got, want)
		}
	}
}

// The fix forms make test-realbuild proves (testdata/fixforms) are what
// check --fix writes today: when a form changes, this fails, so that the
// new form is built before it is trusted.
func TestFixFormsAreTheOnesProved(t *testing.T) {
	files, err := filepath.Glob("testdata/fixforms/*.Dockerfile")
	if err != nil || len(files) < 3 {
		t.Fatalf("want the 3 fix forms, found %d (%v)", len(files), err)
	}
	locks := Lockfiles{"package-lock.json": []byte("{}\n"), "yarn.lock": []byte("\n")}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".Dockerfile") + ".fixed")
			if err != nil {
				t.Fatal(err)
			}
			if got := fixAllText(t, f, locks); got != string(want) {
				t.Errorf("check --fix writes another form than the one proved; build it (make test-realbuild), then write it into the .fixed file:\n%s", got)
			}
		})
	}
}

// fixAllText is what fix-all writes for the Dockerfile at path, on the
// context the oracle generates for it.
func fixAllText(t *testing.T, path string, locks Lockfiles) string {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c, err := GenerateContext(text, filepath.Join(dir, "ctx"), locks)
	if err != nil {
		t.Fatal(err)
	}
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, text, 0o644); err != nil {
		t.Fatal(err)
	}
	vs, err := Variants(context.Background(), text, c.Dir, df, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		return string(text)
	}
	return string(vs[0].Text)
}

func TestInstallsListsPlainPackageNames(t *testing.T) {
	text := []byte("FROM debian:bookworm\n" +
		"RUN apt-get update && apt-get install -y --no-install-recommends curl=7.* $EXTRA python-pip && pip3 install flask==2.0 -r requirements.txt .\n")
	got := installs(text)
	if !slices.Equal(got["apt"], []string{"curl", "python-pip"}) || !slices.Equal(got["pip"], []string{"flask"}) {
		t.Errorf("installs = %v, want apt [curl python-pip], pip [flask]", got)
	}
}

// On this machine's apt (bookworm), a Dockerfile that installs a package
// only older releases had is left out without a build; one that installs
// bookworm's packages, or the local wheel, is not.
func TestUnavailable(t *testing.T) {
	if names := aptNames(); !names["libssl3"] || names["python-pip"] {
		t.Skip("this machine's apt is not bookworm's")
	}
	cases := map[string]string{
		"FROM debian:bookworm\nRUN apt-get install -y curl jq\n":                             "",
		"FROM python:3\nRUN pip install -r requirements.txt realbuild-probe\n":               "",
		"FROM node:20-alpine\nRUN apk add --no-cache git\n":                                  "installs with apk",
		"FROM debian:bookworm\nRUN apt-get install -y curl python-pip\n":                     "bookworm has no package: python-pip",
		"FROM python:3\nRUN apt-get update && apt-get install -y gcc && pip install flask\n": "pip installs from the index: flask",
	}
	for text, want := range cases {
		if got := unavailable([]byte(text)); got != want {
			t.Errorf("unavailable(%q) = %q, want %q", text, got, want)
		}
	}
}

// The proof cut short has reached the rare kinds: each kind's first file
// comes before any kind's second, the rarest kind first, and files no
// kind names come last.
func TestKindsFirstPutsRareKindsEarly(t *testing.T) {
	mount, lists, slash := diagnostics.AddCacheMount, diagnostics.AddRmAptLists, diagnostics.AddDestSlash
	kinds := map[string][]diagnostics.FixKind{
		"a": {mount}, "b": {mount}, "c": {mount, lists}, "d": {mount}, "e": {lists}, "f": {slash},
	}
	got := KindsFirst([]string{"a", "b", "c", "d", "e", "f", "g"}, kinds)
	want := []string{"f", "c", "a", "e", "b", "d", "g"}
	if !slices.Equal(got, want) {
		t.Errorf("KindsFirst = %v, want %v", got, want)
	}
}

// Where the original fails, the variants holding a fix whose rule says it
// fails are built (fix-all among them); the others prove nothing there.
func TestRepairingPicksTheFixesOfFailingBuilds(t *testing.T) {
	vs := []Variant{
		{Name: FixAll, Kinds: []diagnostics.FixKind{diagnostics.AddCacheMount, diagnostics.AddYesFlag}},
		{Name: string(diagnostics.AddCacheMount), Kinds: []diagnostics.FixKind{diagnostics.AddCacheMount}},
		{Name: string(diagnostics.AddYesFlag), Kinds: []diagnostics.FixKind{diagnostics.AddYesFlag}},
	}
	aborted := &BuildError{Step: "[1/2] RUN apt-get install jq", Err: errors.New("exit status 1"), Output: "Do you want to continue? [Y/n] Abort."}
	var got []string
	for _, v := range repairing(vs, aborted) {
		got = append(got, v.Name)
	}
	if want := []string{FixAll, string(diagnostics.AddYesFlag)}; !slices.Equal(got, want) {
		t.Errorf("repairing = %v, want %v", got, want)
	}
	if len(repairing(vs[1:2], aborted)) != 0 {
		t.Error("a cache mount repairs nothing")
	}
	// An original that fails for another reason (a file missing from the
	// generated context) proves nothing about -y.
	other := &BuildError{Step: "[1/2] RUN apt-get install jq", Err: errors.New("exit status 1"), Output: "cannot open debian/control"}
	if len(repairing(vs, other)) != 0 {
		t.Error("repairing an original that failed otherwise")
	}
	// As the oracle's shell said it (make test-realbuild, exec-quotes).
	quoted := &BuildError{Step: "[1/2] RUN ['touch', '/made']", Err: errors.New("exit status 1"), Output: "/bin/sh: 1: [touch,: not found"}
	exec := []Variant{{Name: FixAll, Kinds: []diagnostics.FixKind{diagnostics.DoubleQuoteExecForm}}}
	if len(repairing(exec, quoted)) != 1 {
		t.Error("the single-quoted RUN's failure is not recognised")
	}
}

// An original whose step failed is not built again on the machine; a
// timeout is, and so is a file whose context changed.
func TestProveSkipsARememberedFailure(t *testing.T) {
	tmp := t.TempDir()
	p := &Prover{Images: Images{Bookworm: {Layout: filepath.Join(tmp, "images", "bookworm"), Digest: "sha256:1"}}, Work: tmp}
	text := []byte("FROM debian:bookworm\nCOPY app.sh /\nRUN /app.sh\n")
	c, err := GenerateContext(text, filepath.Join(tmp, "ctx"), nil)
	if err != nil {
		t.Fatal(err)
	}
	key := p.failureKey(text, c, []string{Bookworm})
	timedOut := &BuildError{Step: "[2/3] RUN /app.sh", Err: errors.New("timed out after 10m0s: signal: killed")}
	p.rememberFailure(key, timedOut)
	if why := p.rememberedFailure(key); why != "" {
		t.Fatalf("a timeout was remembered: %q", why)
	}
	p.rememberFailure(key, &BuildError{Step: "[2/3] RUN /app.sh", Err: errors.New("exit status 1"), Output: "E: no"})
	r := p.Prove(context.Background(), "f", text, c, []Variant{{Name: FixAll, Text: text}})
	if !strings.HasPrefix(r.Skipped, "original does not build (remembered): build failed at [2/3] RUN /app.sh") || len(r.Builds) != 0 {
		t.Errorf("Skipped %q after %d builds", r.Skipped, len(r.Builds))
	}
	if err := os.WriteFile(filepath.Join(c.Dir, c.Files[0]), []byte("#!/bin/sh\necho changed\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p.failureKey(text, c, []string{Bookworm}) == key {
		t.Error("the key does not cover the context's files")
	}
}

// add-cache-clean's npm form removes ~/.npm, which its title names: the
// logs and the update notifier's stamp go with the cache.
func TestAllowanceForCacheCleanIsNpmsWholeFolder(t *testing.T) {
	a := AllowanceFor([]diagnostics.FixKind{diagnostics.AddCacheClean}, nil)
	for _, p := range []string{"root/.npm", "root/.npm/_logs", "root/.npm/_update-notifier-last-checked", "home/node/.npm/_cacache/x"} {
		if !a.allows(Change{p, Missing}) {
			t.Errorf("missing /%s not allowed", p)
		}
	}
	if a.allows(Change{"root/.npmrc", Missing}) || a.allows(Change{"root/.npm/x", Added}) {
		t.Error("allows more than the cache folder's removal")
	}
}
