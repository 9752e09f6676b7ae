package config

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	deep := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	// Above the repository: never read.
	writeFile(t, filepath.Join(root, ".dockerfile-ls.yaml"), "target: outside\n")
	if p, err := Find(deep); err != nil || p != "" {
		t.Errorf("Find stops at .git: %q, %v", p, err)
	}
	want := writeFile(t, filepath.Join(repo, ".dockerfile-ls.yaml"), "")
	if p, _ := Find(deep); p != want {
		t.Errorf("Find = %q, want %q", p, want)
	}
	nearer := writeFile(t, filepath.Join(repo, "a", ".dockerfile-ls.yml"), "")
	if p, _ := Find(deep); p != nearer {
		t.Errorf("Find = %q, want %q", p, nearer)
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".dockerfile-ls.yaml")
	f, err := Parse(path, []byte(`
rules:
  JSONArgsRecommended: off
  CopyBeforeInstall: error
  copybeforeinstall: hint
  NoSuchRule: warning
categories:
  cache: false
  size: on
  flavour: true
context: build
target: prod
args:
  GO_VERSION: 1.22
  EMPTY:
ignore:
  - third_party/
  - "**/testdata/**"
dockerfiles:
  "services/*/Dockerfile":
    context: services
    args: {SERVICE: api}
  Dockerfile.dev:
    target: dev
`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Settings.Rules["JSONArgsRecommended"] != "off" || f.Settings.Rules["CopyBeforeInstall"] != "error" {
		t.Errorf("rules %v", f.Settings.Rules)
	}
	if f.Settings.Categories["cache"] || !f.Settings.Categories["size"] {
		t.Errorf("categories %v", f.Settings.Categories)
	}
	if f.Settings.BuildContext != filepath.Join(dir, "build") || f.Settings.Target != "prod" {
		t.Errorf("context %q target %q", f.Settings.BuildContext, f.Settings.Target)
	}
	if !maps.Equal(f.Settings.BuildArgs, map[string]string{"GO_VERSION": "1.22"}) {
		t.Errorf("args %v", f.Settings.BuildArgs)
	}
	want := []string{
		path + ":5: unknown rule \"copybeforeinstall\" (did you mean CopyBeforeInstall?)",
		path + ":6: unknown rule \"NoSuchRule\" (`dockerfile-ls rules` lists them)",
		path + ":10: unknown category \"flavour\" (one of syntax, buildkit, cache, size)",
	}
	if strings.Join(f.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(f.Warnings, "\n"), strings.Join(want, "\n"))
	}

	api := f.For(filepath.Join(dir, "services", "api", "Dockerfile"))
	if api.BuildContext != filepath.Join(dir, "services") || api.Target != "prod" ||
		!maps.Equal(api.BuildArgs, map[string]string{"GO_VERSION": "1.22", "SERVICE": "api"}) {
		t.Errorf("api: %+v", api)
	}
	if dev := f.For(filepath.Join(dir, "x", "Dockerfile.dev")); dev.Target != "dev" || dev.BuildContext != filepath.Join(dir, "build") {
		t.Errorf("dev: %+v", dev)
	}
	if f.Settings.BuildArgs["SERVICE"] != "" {
		t.Error("For modified the file's settings")
	}
	for p, want := range map[string]bool{
		"third_party/x/Dockerfile": true,
		"a/third_party/Dockerfile": true,
		"src/testdata/Dockerfile":  true,
		"src/Dockerfile":           false,
		"../elsewhere/Dockerfile":  false,
	} {
		if got := f.Ignored(filepath.Join(dir, p), false); got != want {
			t.Errorf("Ignored(%s) = %v", p, got)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"rules:\n  A: [1\n":                            ".dockerfile-ls.yaml:1: did not find expected",
		"rule:\n  JSONArgsRecommended: off\n":          ".dockerfile-ls.yaml:1: unknown key \"rule\" (known keys: rules, categories, context, target, args, sizes, ignore, dockerfiles)",
		"rules:\n  JSONArgsRecommended: loud\n":        ".dockerfile-ls.yaml:2: rule JSONArgsRecommended: \"loud\" is not one of off, error, warning, info or hint",
		"categories:\n  cache: maybe\n":                ".dockerfile-ls.yaml:2: category cache: \"maybe\" must be true (on) or false (off)",
		"target: [a]\n":                                ".dockerfile-ls.yaml:1: target must be a string",
		"dockerfiles:\n  x:\n    rules: {}\n":          ".dockerfile-ls.yaml:3: unknown key \"rules\" under dockerfiles (known keys: context, target, args)",
		"- a\n":                                        ".dockerfile-ls.yaml:1: the file must be a mapping",
		"target: a\ntarget: b\n":                       ".dockerfile-ls.yaml:2: duplicate key \"target\"",
		"sizes: big\n":                                 ".dockerfile-ls.yaml:1: sizes: \"big\" is not one of inlayHints, codeLens, off",
		"context: https://example.com/repo.git\n":      ".dockerfile-ls.yaml:1: context \"https://example.com/repo.git\": only local folders",
		"args:\n  A: {b: c}\n":                         ".dockerfile-ls.yaml:2: arg A: the value must be a string",
		"ignore: {a: b}\n":                             ".dockerfile-ls.yaml:1: ignore must be a list of strings",
		"rules:\n  JSONArgsRecommended: off\n\tx: 1\n": ".dockerfile-ls.yaml:2: found a tab character",
		// Only the user widens where a context may be, never the repository.
		"allowedContexts: [/]\n": ".dockerfile-ls.yaml:1: unknown key \"allowedContexts\"",
	}
	for text, want := range cases {
		_, err := Parse(".dockerfile-ls.yaml", []byte(text))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %v, want prefix %q", text, err, want)
		}
	}
	for _, text := range []string{"", "# only a comment\n", "---\n"} {
		if f, err := Parse(".dockerfile-ls.yaml", []byte(text)); err != nil || f == nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestValidate(t *testing.T) {
	s := Settings{Rules: map[string]string{"JSONArgsRecommended": "loud", "Nope": "off"}, Categories: map[string]bool{"flavour": true}, Sizes: "big",
		AllowedContexts: []string{"src/shared"}}
	got := strings.Join(s.Validate(), "\n")
	for _, want := range []string{`rule JSONArgsRecommended: severity "loud"`, `unknown rule "Nope"`, `unknown category "flavour"`, `sizes: "big"`,
		`allowedContexts: "src/shared" is not an absolute path`} {
		if !strings.Contains(got, want) {
			t.Errorf("Validate lacks %q:\n%s", want, got)
		}
	}
	if v := (Settings{Rules: map[string]string{"ParseError": "warning"}}).Validate(); len(v) != 0 {
		t.Errorf("valid settings: %v", v)
	}
}

func TestLoadCompose(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DLS_TEST_TARGET", "")
	writeFile(t, filepath.Join(root, "compose.yaml"), `
services:
  db:
    image: postgres
  web:
    build: ./web
  api:
    build:
      context: ./services
      dockerfile: api/Dockerfile.prod
      target: ${DLS_TEST_TARGET:-release}
      args:
        - VERSION=1.2
        - FROM_ENV
`)
	web := writeFile(t, filepath.Join(root, "web", "Dockerfile"), "FROM scratch\n")
	api := writeFile(t, filepath.Join(root, "services", "api", "Dockerfile.prod"), "FROM scratch\n")
	other := writeFile(t, filepath.Join(root, "services", "api", "Dockerfile"), "FROM scratch\n")

	s, src, err := Load(web)
	if err != nil || src != filepath.Join(root, "compose.yaml") || s.BuildContext != filepath.Join(root, "web") {
		t.Errorf("web: %+v %q %v", s, src, err)
	}
	s, _, _ = Load(api)
	if s.BuildContext != filepath.Join(root, "services") || s.Target != "release" || !maps.Equal(s.BuildArgs, map[string]string{"VERSION": "1.2"}) {
		t.Errorf("api: %+v", s)
	}
	if s, src, _ := Load(other); src != "" || s.BuildContext != "" {
		t.Errorf("other: %+v %q", s, src)
	}

	// The project file wins, field by field.
	writeFile(t, filepath.Join(root, ".dockerfile-ls.yaml"), "dockerfiles:\n  services/api/Dockerfile.prod:\n    target: debug\n    args: {VERSION: '2'}\n")
	s, src, err = Load(api)
	if err != nil || s.Target != "debug" || s.BuildContext != filepath.Join(root, "services") || s.BuildArgs["VERSION"] != "2" {
		t.Errorf("api with a project file: %+v %v", s, err)
	}
	if !strings.Contains(src, ".dockerfile-ls.yaml") || !strings.Contains(src, "compose.yaml") {
		t.Errorf("source %q", src)
	}

	// A broken project file is an error with its line.
	writeFile(t, filepath.Join(root, ".dockerfile-ls.yaml"), "rules:\n  X: nope\n")
	if _, _, err := Load(api); err == nil || !strings.Contains(err.Error(), ".dockerfile-ls.yaml:2:") {
		t.Errorf("broken file: %v", err)
	}
}

// TestLoadComposeDotEnv: Compose interpolates with the project's .env for
// what the environment does not set, and the environment wins.
func TestLoadComposeDotEnv(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, ".env"), "# versions\nTAG=from-dotenv\nSTAGE=\"from dotenv\"\nDIR=worker\n")
	writeFile(t, filepath.Join(root, "compose.yaml"), `
services:
  worker:
    build:
      context: ./${DIR}
      target: ${STAGE}
      args:
        TAG: ${TAG:?}
        PRICE: $$5
`)
	worker := writeFile(t, filepath.Join(root, "worker", "Dockerfile"), "FROM scratch\n")
	t.Setenv("TAG", "from-env")
	s, src, err := Load(worker)
	if err != nil || src != filepath.Join(root, "compose.yaml") || s.BuildContext != filepath.Join(root, "worker") ||
		s.Target != "from dotenv" || !maps.Equal(s.BuildArgs, map[string]string{"TAG": "from-env", "PRICE": "$5"}) {
		t.Errorf("worker: %+v %q %v", s, src, err)
	}
}

func TestLoadBake(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "docker-bake.hcl"), `
// Build everything.
variable "GO_VERSION" {
  default = "1.22"
}

group "default" {
  targets = ["app", "tools"]
}

target "_common" {
  args = {
    GO_VERSION = "${GO_VERSION}"
  }
}

/* The app. */
target "app" {
  inherits   = ["_common"]
  context    = "app"
  dockerfile = "build/Dockerfile"
  target     = "runtime"
  tags       = ["example/app:${GO_VERSION}", notastring(1, [2])]
  platforms  = ["linux/amd64", "linux/arm64"]
  args = {
    "MODE" = "prod"
    DEBUG  = false
  }
  output = [{ type = "registry" }]
}

target "tools" {
  dockerfile = "tools.Dockerfile"
  labels = {
    "org.opencontainers.image.description" = <<EOT
Tools.
EOT
  }
}
`)
	app := writeFile(t, filepath.Join(root, "app", "build", "Dockerfile"), "FROM scratch\n")
	tools := writeFile(t, filepath.Join(root, "tools.Dockerfile"), "FROM scratch\n")
	s, src, err := Load(app)
	if err != nil || src != filepath.Join(root, "docker-bake.hcl") {
		t.Fatalf("%q %v", src, err)
	}
	if s.BuildContext != filepath.Join(root, "app") || s.Target != "runtime" ||
		!maps.Equal(s.BuildArgs, map[string]string{"GO_VERSION": "1.22", "MODE": "prod", "DEBUG": "false"}) {
		t.Errorf("app: %+v", s)
	}
	t.Setenv("GO_VERSION", "1.23")
	if s, _, _ := Load(app); s.BuildArgs["GO_VERSION"] != "1.23" {
		t.Errorf("the environment should win over a variable's default: %+v", s)
	}
	if s, _, _ := Load(tools); s.BuildContext != root {
		t.Errorf("tools: %+v", s)
	}
}

func TestMatchPath(t *testing.T) {
	cases := []struct {
		pattern, rel string
		isDir, want  bool
	}{
		{"Dockerfile.prod", "a/b/Dockerfile.prod", false, true},
		{"vendor/", "a/vendor/x/Dockerfile", false, true},
		{"vendor/", "a/vendor", false, false},
		{"/build", "build/Dockerfile", false, true},
		{"/build", "x/build/Dockerfile", false, false},
		{"services/*/Dockerfile", "services/api/Dockerfile", false, true},
		{"services/*/Dockerfile", "services/api/v2/Dockerfile", false, false},
		{"services/**/Dockerfile", "services/api/v2/Dockerfile", false, true},
		{"**/Dockerfile", "Dockerfile", false, true},
		{"./docs", "docs/Dockerfile", false, true},
		{"*.Dockerfile", "x/y.Dockerfile", false, true},
		{"", "x", false, false},
	}
	for _, c := range cases {
		if got := MatchPath(c.pattern, c.rel, c.isDir); got != c.want {
			t.Errorf("MatchPath(%q, %q, %v) = %v", c.pattern, c.rel, c.isDir, got)
		}
	}
	if !MatchGlob("a/**/*.Dockerfile", "a/b/c/x.Dockerfile") || MatchGlob("a/*", "a/b/c") || !MatchGlob("**", "a/b") {
		t.Error("MatchGlob")
	}
}

// TestLoadBakeJSON: the JSON form of a bake file, with a variable, an
// inherited target and a target whose Dockerfile cannot be evaluated
// (skipped, not guessed).
func TestLoadBakeJSON(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "docker-bake.json"), `{
  "variable": {"TAG": {"default": "1.0"}},
  "group": {"default": {"targets": ["web"]}},
  "target": {
    "base": {"args": {"TAG": "${TAG}", "A": "base"}},
    "unknown": {"context": "other", "dockerfile": "${NOT_DECLARED}"},
    "web": {"inherits": ["base"], "context": "web", "target": "prod", "args": {"A": "web"}}
  }
}`)
	web := writeFile(t, filepath.Join(root, "web", "Dockerfile"), "FROM scratch\n")
	s, src, err := Load(web)
	if err != nil || src != filepath.Join(root, "docker-bake.json") {
		t.Fatalf("%q %v", src, err)
	}
	if s.BuildContext != filepath.Join(root, "web") || s.Target != "prod" ||
		!maps.Equal(s.BuildArgs, map[string]string{"TAG": "1.0", "A": "web"}) {
		t.Errorf("web: %+v", s)
	}
	if _, src, _ := Load(writeFile(t, filepath.Join(root, "other", "Dockerfile"), "FROM scratch\n")); src != "" {
		t.Errorf("a target whose Dockerfile is unknown was taken to build other/Dockerfile (from %s)", src)
	}
}

func TestLoadBakeRejectsGarbage(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	df := writeFile(t, filepath.Join(root, "Dockerfile"), "FROM scratch\n")
	for _, src := range []string{"target \"x\" {", "target \"x\" { a = \"unterminated }", "= 1", "a = (1", "/* open"} {
		writeFile(t, filepath.Join(root, "docker-bake.hcl"), src)
		if _, from, err := Load(df); from != "" || err != nil {
			t.Errorf("%q: settings from %q, %v", src, from, err)
		}
	}
}

// TestLoaderKeepsBuildFiles: a Loader reads the project, Compose and bake
// files once (the server asks on every keystroke) and reads them again
// only after Forget says they changed, for the Dockerfiles below them.
func TestLoaderKeepsBuildFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	compose := writeFile(t, filepath.Join(root, "compose.yaml"), "services:\n  web:\n    build: {context: ./web, target: one}\n")
	bake := writeFile(t, filepath.Join(root, "api", "docker-bake.hcl"), "target \"api\" {\n  target = \"one\"\n}\n")
	web := writeFile(t, filepath.Join(root, "web", "Dockerfile"), "FROM scratch\n")
	api := writeFile(t, filepath.Join(root, "api", "Dockerfile"), "FROM scratch\n")
	l := &Loader{}
	target := func(dockerfile string) string {
		t.Helper()
		s, _, err := l.Load(dockerfile)
		if err != nil {
			t.Fatal(err)
		}
		return s.Target
	}
	if target(web) != "one" || target(api) != "one" {
		t.Fatalf("targets %q, %q", target(web), target(api))
	}

	writeFile(t, compose, "services:\n  web:\n    build: {context: ./web, target: two}\n")
	writeFile(t, bake, "target \"api\" {\n  target = \"two\"\n}\n")
	if target(web) != "one" || target(api) != "one" {
		t.Error("a Load read the build files again without being told they changed")
	}
	l.Forget(filepath.Join(root, "web", "app.py")) // not a file Load reads
	if target(web) != "one" || target(api) != "one" {
		t.Error("Forget of a file Load does not read dropped its answers")
	}
	l.Forget(bake)
	if target(api) != "two" {
		t.Error("a changed bake file was not read again after Forget")
	}
	if target(web) != "one" {
		t.Error("Forget of api's bake file dropped the answer for a Dockerfile outside api")
	}
	l.Forget(compose)
	if target(web) != "two" {
		t.Error("a changed Compose file was not read again after Forget")
	}
	writeFile(t, filepath.Join(root, ".dockerfile-ls.yaml"), "target: three\n")
	l.Forget(filepath.Join(root, ".dockerfile-ls.yaml"))
	if target(web) != "three" || target(api) != "three" {
		t.Errorf("after a new project file: %q, %q", target(web), target(api))
	}
}
