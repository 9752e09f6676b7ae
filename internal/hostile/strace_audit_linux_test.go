package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAudit: the audit passes what a run may do and names each call it
// may not, from lines as strace -f -y writes them.
func TestAudit(t *testing.T) {
	const ws, bin = "/w/ws", "/b/dockerfile-ls"
	s := scope{roots: []string{ws}, writable: []string{ws}, projectDirs: []string{"/etc"}, binary: bin, cwd: ws}
	allowed := []string{
		`1 execve("/b/dockerfile-ls", ["/b/dockerfile-ls"], 0x0 /* 1 var */) = 0`,
		`1 openat(AT_FDCWD</w/ws>, "/proc/self/maps", O_RDONLY|O_CLOEXEC) = 3</proc/1/maps>`,
		`1 readlinkat(AT_FDCWD</w/ws>, "/proc/self/exe", "/b/dockerfile-ls", 128) = 16`,
		`1 openat(AT_FDCWD</w/ws>, "Dockerfile", O_RDONLY|O_NONBLOCK|O_CLOEXEC) = 5</w/ws/Dockerfile>`,
		`1 newfstatat(AT_FDCWD</w/ws>, "/w", {st_mode=S_IFDIR|0755, ...}, AT_SYMLINK_NOFOLLOW) = 0`,
		`1 newfstatat(5</w/ws>, "compose.yaml", 0x1, AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)`,
		`1 newfstatat(AT_FDCWD</w/ws>, "/.git", 0x1, AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)`,
		`1 openat(AT_FDCWD</w/ws>, "/etc/.dockerfile-ls.yaml", O_RDONLY|O_NONBLOCK|O_CLOEXEC) = -1 ENOENT (No such file or directory)`,
		`1 openat(7</w/ws>, ".Dockerfile.tmp", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 8</w/ws/.Dockerfile.tmp>`,
		`1 renameat(7</w/ws>, ".Dockerfile.tmp", 7</w/ws>, "Dockerfile") = 0`,
		`1 fchown(8</w/ws/.Dockerfile.tmp>, 0, 0) = 0`,
		`1 readlinkat(AT_FDCWD</w/ws>, "/w/ws/.dockerignore", "/dev/zero", 128) = 9`,
		`1 openat(AT_FDCWD</w/ws>, "/etc", O_RDONLY|O_CLOEXEC) = 5</etc>`,
		`1 getdents64(5</w/ws/sub>, 0x1 /* 3 entries */, 8192) = 72`,
		`1 --- SIGURG {si_signo=SIGURG} ---`,
	}
	forbidden := map[string]string{
		`1 openat(AT_FDCWD</w/ws>, "/w/ws/.dockerignore", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>`:             "open outside",
		`1 openat(AT_FDCWD</w/ws>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>`:                     "open outside",
		`1 openat(AT_FDCWD</w/ws>, "../outside/Dockerfile", O_RDONLY|O_CLOEXEC) = 3</w/outside/Dockerfile>`: "open outside",
		`1 openat(AT_FDCWD</w/ws>, "/", O_RDONLY|O_CLOEXEC|O_DIRECTORY) = 3</>`:                             "open outside",
		`1 openat(AT_FDCWD</w/ws>, "/w/outside/Dockerfile", O_WRONLY|O_TRUNC) = 3</w/outside/Dockerfile>`:   "write outside",
		`1 renameat(7</w/outside>, ".tmp", 7</w/outside>, "Dockerfile") = 0`:                                "write outside",
		`1 getdents64(5</etc>, 0x1 /* 30 entries */, 8192) = 960`:                                           "listed a folder outside",
		`2 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3`:                                                    "network",
		`2 execve("/bin/sh", ["sh"], 0x0 /* 1 var */) = 0`:                                                  "exec",
	}
	dir := t.TempDir()
	write := func(lines []string) string {
		log := filepath.Join(dir, "log")
		if err := os.WriteFile(log, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return log
	}
	got, lookups, err := audit(write(allowed), s)
	if err != nil || len(got)+len(lookups) > 0 {
		t.Errorf("allowed calls flagged: %v %v %v", err, got, lookups)
	}
	for line, want := range forbidden {
		got, _, err := audit(write(append(append([]string{}, allowed...), line)), s)
		if err != nil || len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("%s: got %v %v, want one %q", line, got, err, want)
		}
	}
	// A lookup outside is no open: listed apart.
	stat := `1 newfstatat(AT_FDCWD</w/ws>, "/root/.ssh", 0x1, 0) = -1 ENOENT (No such file or directory)`
	if got, lookups, _ := audit(write(append(append([]string{}, allowed...), stat)), s); len(got) > 0 || len(lookups) != 1 {
		t.Errorf("a stat of /root/.ssh: problems %v, lookups %v", got, lookups)
	}
	// Split calls are joined again.
	split := append(append([]string{}, allowed...),
		`3 openat(AT_FDCWD</w/ws>, "/etc/shadow", O_RDONLY <unfinished ...>`,
		`1 newfstatat(AT_FDCWD</w/ws>, "/w", {st_mode=S_IFDIR|0755, ...}, AT_SYMLINK_NOFOLLOW) = 0`,
		`3 <... openat resumed>) = 4</etc/shadow>`)
	if got, _, _ := audit(write(split), s); len(got) != 1 {
		t.Errorf("a split open of /etc/shadow: got %v", got)
	}
	if _, _, err := audit(write(allowed[:3]), s); err == nil {
		t.Error("a trace of three calls passed as complete")
	}
}
