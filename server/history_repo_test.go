package server

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/gittest"
)

// For the tests of history.go, here and in package server_test (which
// sees what this file exports).

// HistoryProject is a git repository, made with go-git, whose Dockerfile
// copies everything before its install. NewFirstCommit makes its first
// commit alone; NewHistoryProject four more, three of which change a file
// the build reads (the README is ignored).
type HistoryProject struct{ *gittest.Repo }

const HistoryDockerfile = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"src/a.js\"]\n"

func NewFirstCommit(t *testing.T) *HistoryProject {
	p := &HistoryProject{gittest.New(t)}
	p.Change("Dockerfile", HistoryDockerfile, ".dockerignore", "*.md\n", "package.json", `{"name":"a"}`,
		"package-lock.json", `{"lockfileVersion":3}`, "src/a.js", "1", "README.md", "1")
	return p
}

// NewHistoryProject is NewFirstCommit and four commits after it.
func NewHistoryProject(t *testing.T) *HistoryProject {
	p := NewFirstCommit(t)
	p.Change("src/a.js", "2")
	p.Change("README.md", "2")
	p.Change("package.json", `{"name":"a","version":"2"}`)
	p.Change("src/b.js", "1")
	return p
}

// Change writes files (path, text, path, text...) and commits them.
func (p *HistoryProject) Change(pathsAndTexts ...string) {
	p.Write(pathsAndTexts...)
	p.Commit("change")
}

func (p *HistoryProject) URI() string {
	return "file://" + filepath.ToSlash(filepath.Join(p.Dir, "Dockerfile"))
}

// TestHistoryHoverSaving: the forecast prices CopyBeforeInstall's fix over
// the same commits (the install re-ran after each of the 3 commits; with
// package.json and package-lock.json copied first it would have after the
// one that changed package.json), and a hover on the finding says so while
// the document still says what was priced.
func TestHistoryHoverSaving(t *testing.T) {
	p := NewHistoryProject(t)
	on := true
	s := &Server{log: slog.New(slog.DiscardHandler), contexts: buildcontext.NewCache(), projects: &config.Loader{}, warned: map[string]bool{}}
	defer s.contexts.Close()
	defer s.history().close()
	s.editor.set(fromInitOptions, config.Settings{CacheHistory: config.CacheHistory{CodeLens: &on}})
	path := filepath.Join(p.Dir, "Dockerfile")
	u := uri.File(path)
	doc := dockerfile.Parse([]byte(HistoryDockerfile))
	fc, err := s.history().compute(path, doc, s.settingsFor(path))
	if err != nil {
		t.Fatal(err)
	}
	s.history().entries[u] = &historyEntry{last: fc}
	install := strings.Index(HistoryDockerfile, "RUN npm ci")
	want := "this install re-ran in 3; after the fix it would have in 1: the fix saves"
	if got := s.historyHover(u, doc, install+1); !strings.Contains(got, want) || !strings.Contains(got, "last 3 commits") {
		t.Errorf("hover on the install: %q, want %q over the last 3 commits", got, want)
	}
	if got := s.historyHover(u, doc, 1); got != "" {
		t.Errorf("hover on FROM, which has no finding: %q", got)
	}
	edited := dockerfile.Parse([]byte(strings.Replace(HistoryDockerfile, "npm ci", "npm ci --omit=dev", 1)))
	if got := s.historyHover(u, edited, install+1); got != "" {
		t.Errorf("hover on an install edited since the forecast: %q", got)
	}
}

// TestHistoryTriedOnce: a forecast that cannot be made (no repository
// here) is not tried again on every lens request, only once something
// it depends on changes.
func TestHistoryTriedOnce(t *testing.T) {
	defer func(d time.Duration) { historySettle = d }(historySettle)
	historySettle = time.Millisecond
	var logs strings.Builder
	var mu sync.Mutex
	s := &Server{log: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		contexts: buildcontext.NewCache(), projects: &config.Loader{}, warned: map[string]bool{}}
	defer s.contexts.Close()
	h := s.history()
	defer h.close()
	path := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(path, []byte(HistoryDockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	u := uri.File(path)
	tries := func() int {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(logs.String(), "no cache history forecast")
	}
	waitTries := func(n int) {
		for deadline := time.Now().Add(10 * time.Second); tries() < n && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		}
	}
	doc := dockerfile.Parse([]byte(HistoryDockerfile))
	h.forecast(u, path, doc, config.Settings{})
	waitTries(1)
	for range 3 {
		h.forecast(u, path, doc, config.Settings{})
		time.Sleep(50 * time.Millisecond)
	}
	if n := tries(); n != 1 {
		t.Fatalf("the same document was tried %d times, want once", n)
	}
	h.forecast(u, path, dockerfile.Parse([]byte(HistoryDockerfile+"# edited\n")), config.Settings{})
	waitTries(2)
	if n := tries(); n != 2 {
		t.Errorf("an edited document was tried %d times in all, want twice", n)
	}
}

// lockedWriter serialises the writes of a test's logger with its reads.
type lockedWriter struct {
	w  *strings.Builder
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
