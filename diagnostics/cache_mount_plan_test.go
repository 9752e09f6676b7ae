package diagnostics

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// TestMayHold: an rm argument the analysis cannot resolve refuses the
// mount only when what it starts with allows it to hold the mount.
func TestMayHold(t *testing.T) {
	temps := map[string]bool{"GNUPGHOME": true}
	for _, c := range []struct {
		raw, cwd, dir string
		want          bool
	}{
		{"$TMPDIR", "/", "/root/.npm", true},
		{`"${DIR}"`, "/", "/root/.npm", true},
		{"~$USER/.npm", "/", "/root/.npm", true},
		{"/tmp/$NAME", "/", "/root/.npm", false},
		{"/tmp/$NAME", "/", "/tmp/cache", true},
		{"/tmp/npm-$V", "/", "/tmp/cache", false},
		{"$CASSANDRA_HOME/pylib", "/", "/var/cache/apt", false},
		{"$GEM_HOME/cache/*", "/", "/usr/local/bundle/cache", true},
		{"$GNUPGHOME", "/", "/var/cache/apt", false},
		{`"$GNUPGHOME"`, "/", "/tmp/cache", true},
		{"node-v$V.tar.gz", "/tmp", "/var/cache/apt", false},
		{"node-v$V.tar.gz", "", "/var/cache/apt", false},
		{"cach$V", "", "/var/cache/apt", true},
		{"cache-$V", "", "/var/cache/apt", false},
		{"$V", "", "/var/cache/apt", true},
	} {
		if got := mayHold(shell.Word{Raw: c.raw, Dynamic: true}, c.cwd, c.dir, temps); got != c.want {
			t.Errorf("mayHold(%s, cwd %q, %s) = %v, want %v", c.raw, c.cwd, c.dir, got, c.want)
		}
	}
}

// TestDropCommand: a command is dropped with one joint, and only where the
// text around it is that joint alone.
func TestDropCommand(t *testing.T) {
	for _, c := range []struct{ run, drop, want string }{
		{"RUN a && apt-get clean && b\n", "apt-get", "RUN a && b\n"},
		{"RUN a && apt-get clean\n", "apt-get", "RUN a\n"},
		{"RUN apt-get clean; b\n", "apt-get", "RUN b\n"},
		{"RUN a \\\n && apt-get clean \\\n && b\n", "apt-get", "RUN a \\\n && b\n"},
		{"RUN a $(grep x f) && apt-get clean\n", "apt-get", "RUN a $(grep x f)\n"},
		{"RUN a && (apt-get clean) && b\n", "apt-get", ""},
		{"RUN a || apt-get clean\n", "apt-get", ""},
		{"RUN a && apt-get clean >/dev/null\n", "apt-get", ""},
		{"RUN a && apt-get clean | tee log\n", "apt-get", ""},
		{"RUN a && sh -c 'apt-get clean'\n", "apt-get", ""},
	} {
		doc := dockerfile.Parse([]byte("FROM debian:12\n" + c.run))
		run := doc.Instructions[1]
		cmds := doc.Script(run).Commands
		i := 0
		for i < len(cmds) && cmds[i].Name() != c.drop {
			i++
		}
		e, ok := dropCommand(doc, run.ArgsSpan.Start, cmds, i)
		got := ""
		if ok {
			text := string(doc.Text[:e.Start]) + e.Text + string(doc.Text[e.End:])
			got = text[len("FROM debian:12\n"):]
		}
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.run, got, c.want)
		}
	}
}

// TestRelate: how a removal stands to a mount.
func TestRelate(t *testing.T) {
	for _, c := range []struct {
		p, dir string
		want   relation
	}{
		{"/var/cache/apt", "/var/cache/apt", relInside},
		{"/var/cache/apt/*", "/var/cache/apt", relInside},
		{"/var/cache/apt/archives/*.deb", "/var/cache/apt", relInside},
		{"/var/cache/*", "/var/cache/apt", relAbove},
		{"/tmp/*", "/tmp/cache", relAbove},
		{"/root/.cache", "/root/.cache/pip", relAbove},
		{"/tmp/npm-*", "/tmp/cache", relNone},
		{"/var/lib/apt/lists/*", "/var/cache/apt", relNone},
		{"/", "/var/cache/apt", relNone},
	} {
		if got := relate(c.p, c.dir); got != c.want {
			t.Errorf("relate(%s, %s) = %v, want %v", c.p, c.dir, got, c.want)
		}
	}
}
