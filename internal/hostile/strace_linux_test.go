package hostile

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// straceFor is the strace command that runs args and logs to log what
// audit reads; the error says why strace cannot run here (never a skip:
// the suite must not pass without its audit).
func straceFor(log string, args ...string) ([]string, error) {
	bin, err := exec.LookPath("strace")
	if err != nil {
		return nil, fmt.Errorf("strace is not installed (make test-hostile installs it; apt-get install strace): the file-access audit cannot run")
	}
	if out, err := exec.Command(bin, "-f", "-qq", "--seccomp-bpf", "-e", "trace=openat", "-o", "/dev/null", "true").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("strace cannot trace here (%v: %s): the file-access audit cannot run", err, out)
	}
	// -y: descriptors as the paths they were opened as, after symlinks.
	return append([]string{bin, "-f", "-qq", "-y", "--seccomp-bpf", "-s", "4096", "-o", log, "-e", traceSet, "--"}, args...), nil
}

// traceSet is every call that opens, looks up or changes a path, starts a
// program or touches the network.
const traceSet = "trace=%network,execve,execveat,open,openat,openat2,creat,getdents64,stat,lstat,newfstatat,statx,access,faccessat,faccessat2," +
	"readlink,readlinkat,inotify_add_watch,mkdir,mkdirat,unlink,unlinkat,rename,renameat,renameat2,symlink,symlinkat,link,linkat," +
	"chmod,fchmod,fchmodat,chown,fchown,lchown,fchownat,truncate,utimensat"

// scope is what a run may touch: read anything in roots (the workspace
// folders; the paths given to check), write only in writable, and read
// outside roots only what docs/settings.md lists: project files in
// projectDirs (a document's own folder, outside any workspace folder), a
// repository's .git above a root, and what the Go runtime reads. cwd is
// the working folder, for paths the trace shows relative to it.
type scope struct {
	roots, writable, projectDirs []string
	files                        []string // files the user named, and where they lead
	binary, cwd                  string
}

// runtimeFiles are the files outside the workspace the Go runtime and
// the os package read, and why.
var runtimeFiles = []*regexp.Regexp{
	regexp.MustCompile(`^/sys/kernel/mm/transparent_hugepage/`),  // heap page size
	regexp.MustCompile(`^/proc/self/`),                           // its own process state, os.Executable
	regexp.MustCompile(`^/proc/[0-9]+/`),                         // the parent-process watch
	regexp.MustCompile(`^/sys/fs/cgroup/`),                       // its CPU limit (GOMAXPROCS)
	regexp.MustCompile(`^/proc/stat$`),                           // CPU count
	regexp.MustCompile(`^/etc/localtime$|^/usr/share/zoneinfo/`), // log timestamps
	regexp.MustCompile(`^/dev/null$`),
	regexp.MustCompile(`^/(etc/ld\.so\.cache|etc/ld\.so\.preload|lib|lib64|usr/lib)(/|$)`), // the loader, when dynamically linked
}

// projectNames are the files of docs/settings.md's upward search.
var projectNames = []string{".dockerfile-ls.yaml", ".dockerfile-ls.yml", "compose.yaml", "compose.yml",
	"docker-compose.yml", "docker-compose.yaml", "docker-bake.json", "docker-bake.hcl", ".env"}

// within says whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

func withinAny(p string, dirs []string) bool {
	return slices.ContainsFunc(dirs, func(d string) bool { return within(p, d) })
}

// ancestor says whether p is a folder above one of dirs.
func ancestor(p string, dirs []string) bool {
	return slices.ContainsFunc(dirs, func(d string) bool { return p != d && within(d, p) })
}

// readable says whether a read-only open of p is allowed (listing a
// folder is not: see judge).
func (s scope) readable(p string) bool {
	switch {
	case withinAny(p, s.roots), p == s.binary, slices.Contains(s.projectDirs, p), slices.Contains(s.files, p):
		return true
	case slices.ContainsFunc(runtimeFiles, func(re *regexp.Regexp) bool { return re.MatchString(p) }):
		return true
	case slices.Contains(projectNames, filepath.Base(p)) && slices.Contains(s.projectDirs, filepath.Dir(p)):
		return true
	}
	// The repository's .git, above a root or a document's folder.
	if i := strings.Index(p+"/", "/.git/"); i >= 0 {
		above := p[:max(i, 1)]
		return ancestor(above, s.roots) || withinAny(above, s.roots) || slices.Contains(s.projectDirs, above) || ancestor(above, s.projectDirs)
	}
	return false
}

// lookable says whether a lookup (stat, access, readlink) of p is allowed:
// what may be read, and the folders above them (resolving a path looks
// at each of its parents).
func (s scope) lookable(p string) bool {
	return s.readable(p) || p == "/" || ancestor(p, s.roots) || ancestor(p, s.projectDirs) || ancestor(p, []string{s.binary})
}

var (
	traceCall  = regexp.MustCompile(`^(\d+)\s+([a-z0-9_]+)\((.*)$`)
	resumed    = regexp.MustCompile(`^(\d+)\s+<\.\.\. [a-z0-9_]+ resumed>(.*)$`)
	fdResult   = regexp.MustCompile(`= \d+<([^>]*)>`)
	dirfdArg   = regexp.MustCompile(`^(-?\d+|AT_FDCWD)<([^>]*)>`)
	writeFlags = regexp.MustCompile(`O_WRONLY|O_RDWR|O_CREAT|O_TRUNC`)
)

// writeCalls change the file system; their paths must be writable.
var writeCalls = []string{"mkdir", "mkdirat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "symlink", "symlinkat",
	"link", "linkat", "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "truncate", "utimensat", "creat"}

// lookupCalls name a path without reading what is in it.
var lookupCalls = []string{"stat", "lstat", "newfstatat", "statx", "access", "faccessat", "faccessat2", "readlink", "readlinkat"}

// audit reads an strace -f -y log and lists what s does not allow: an
// exec but the first, any network call, a write outside s.writable, a
// read-only open outside what s allows (as asked, and where it led), and
// the listing of a folder outside s.roots. Lookups outside it (a stat of
// /etc while resolving a symlink that leads there) are no open, and are
// listed apart.
func audit(log string, s scope) (problems, lookups []string, err error) {
	f, err := os.Open(log)
	if err != nil {
		return nil, nil, fmt.Errorf("the strace log: %w", err)
	}
	defer f.Close()
	unfinished := map[string]string{}
	execs, calls := 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		line := joinResumed(sc.Text(), unfinished)
		m := traceCall.FindStringSubmatch(line)
		if m == nil {
			continue // "+++ exited", "--- SIG…", the first half of a call
		}
		calls++
		name := m[2]
		if name == "execve" || name == "execveat" {
			if execs++; execs > 1 {
				problems = append(problems, "exec: "+line)
			}
			continue
		}
		switch p := s.judge(name, m[3], line); {
		case p == "":
		case strings.HasPrefix(p, lookupOutside):
			lookups = append(lookups, p)
		default:
			problems = append(problems, p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading the strace log: %w", err)
	}
	if execs == 0 || calls < 10 {
		return nil, nil, fmt.Errorf("the strace log has %d calls and %d execs: the trace is incomplete", calls, execs)
	}
	return problems, lookups, nil
}

// lookupOutside starts what judge says of a lookup outside the scope.
const lookupOutside = "lookup outside the workspace: "

// joinResumed puts the halves of a call strace split between threads
// together; it returns "" for a first half.
func joinResumed(line string, unfinished map[string]string) string {
	if head, ok := strings.CutSuffix(line, " <unfinished ...>"); ok {
		if m := traceCall.FindStringSubmatch(head); m != nil {
			unfinished[m[1]] = head
		}
		return ""
	}
	if r := resumed.FindStringSubmatch(line); r != nil {
		line = unfinished[r[1]] + r[2]
		delete(unfinished, r[1])
	}
	return line
}

// judge is what is wrong with one call, or "".
func (s scope) judge(name, args, line string) string {
	if isNetwork(name) {
		return "network: " + line
	}
	paths := callPaths(args, s.cwd)
	switch {
	case strings.HasPrefix(name, "readlink") && len(paths) > 1:
		paths = paths[:1] // the second is the link's text, read back
	case strings.HasPrefix(name, "symlink") && len(paths) > 1:
		paths = paths[len(paths)-1:] // the first is the new link's text
	}
	if got := fdResult.FindStringSubmatch(line); got != nil {
		paths = append(paths, got[1]) // where the open led
	}
	switch {
	case slices.Contains(writeCalls, name) || (strings.HasPrefix(name, "open") && writeFlags.MatchString(args)):
		for _, p := range paths {
			if !withinAny(p, s.writable) && p != "/dev/null" {
				return "write outside the paths given: " + line
			}
		}
	case slices.Contains(lookupCalls, name):
		for _, p := range paths {
			if !s.lookable(p) {
				return lookupOutside + line
			}
		}
	case name == "getdents64":
		for _, p := range paths {
			if !withinAny(p, s.roots) {
				return "listed a folder outside the workspace: " + line
			}
		}
	default: // open, openat, openat2, inotify_add_watch
		for _, p := range paths {
			if !s.readable(p) {
				return "open outside the workspace: " + line
			}
		}
	}
	return ""
}

// callPaths are the paths a call names, each made absolute against the
// folder of the descriptor before it (AT_FDCWD: cwd), and the folder of a
// descriptor-only call (fchown, fstat with AT_EMPTY_PATH).
func callPaths(args, cwd string) []string {
	var out []string
	for _, m := range pathArg.FindAllStringSubmatch(args, -1) {
		dir, p := cwd, m[2]
		if m[1] != "" {
			dir = m[1]
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		out = append(out, filepath.Clean(p))
	}
	if d := dirfdArg.FindStringSubmatch(args); len(out) == 0 && d != nil {
		out = append(out, d[2])
	}
	return out
}

// pathArg is a quoted path, after the descriptor it is relative to when
// there is one.
var pathArg = regexp.MustCompile(`(?:(?:-?\d+|AT_FDCWD)<([^>]*)>, |AT_FDCWD, )?"((?:[^"\\]|\\.)*)"`)

var networkCalls = []string{"socket", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg", "sendmmsg",
	"recvfrom", "recvmsg", "recvmmsg", "getsockopt", "setsockopt", "getsockname", "getpeername", "socketpair", "shutdown"}

func isNetwork(name string) bool { return slices.Contains(networkCalls, name) }
