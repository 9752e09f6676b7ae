//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// TestLoaderReadsOutsideItsLock: a project file that is slow to read
// holds up neither the Dockerfiles that do not use it nor, with a second
// read, those that do: they wait for the one read under way.
func TestLoaderReadsOutsideItsLock(t *testing.T) {
	root := t.TempDir()
	slow, quick := filepath.Join(root, "slow"), filepath.Join(root, "quick")
	for _, dir := range []string{slow, quick} {
		if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	slowFile := writeFile(t, filepath.Join(slow, ".dockerfile-ls.yaml"), "target: slow\n")
	writeFile(t, filepath.Join(quick, ".dockerfile-ls.yaml"), "target: quick\n")
	release := make(chan struct{})
	reads := make(chan string, 4)
	l := &Loader{readFile: func(path string) ([]byte, error) {
		reads <- path
		if path == slowFile {
			<-release
		}
		return os.ReadFile(path)
	}}
	slowTargets := make(chan string, 2)
	for range 2 {
		go func() {
			s, _, _ := l.Load(filepath.Join(slow, "Dockerfile"))
			slowTargets <- s.Target
		}()
	}

	quickDone := make(chan string)
	go func() {
		s, _, _ := l.Load(filepath.Join(quick, "Dockerfile"))
		quickDone <- s.Target
	}()
	select {
	case got := <-quickDone:
		if got != "quick" {
			t.Errorf("quick target %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("loading one project file waited for another being read")
	}

	close(release)
	for range 2 {
		select {
		case got := <-slowTargets:
			if got != "slow" {
				t.Errorf("slow target %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the loads of the slow project file never ended")
		}
	}
	if n := countReads(reads, slowFile); n != 1 {
		t.Errorf("the slow project file was read %d times, want once", n)
	}
}

func countReads(reads chan string, path string) int {
	n := 0
	for {
		select {
		case p := <-reads:
			if p == path {
				n++
			}
		default:
			return n
		}
	}
}

// TestProjectFileIsNeverTrusted: a project file that is a FIFO, a device,
// a symlink out of the repository or 10 MB is refused at once with an
// error naming it, and the load goes no further; a symlink within the
// repository is read.
func TestProjectFileIsNeverTrusted(t *testing.T) {
	outside := writeFile(t, filepath.Join(t.TempDir(), "passwd"), "target: stolen\n")
	cases := []struct {
		name    string
		make    func(t *testing.T, file string)
		wantErr error
	}{
		{"FIFO", func(t *testing.T, file string) {
			if err := syscall.Mkfifo(file, 0o644); err != nil {
				t.Fatal(err)
			}
		}, safefile.ErrNotRegular},
		{"symlink to /dev/zero", symlinkTo("/dev/zero"), safefile.ErrOutsideRoot},
		{"symlink to /dev/urandom", symlinkTo("/dev/urandom"), safefile.ErrOutsideRoot},
		{"symlink out of the repository", symlinkTo(outside), safefile.ErrOutsideRoot},
		{"10 MB", func(t *testing.T, file string) {
			writeFile(t, file, "target: big\n"+string(make([]byte, 10<<20)))
		}, safefile.ErrTooLarge},
		{"symlink within the repository", func(t *testing.T, file string) {
			writeFile(t, filepath.Join(filepath.Dir(file), "..", "common", "project.yaml"), "target: common\n")
			symlinkTo("../common/project.yaml")(t, file)
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := t.TempDir()
			if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(repo, "app")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			c.make(t, filepath.Join(dir, ".dockerfile-ls.yaml"))
			s, err := loadWithin(t, filepath.Join(dir, "Dockerfile"))
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Load = %+v, %v; want %v", s, err, c.wantErr)
			}
			if c.wantErr == nil && s.Target != "common" {
				t.Errorf("target %q, want the symlinked file's", s.Target)
			}
		})
	}
}

func symlinkTo(target string) func(t *testing.T, file string) {
	return func(t *testing.T, file string) {
		if err := os.Symlink(target, file); err != nil {
			t.Fatal(err)
		}
	}
}

// loadWithin is Load with a deadline: a read that blocks fails the test
// instead of hanging it.
func loadWithin(t *testing.T, dockerfile string) (Settings, error) {
	t.Helper()
	type result struct {
		s   Settings
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, _, err := (&Loader{}).Load(dockerfile)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("Load blocked on the project file")
		return Settings{}, nil
	}
}

// TestReadFileRefusesAFIFO: the file --config names may be anywhere, but
// it is still only read when it is a regular file.
func TestReadFileRefusesAFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "config.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ReadFile(fifo)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("ReadFile = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadFile blocked on a FIFO")
	}
}

// TestBuildFilesAreNeverTrusted: a compose.yaml, docker-bake.hcl or .env
// that is a FIFO, a device or a symlink out of the repository is skipped
// at once (its settings are simply not used); a regular one is read.
func TestBuildFilesAreNeverTrusted(t *testing.T) {
	const compose = "services:\n  app:\n    build:\n      context: .\n      target: ${TARGET:-fromcompose}\n"
	// What a file outside the repository would set, were it read.
	stolen := map[string]string{
		"compose.yaml":    strings.ReplaceAll(compose, "fromcompose", "stolen"),
		"docker-bake.hcl": "target \"app\" {\n  dockerfile = \"Dockerfile\"\n  target = \"stolen\"\n}\n",
		".env":            "TARGET=stolen\n",
	}
	for _, file := range []string{"compose.yaml", "docker-bake.hcl", ".env"} {
		outside := writeFile(t, filepath.Join(t.TempDir(), file), stolen[file])
		hostile := map[string]func(t *testing.T, file string){
			"FIFO": func(t *testing.T, file string) {
				if err := syscall.Mkfifo(file, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			"symlink to /dev/zero":          symlinkTo("/dev/zero"),
			"symlink out of the repository": symlinkTo(outside),
		}
		for name, create := range hostile {
			t.Run(name+"/"+file, func(t *testing.T) {
				repo := t.TempDir()
				if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
					t.Fatal(err)
				}
				want := ""
				if file == ".env" {
					// The compose file is fine; only its .env is hostile.
					writeFile(t, filepath.Join(repo, "compose.yaml"), compose)
					want = "fromcompose"
				}
				create(t, filepath.Join(repo, file))
				s, err := loadWithin(t, filepath.Join(repo, "Dockerfile"))
				if err != nil || s.Target != want {
					t.Errorf("Load = %+v, %v; want target %q", s, err, want)
				}
			})
		}
	}
}
