package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cases are issue 18's inputs, each for the server ("lsp/…") and for
// check ("check/…") where both read it, and variations of them.
func cases() []hcase {
	var all []hcase
	for _, group := range [][]hcase{expansionCases(), shellCases(), sizeCases(), deviceCases(), fifoCases(),
		globCases(), contextCases(), projectFileCases(), serverOnlyCases(), scopeCases(), fixCases()} {
		all = append(all, group...)
	}
	return all
}

// both is the case for the server and for `check .` on one workspace;
// nil specs are the defaults.
func both(name string, setup func(w *world), sp *serverSpec, cs *checkSpec) []hcase {
	if sp == nil {
		sp = &serverSpec{}
	}
	if cs == nil {
		cs = &checkSpec{}
	}
	if cs.args == nil {
		cs.args = []string{"."}
	}
	return []hcase{{name: "lsp/" + name, setup: setup, server: sp}, {name: "check/" + name, setup: setup, check: cs}}
}

// dockerfile is a setup writing the workspace's Dockerfile, and any
// further files (name, content, in pairs).
func dockerfile(text []byte, more ...string) func(w *world) {
	return func(w *world) {
		w.write("Dockerfile", text)
		for i := 0; i+1 < len(more); i += 2 {
			w.write(more[i], []byte(more[i+1]))
		}
	}
}

// hoverAt hovers the workspace's Dockerfile at line, char.
func hoverAt(line, char int) func(w *world) (string, int, int) {
	return func(w *world) (string, int, int) { return fileURI(w.path("Dockerfile")), line, char }
}

func expansionCases() []hcase {
	var all []hcase
	all = append(all, both("env-doubling-608", dockerfile(Doubling("ENV", 28)), &serverSpec{hover: hoverAt(30, 10)}, nil)...)
	all = append(all, both("arg-doubling", dockerfile(Doubling("ARG", 28)), &serverSpec{hover: hoverAt(30, 10)}, nil)...)
	all = append(all, both("global-arg-doubling", dockerfile(GlobalDoubling(28)), &serverSpec{hover: hoverAt(31, 10)}, nil)...)
	all = append(all, both("env-tenfold-569", dockerfile(TenFold(9)), &serverSpec{hover: hoverAt(11, 10)}, nil)...)
	return all
}

func shellCases() []hcase {
	var all []hcase
	for _, c := range []struct {
		name string
		text []byte
	}{
		{"parens-150k", Parens(150_000)},
		{"dollar-brace-300k", Nested("${a:-", "}", 300_000)},
		{"dollar-brace-150k", Nested("${a:-", "}", 150_000)}, // under MaxAnalysedDocument: analysed
		{"heredoc-parens-150k", Heredoc(ParensBody(150_000))},
		{"heredoc-dollar-brace-150k", Heredoc("echo " + strings.Repeat("${a:-", 150_000) + "x" + strings.Repeat("}", 150_000))},
		{"cmdsubst-40k", Nested("$(", ")", 40_000)},
		{"quoted-cmdsubst-20k", Nested(`"$(echo `, `)"`, 20_000)},
		{"backticks-20k", Nested("`echo \\", "`", 20_000)},
		{"arithmetic-not-500k", Arithmetic(500_000)},
		{"pipeline-100k", Pipeline(100_000)},
	} {
		all = append(all, both(c.name, dockerfile(c.text), nil, nil)...)
	}
	return all
}

func sizeCases() []hcase {
	var all []hcase
	big := &serverSpec{drive: openThenRequests}
	all = append(all, both("continuation-100k", dockerfile(Continuations(100_000)), &serverSpec{drive: keystrokes(5)}, nil)...)
	all = append(all, both("dockerfile-3mb", dockerfile(Sized(3<<20)), big, nil)...)
	// The control: an ordinary 10,000-line file is analysed whole.
	whole := "not analysed"
	all = append(all, both("ordinary-10000-lines", dockerfile(Ordinary(10_000)), &serverSpec{forbid: whole}, &checkSpec{forbid: whole})...)
	tooLarge := &checkSpec{exits: []int{2}, says: "too large"}
	all = append(all, both("dockerfile-10mb", dockerfile(Sized(10<<20)), big, tooLarge)...)
	all = append(all, both("dockerfile-25mb", dockerfile(Sized(25<<20)), big, tooLarge)...)
	return all
}

// ignoreNames are the build context's ignore files; projectNames (in
// strace_linux_test.go) the project files.
var ignoreNames = []string{".dockerignore", "Dockerfile.dockerignore", ".containerignore", ".gitignore"}

// anyExit: the input may be refused (2) or read without it (0, 1); only
// a crash, a hang or an escape fails.
var anyExit = []int{0, 1, 2}

func deviceCases() []hcase {
	var all []hcase
	names := append(append([]string{}, ignoreNames...), projectNames...)
	for _, name := range names {
		setup := func(w *world) {
			dockerfile([]byte(Small))(w)
			w.symlink(name, "/dev/zero")
		}
		all = append(all, both("zero/"+name, setup, nil, &checkSpec{exits: anyExit})...)
	}
	urandom := func(w *world) {
		dockerfile([]byte(Small))(w)
		for _, name := range names {
			w.symlink(name, "/dev/urandom")
		}
	}
	all = append(all, both("urandom/all", urandom, nil, &checkSpec{exits: anyExit})...)
	return all
}

func fifoCases() []hcase {
	var all []hcase
	for _, name := range append(append([]string{}, ignoreNames...), projectNames...) {
		setup := func(w *world) {
			dockerfile([]byte(Small))(w)
			w.fifo(name)
		}
		// A FIFO .dockerignore once kept the server from exiting when its
		// input closed: these sessions end that way.
		all = append(all, both("fifo/"+name, setup, &serverSpec{eof: true}, &checkSpec{exits: anyExit})...)
	}
	// A FIFO project file at the root, above every Dockerfile.
	nested := []string{"Dockerfile", "a/Dockerfile", "b/c/Dockerfile"}
	rootFIFO := func(w *world) {
		for _, n := range nested {
			w.write(n, []byte(Small))
		}
		w.fifo(".dockerfile-ls.yaml")
	}
	all = append(all, both("fifo/root-project-file", rootFIFO, &serverSpec{docs: func(w *world) []document {
		var docs []document
		for _, n := range nested {
			docs = append(docs, document{uri: fileURI(w.path(n)), text: Small})
		}
		return docs
	}}, &checkSpec{exits: anyExit})...)
	// A FIFO Dockerfile: skipped in a folder, refused when named.
	fifoDockerfile := func(w *world) {
		w.fifo("Dockerfile")
		w.write("b/Dockerfile", []byte(Small))
	}
	all = append(all,
		hcase{name: "check/fifo/Dockerfile-found", setup: fifoDockerfile, check: &checkSpec{args: []string{"."}, says: "FIFO"}},
		hcase{name: "check/fifo/Dockerfile-named", setup: fifoDockerfile, check: &checkSpec{args: []string{"Dockerfile"}, exits: []int{2}, says: "not a regular file"}})
	return all
}

// deep is where the Dockerfile of the glob cases is: 40 folders down.
var deep = DeepDir(40) + "/Dockerfile"

func globCases() []hcase {
	var all []hcase
	glob := DeepGlob(12)
	deepDoc := func(w *world) []document {
		return []document{{uri: fileURI(w.path(deep)), text: Small}}
	}
	// A Dockerfile at the top too: "**/a/" × 12 ignores the deep one.
	withProject := func(project string) func(w *world) {
		return func(w *world) {
			w.write(deep, []byte(Small))
			w.write("Dockerfile", []byte(Small))
			w.write(".dockerfile-ls.yaml", []byte(project))
		}
	}
	dockerfiles := fmt.Sprintf("dockerfiles:\n  %q:\n    target: x\n  %q:\n    target: y\n", glob, glob+"b")
	all = append(all, both("deep-glob/dockerfiles", withProject(dockerfiles), &serverSpec{docs: deepDoc}, nil)...)
	all = append(all, both("deep-glob/ignore", withProject(fmt.Sprintf("ignore:\n  - %q\n  - %q\n", glob, glob+"b")), &serverSpec{docs: deepDoc}, nil)...)
	gitignore := func(w *world) {
		w.write(deep, []byte(Small))
		w.write("Dockerfile", []byte(Small))
		w.write(".gitignore", []byte(glob+"\n"+glob+"b\n"))
	}
	all = append(all, hcase{name: "check/deep-glob/gitignore", setup: gitignore, check: &checkSpec{args: []string{"."}}})
	dockerignore := func(w *world) {
		w.write(deep, []byte(Base+"COPY . /app\n"))
		w.write(DeepDir(40)+"/.dockerignore", []byte(glob+"\n"+glob+"b\n!"+glob+"c\n"))
	}
	all = append(all, both("deep-glob/dockerignore", dockerignore, &serverSpec{docs: func(w *world) []document {
		return []document{{uri: fileURI(w.path(deep)), text: Base + "COPY . /app\n"}}
	}}, nil)...)
	tree := func(w *world) { w.write(deep, []byte(Small)) }
	all = append(all,
		hcase{name: "check/deep-glob/cli-no-match", setup: tree, check: &checkSpec{args: []string{glob + "b/Dockerfile"}, exits: []int{2}, says: "no file matches"}},
		hcase{name: "check/deep-glob/cli-match", setup: tree, check: &checkSpec{args: []string{glob + "Dockerfile"}}})
	return all
}

// copyAll is a Dockerfile whose checks read the whole build context.
const copyAll = Base + "COPY . /app\nCOPY missing-file /x\n"

func contextCases() []hcase {
	var all []hcase
	ignore := func(defeat bool) func(w *world) {
		return func(w *world) {
			dockerfile([]byte(copyAll), ".dockerignore", string(StarIgnore(65<<10, defeat)))(w)
			if err := Tree(w.ws, 20_000); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	all = append(all, both("dockerignore-65k/20k-files", ignore(false), nil, nil)...)
	all = append(all, both("dockerignore-65k/defeat", ignore(true), nil, nil)...)
	huge := func(w *world) {
		dockerfile([]byte(copyAll))(w)
		if err := Tree(w.ws, 100_000); err != nil {
			w.t.Fatal(err)
		}
	}
	other := func(w *world) (string, int, int) { return fileURI(w.path("other/Dockerfile")), 0, 1 }
	all = append(all, both("context-100k-files", huge, &serverSpec{drive: openThenClose, hover: other}, nil)...)
	return all
}

func projectFileCases() []hcase {
	var all []hcase
	for _, c := range []struct{ name, file, text string }{
		{"bake-brackets-100k", "docker-bake.hcl", string(BakeBrackets(100_000))},
		{"bake-inherits-10x10", "docker-bake.hcl", string(BakeInherits(10, 10))},
		{"bake-doubling-30", "docker-bake.hcl", string(BakeDoubling(30))},
		{"bake-json-brackets-100k", "docker-bake.json", `{"variable":{"X":{"default":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}}}`},
		{"compose-laughs-9", "compose.yaml", string(YAMLLaughs(9))},
		{"compose-brackets-100k", "compose.yaml", string(YAMLBrackets(100_000))},
		{"compose-interpolation-100k", "compose.yaml", string(ComposeInterpolation(100_000))},
		{"project-brackets-100k", ".dockerfile-ls.yaml", "ignore: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n"},
		{"project-1mb-args", ".dockerfile-ls.yaml", "args:\n" + strings.Repeat("  A: "+strings.Repeat("x", 1000)+"\n", 1000)},
	} {
		all = append(all, both(c.name, dockerfile([]byte(Small), c.file, c.text), nil, &checkSpec{exits: anyExit})...)
	}
	return all
}

func serverOnlyCases() []hcase {
	return []hcase{
		{name: "lsp/codeaction-8000-lines", setup: dockerfile(Fixable(8000)), server: &serverSpec{drive: codeActions}},
		{name: "lsp/configuration-never-answered-200k", setup: dockerfile([]byte(Small)), server: &serverSpec{neverAnswer: true, drive: configurationFlood(200_000)}},
	}
}

// rootDoc opens a Dockerfile at path, which need not exist, outside the
// workspace.
func rootDoc(path string) func(w *world) []document {
	return func(*world) []document { return []document{{uri: fileURI(path), text: Small}} }
}

func scopeCases() []hcase {
	home, _ := os.UserHomeDir()
	dirOf := func(p string) func(*world) []string {
		return func(*world) []string { return []string{filepath.Dir(p)} }
	}
	small := dockerfile([]byte(copyAll))
	all := []hcase{
		{name: "lsp/file-root-dockerfile", setup: small, server: &serverSpec{docs: rootDoc("/Dockerfile"), projectDirs: dirOf("/Dockerfile")}},
		{name: "lsp/file-root-dockerfile-no-workspace", setup: small, server: &serverSpec{noWorkspace: true, docs: rootDoc("/Dockerfile"), projectDirs: dirOf("/Dockerfile")}},
		{name: "lsp/etc-dockerfile-no-workspace", setup: small, server: &serverSpec{noWorkspace: true, docs: rootDoc("/etc/Dockerfile"), projectDirs: dirOf("/etc/Dockerfile")}},
		{name: "lsp/home-dockerfile-no-workspace", setup: small, server: &serverSpec{noWorkspace: true, docs: rootDoc(filepath.Join(home, "Dockerfile")), projectDirs: dirOf(filepath.Join(home, "Dockerfile"))}},
	}
	all = append(all, both("context-root/project", dockerfile([]byte(copyAll), ".dockerfile-ls.yaml", "context: /\n"), nil, &checkSpec{exits: anyExit})...)
	compose := func(w *world) {
		dockerfile([]byte(copyAll))(w)
		w.write("compose.yaml", []byte(fmt.Sprintf("services:\n  app:\n    build:\n      context: /\n      dockerfile: %s\n", strings.TrimPrefix(w.path("Dockerfile"), "/"))))
	}
	all = append(all, both("context-root/compose", compose, nil, &checkSpec{exits: anyExit})...)
	bake := func(w *world) {
		dockerfile([]byte(copyAll))(w)
		w.write("docker-bake.hcl", []byte(fmt.Sprintf("target \"default\" {\n  context = \"/\"\n  dockerfile = %q\n}\n", strings.TrimPrefix(w.path("Dockerfile"), "/"))))
	}
	all = append(all, both("context-root/bake", bake, nil, &checkSpec{exits: anyExit})...)
	symlinkedContext := func(w *world) {
		dockerfile([]byte(copyAll), ".dockerfile-ls.yaml", "context: ctx\n")(w)
		w.symlink("ctx", "/etc")
	}
	all = append(all, both("context-symlink-to-etc", symlinkedContext, nil, &checkSpec{exits: anyExit})...)
	passwd := func(w *world) {
		dockerfile([]byte(copyAll))(w)
		w.symlink(".dockerignore", "/etc/passwd")
	}
	all = append(all, both("dockerignore-to-etc-passwd", passwd, nil, &checkSpec{exits: anyExit})...)
	outside := func(w *world) {
		dockerfile([]byte(copyAll))(w)
		for _, name := range append(append([]string{}, ignoreNames...), projectNames...) {
			target := filepath.Join(w.outside, name)
			if err := os.WriteFile(target, []byte("# outside\n"), 0o644); err != nil {
				w.t.Fatal(err)
			}
			w.symlink(name, target)
		}
	}
	all = append(all, both("project-files-symlinked-outside", outside, nil, &checkSpec{exits: anyExit})...)
	return all
}
