package pkgmgr

import (
	"path"
	"slices"
	"strings"
	"testing"
)

// TestCatalogValid checks the data itself: the JSON decodes with no unknown
// key, every value is one the code understands, and patterns compile.
func TestCatalogValid(t *testing.T) {
	kinds := []string{Install, Build, Update, Download, Clean, Remove}
	seen := map[string]bool{}
	for _, m := range Catalog() {
		if m.Name == "" || seen[m.Name] {
			t.Errorf("missing or duplicate name %q", m.Name)
		}
		seen[m.Name] = true
		if len(m.Commands) == 0 || len(m.Actions) == 0 {
			t.Errorf("%s: no commands or actions", m.Name)
		}
		for _, form := range m.Commands {
			for _, pat := range form {
				if _, err := path.Match(pat, ""); err != nil || pat == "" {
					t.Errorf("%s: bad command pattern %q", m.Name, pat)
				}
			}
		}
		for _, a := range m.Actions {
			if !slices.Contains(kinds, a.Kind) || !slices.Contains([]string{"", "packages", "files"}, a.Args) || len(a.Sub) == 0 ||
				!slices.Contains([]string{"", FetchAll, FetchMissing, FetchNone}, a.Fetch) || (a.EmptiesCache && a.Kind != Clean) {
				t.Errorf("%s: bad action %+v", m.Name, a)
			}
		}
		if d := m.Distro; d != nil && (Lookup(d.Manager) == nil || !Lookup(d.Manager).System || len(d.Packages) == 0 || len(d.Known) == 0) {
			t.Errorf("%s: bad distro %+v", m.Name, d)
		}
		if m.Goals && m.DefaultKind != "" && !slices.Contains(kinds, m.DefaultKind) {
			t.Errorf("%s: bad defaultKind %q", m.Name, m.DefaultKind)
		}
		if !slices.Contains([]string{"", "strict", "loose"}, m.PathArgs) {
			t.Errorf("%s: bad pathArgs %q", m.Name, m.PathArgs)
		}
		for _, f := range append(append([]string{}, m.FileFlags...), m.PathFlags...) {
			if !slices.Contains(m.ValueFlags, f) {
				t.Errorf("%s: %s names a file but is not in valueFlags", m.Name, f)
			}
		}
		for _, c := range m.Caches {
			if (c.Path == "" && c.Home == "") || !slices.Contains([]string{"", "locked", "shared", "private"}, c.Sharing) {
				t.Errorf("%s: bad cache %+v", m.Name, c)
			}
			if (c.Path != "" && !path.IsAbs(c.Path)) || path.IsAbs(c.Home) {
				t.Errorf("%s: cache %+v: path must be absolute, home relative", m.Name, c)
			}
			for _, pat := range append(slices.Clone(c.Images), c.NotOn...) {
				repo, _, _ := strings.Cut(strings.TrimPrefix(pat, "!"), ":")
				if img := ParseImage(repo); img.Repo != repo || !img.Matches(strings.TrimPrefix(pat, "!")) && !strings.Contains(pat, ":") {
					t.Errorf("%s: cache %s: image pattern %q is not a familiar repository name", m.Name, c.Path, pat)
				}
			}
		}
	}
}

// TestCatalogFacts pins the facts the rules depend on.
func TestCatalogFacts(t *testing.T) {
	caches := map[string][]string{
		"pip":      {"/root/.cache/pip"},
		"uv":       {"/root/.cache/uv"},
		"poetry":   {"/root/.cache/pypoetry"},
		"pipenv":   {"/root/.cache/pipenv"},
		"npm":      {"/root/.npm"},
		"yarn":     {"/usr/local/share/.cache/yarn"},
		"pnpm":     {"/root/.local/share/pnpm/store"},
		"go":       {"/go/pkg/mod", "/root/.cache/go-build"},
		"cargo":    {"/usr/local/cargo/registry", "/usr/local/cargo/git"},
		"maven":    {"/root/.m2/repository"},
		"gradle":   {"/root/.gradle/caches"},
		"bundler":  {"/usr/local/bundle/cache"},
		"composer": {"/root/.composer/cache", "/tmp/cache"},
		"apk":      {"/etc/apk/cache"},
		"apt":      {"/var/cache/apt", "/var/lib/apt/lists"},
		"dnf":      {"/var/cache/dnf"},
		"yum":      {"/var/cache/yum"},
		"microdnf": {"/var/cache/yum"},
		"zypper":   {"/var/cache/zypp"},
		"dotnet":   {"/root/.nuget/packages"},
		"gem":      {"/usr/local/bundle/cache"},
	}
	for name, want := range caches {
		m := Lookup(name)
		if m == nil {
			t.Errorf("no manager %q", name)
			continue
		}
		var got []string
		for _, c := range m.Caches {
			got = append(got, c.Path)
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s caches %q, want %q among them", name, got, w)
			}
		}
	}
	for _, c := range Lookup("apt").Caches {
		if c.Sharing != "locked" {
			t.Errorf("apt cache %s must be sharing=locked", c.Path)
		}
	}
	files := map[string][]string{
		"npm":      {"package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"},
		"yarn":     {"package.json", "yarn.lock", ".yarnrc.yml", ".yarn/releases/"},
		"pnpm":     {"package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"},
		"poetry":   {"pyproject.toml", "poetry.lock"},
		"uv":       {"pyproject.toml", "uv.lock"},
		"pipenv":   {"Pipfile", "Pipfile.lock"},
		"go":       {"go.mod", "go.sum"},
		"cargo":    {"Cargo.toml", "Cargo.lock"},
		"bundler":  {"Gemfile", "Gemfile.lock"},
		"composer": {"composer.json", "composer.lock"},
		"maven":    {"pom.xml"},
		"gradle":   {"build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties", "gradle/"},
		"dotnet":   {"*.csproj", "*.sln", "NuGet.config", "packages.lock.json"},
		"gem":      {"*.gemspec", "Gemfile"},
	}
	for name, want := range files {
		m := Lookup(name)
		all := append(append(append([]string{}, m.Manifests...), m.Locks...), m.Configs...)
		for _, w := range want {
			if !slices.Contains(all, w) {
				t.Errorf("%s reads %q, want %q among them", name, all, w)
			}
		}
	}
	if Lookup("nosuch") != nil {
		t.Error("Lookup of an unknown name")
	}
}

func TestDecodeCatalogRejectsUnknownKeys(t *testing.T) {
	if _, err := decodeCatalog([]byte(`{"managers": [{"name": "x", "cachez": []}]}`)); err == nil {
		t.Error("unknown key accepted")
	}
}

func TestImageMatches(t *testing.T) {
	for _, c := range []struct {
		ref, pattern string
		want         bool
	}{
		{"golang:1.12-alpine", "golang:<1.13", true},
		{"golang:1.13", "golang:<1.13", false},
		{"golang:1.9", "golang:<1.13", true},
		{"golang", "golang:<1.13", false}, // latest: the newest
		{"golang:alpine", "golang:<1.13", false},
		{"docker.io/library/golang:1.10@sha256:0000000000000000000000000000000000000000000000000000000000000000", "golang:<1.13", true},
		{"centos:7", "centos:<8", true},
		{"centos:centos7", "centos:<8", true},
		{"centos:7.9.2009", "centos:<8", true},
		{"centos", "centos:<8", false},
		{"centos:8", "centos:>=8", true},
		{"centos", "centos:>=8", true},
		{"ruby:2.7", "ruby", true},
		{"myorg/ruby:2.7", "ruby", false},
		{"$BASE", "ruby", false},
		{"ubuntu:trusty-20190515", "ubuntu:trusty", true},
		{"ubuntu:trusty", "ubuntu:<16.04", false},
		{"ubuntu:14.04", "ubuntu:<16.04", true},
		{"debian:8", "debian:<9", true},
		{"debian:stretch-slim", "debian:<9", false},
		{"ppc64le/ubuntu:14.04", "ubuntu:<16.04", true},
		{"arm64v8/golang:1.12", "golang:<1.13", true},
		{"myorg/ubuntu:14.04", "ubuntu", false},
		{"ubuntu:22.04", "!golang", true},
		{"golang:1.22", "!golang", false},
		{"$UNKNOWN", "!golang", true},
	} {
		if got := ParseImage(c.ref).Matches(c.pattern); got != c.want {
			t.Errorf("ParseImage(%q).Matches(%q) = %v, want %v", c.ref, c.pattern, got, c.want)
		}
	}
}
