package shell

import (
	"strings"
	"testing"
	"time"
)

// render writes a command as "OP name args", with "!" for AfterOr, "^" for
// Sub, dynamic words as <raw>, and env/prefix words in front in [].
func render(c Command) string {
	var parts []string
	if c.Op != "" {
		parts = append(parts, c.Op)
	}
	if c.AfterOr {
		parts = append(parts, "!")
	}
	if c.Sub {
		parts = append(parts, "^")
	}
	for _, w := range c.Env {
		parts = append(parts, "["+wordText(w)+"]")
	}
	for _, w := range c.Prefix {
		parts = append(parts, "["+wordText(w)+"]")
	}
	for _, w := range c.Args {
		parts = append(parts, wordText(w))
	}
	return strings.Join(parts, " ")
}

func wordText(w Word) string {
	if w.Dynamic {
		return "<" + w.Raw + ">"
	}
	return w.Value
}

func renderAll(s *Script) []string {
	out := []string{}
	for _, c := range s.Commands {
		out = append(out, render(c))
	}
	return out
}

func TestParseCommands(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []string
	}{
		{"apt chain", "apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
			[]string{"apt-get update", "&& apt-get install -y --no-install-recommends curl", "&& rm -rf /var/lib/apt/lists/*"}},
		{"pip", "pip install --no-cache-dir -r requirements.txt", []string{"pip install --no-cache-dir -r requirements.txt"}},
		{"python -m pip", "python -m pip install -e .", []string{"python -m pip install -e ."}},
		{"npm ci", "npm ci --omit=dev", []string{"npm ci --omit=dev"}},
		{"sh -c single quotes", "sh -c 'npm install'", []string{"sh -c npm install", "^ npm install"}},
		{"cd and yarn", "cd /app && yarn install --frozen-lockfile", []string{"cd /app", "&& yarn install --frozen-lockfile"}},
		{"set -eux", "set -eux; apk add --no-cache git", []string{"set -eux", "; apk add --no-cache git"}},
		{"continuations", "apt-get update \\\n    && apt-get install -y \\\n        git \\\n        curl \\\n    && rm -rf /var/lib/apt/lists/*",
			[]string{"apt-get update", "&& apt-get install -y git curl", "&& rm -rf /var/lib/apt/lists/*"}},
		{"comment and empty line inside continuation", "apt-get update && \\\n    # tools\n\n    apt-get install -y git",
			[]string{"apt-get update", "&& apt-get install -y git"}},
		{"or true", "pip install -r req.txt || true", []string{"pip install -r req.txt", "|| ! true"}},
		{"or then and", "a || b && c", []string{"a", "|| ! b", "&& c"}},
		{"and then or", "a && b || c", []string{"a", "&& b", "|| ! c"}},
		{"pipeline", "curl -fsSL https://deb.nodesource.com/setup_18.x | bash -", []string{"curl -fsSL https://deb.nodesource.com/setup_18.x", "| bash -"}},
		{"background", "a & b", []string{"a", "& b"}},
		{"subshell", "(cd /src && make) && make install", []string{"^ cd /src", "&& ^ make", "&& make install"}},
		{"block", "{ echo a; echo b; } > /log", []string{"^ echo a", "; ^ echo b"}},
		{"if else", "if [ -f req.txt ]; then pip install -r req.txt; else pip install flask; fi",
			[]string{"^ [ -f req.txt ]", "^ pip install -r req.txt", "! ^ pip install flask"}},
		{"for loop", "for p in a b; do pip install $p; done", []string{"^ pip install <$p>"}},
		{"for over substitution", "for f in $(ls *.gz); do tar -xzf $f; done", []string{"^ ls *.gz", "^ tar -xzf <$f>"}},
		{"while", "while read p; do apt-get install -y $p; done < pkgs.txt", []string{"^ read p", "^ apt-get install -y <$p>"}},
		{"leading assignment", "DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata", []string{"[DEBIAN_FRONTEND=noninteractive] apt-get install -y tzdata"}},
		{"env wrapper", "env PIP_NO_CACHE_DIR=1 pip install x", []string{"[PIP_NO_CACHE_DIR=1] [env] pip install x"}},
		{"sudo", "sudo -E -u app apt-get install -y git", []string{"[sudo] [-E] [-u] [app] apt-get install -y git"}},
		{"sudo env chain", "FOO=1 sudo -H env BAR=2 npm ci", []string{"[FOO=1] [BAR=2] [sudo] [-H] [env] npm ci"}},
		{"xargs", "cat requirements.txt | xargs -n 1 pip3 install; exit 0", []string{"cat requirements.txt", "| [xargs] [-n] [1] pip3 install", "; exit 0"}},
		{"xargs attached", "xargs -n1 -I{} npm i {}", []string{"[xargs] [-n1] [-I{}] npm i {}"}},
		{"gosu", "gosu app bundle install", []string{"[gosu] [app] bundle install"}},
		{"nohup", "nohup mysqld &", []string{"[nohup] mysqld"}},
		{"bare env", "env", []string{"env"}},
		{"bash -c double quotes", `/bin/bash -c "source /opt/venv/bin/activate && pip install \"flask>=2\""`,
			[]string{"/bin/bash -c source /opt/venv/bin/activate && pip install \"flask>=2\"", "^ source /opt/venv/bin/activate", "&& ^ pip install flask>=2"}},
		{"bash -o pipefail -c", "bash -o pipefail -c 'curl -sSL x | sh'", []string{"bash -o pipefail -c curl -sSL x | sh", "^ curl -sSL x", "| ^ sh"}},
		{"bash -lc cluster", "bash -lc 'conda install -y numpy'", []string{"bash -lc conda install -y numpy", "^ conda install -y numpy"}},
		{"sh -c with dynamic", `sh -c "cd $APP && npm ci"`, []string{"sh -c <\"cd $APP && npm ci\">", "^ cd <$APP>", "&& ^ npm ci"}},
		{"sh script file", "sh ./install.sh -c", []string{"sh ./install.sh -c"}},
		{"busybox sh", "busybox sh -c 'apk add git'", []string{"busybox sh -c apk add git", "^ apk add git"}},
		{"su -c", "su app -c 'bundle install'", []string{"su app -c bundle install", "^ bundle install"}},
		{"sudo bash -c", "sudo -u app bash -c 'npm ci'", []string{"[sudo] [-u] [app] bash -c npm ci", "^ npm ci"}},
		{"nested sh -c", `sh -c "bash -c 'pip install x'"`, []string{"sh -c bash -c 'pip install x'", "^ bash -c pip install x", "^ pip install x"}},
		{"command substitution", "pip install $(grep -v '^#' req.txt)", []string{"pip install <$(grep -v '^#' req.txt)>", "^ grep -v ^# req.txt"}},
		{"export", "export PATH=/opt/bin:$PATH && go build ./...", []string{"export <PATH=/opt/bin:$PATH>", "&& go build ./..."}},
		{"export literal", "export GOFLAGS=-mod=vendor CGO_ENABLED=0", []string{"export GOFLAGS=-mod=vendor CGO_ENABLED=0"}},
		{"assignment only", "X=$(cat /v) && echo $X", []string{"^ cat /v", "&& echo <$X>"}},
		{"dynamic packages", "apt-get install -y $PACKAGES ${EXTRA}", []string{"apt-get install -y <$PACKAGES> <${EXTRA}>"}},
		{"quotes and escapes", `echo "a b" 'c d' e\ f "g\"h" "i\j"`, []string{`echo a b c d e f g"h i\j`}},
		{"time keyword", "time make -j4", []string{"make -j4"}},
		{"negation", "! grep -q x f", []string{"grep -q x f"}},
		{"function", "f() { npm ci; }; f", []string{"^ npm ci", "; f"}},
		{"case", "case $V in a) apk add a;; *) apk add b;; esac", []string{"^ apk add a", "^ apk add b"}},
		{"heredoc script", "<<EOF\napt-get update\napt-get install -y git\nEOF\n", []string{"apt-get update", "; apt-get install -y git"}},
		{"heredoc script with set", "<<-EOT\n\tset -e\n\tpip install x\n\tEOT", []string{"set -e", "; pip install x"}},
		{"python heredoc", "<<EOF\n#!/usr/bin/env python3\nprint('x')\nEOF\n", []string{}},
		{"bash shebang heredoc", "<<EOF\n#!/bin/bash\nnpm ci\nEOF\n", []string{"npm ci"}},
		{"heredoc as input", "cat <<EOF > /etc/x.conf\nuser=$(id -un)\nEOF\n", []string{"cat", "^ id -un"}},
		{"comment", "apt-get update # refresh", []string{"apt-get update"}},
		{"dash nested subshells", "((rm -rf var/cache/*) || true) && composer install",
			[]string{"^ rm -rf var/cache/*", "|| ! ^ true", "&& composer install"}},
		{"empty", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.script)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.script, err)
			}
			got := renderAll(s)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Parse(%q)\n got: %q\nwant: %q", tt.script, got, tt.want)
			}
			checkOffsets(t, tt.script, s)
		})
	}
}

// checkOffsets asserts the invariants every parse result keeps: offsets are
// in range and ordered, and a plain word's offsets cover exactly its text.
func checkOffsets(t *testing.T, script string, s *Script) {
	t.Helper()
	for _, c := range s.Commands {
		if len(c.Args) == 0 {
			t.Errorf("command with no args: %+v", c)
		}
		inRange(t, script, c.Start, c.End)
		for _, w := range append(append(append([]Word{}, c.Args...), c.Env...), c.Prefix...) {
			inRange(t, script, w.Start, w.End)
			if !w.Dynamic && w.Value != "" && !strings.ContainsAny(script[w.Start:w.End], "'\"\\\n") && script[w.Start:w.End] != w.Value {
				t.Errorf("word %q at [%d,%d) covers %q", w.Value, w.Start, w.End, script[w.Start:w.End])
			}
		}
	}
}

func inRange(t *testing.T, script string, start, end int) {
	t.Helper()
	if start < 0 || end < start || end > len(script) {
		t.Errorf("bad span [%d,%d) in %d bytes", start, end, len(script))
	}
}

func TestOffsets(t *testing.T) {
	tests := []struct {
		script string
		cmd    int    // index in Commands
		arg    int    // index in Args
		want   string // script[Start:End]
	}{
		{"apt-get update \\\n  && apt-get install -y curl", 1, 3, "curl"},
		{"sh -c 'cd /app && npm ci'", 2, 1, "ci"},
		{"bash -c \"pip install \\\"flask\\\"\"", 1, 2, "\"flask\\\""},
		{"bash -c 'apt-get update && \\\n  apt-get install -y x'", 2, 3, "x"},
		{"pip install x\\\ny", 0, 2, "x\\\ny"},
		{"<<EOF\napk add git\nEOF\n", 0, 2, "git"},
		{"apt-get update && \\\n  # comment\n  apt-get install -y vim", 1, 3, "vim"},
		{"su -c 'npm ci' app", 1, 0, "npm"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.script)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.script, err)
		}
		if tt.cmd >= len(s.Commands) || tt.arg >= len(s.Commands[tt.cmd].Args) {
			t.Errorf("Parse(%q): no command %d arg %d in %q", tt.script, tt.cmd, tt.arg, renderAll(s))
			continue
		}
		w := s.Commands[tt.cmd].Args[tt.arg]
		if got := tt.script[w.Start:w.End]; got != tt.want {
			t.Errorf("Parse(%q) command %d arg %d covers %q, want %q", tt.script, tt.cmd, tt.arg, got, tt.want)
		}
	}
}

func TestCommandSpan(t *testing.T) {
	script := "FOO=1 sudo pip install x \\\n  y && true"
	s, _ := Parse(script)
	c := s.Commands[0]
	if got := script[c.Start:c.End]; got != "FOO=1 sudo pip install x \\\n  y" {
		t.Errorf("span = %q", got)
	}
	if c.Name() != "pip" {
		t.Errorf("Name() = %q", c.Name())
	}
}

func TestParseErrorKeepsCommands(t *testing.T) {
	for _, script := range []string{
		"apt-get update && apt-get install -y curl &&",
		"pip install x && (cd /a",
		"npm ci && echo 'unterminated",
		"cat <<EOF > /x",
	} {
		s, err := Parse(script)
		if err == nil {
			t.Errorf("Parse(%q): no error", script)
		}
		if s == nil || len(s.Commands) == 0 {
			t.Errorf("Parse(%q): no commands recovered", script)
			continue
		}
		checkOffsets(t, script, s)
	}
}

// A script with bytes that are not UTF-8 keeps the commands before the
// first one, and never hangs the parser (mvdan.cc/sh's recovering parser
// loops forever on the second script).
func TestParseInvalidUTF8(t *testing.T) {
	for _, c := range []struct{ script, first string }{
		{"echo caf\xe9 && apt-get install -y curl", "echo caf"},
		{"${0#$[0!!\xb1T~|\xff\xa0", ""},
	} {
		done := make(chan *Script, 1)
		go func() {
			s, _ := Parse(c.script)
			done <- s
		}()
		select {
		case s := <-done:
			if c.first != "" && (s == nil || len(s.Commands) == 0 || render(s.Commands[0]) != render(mustFirst(t, c.first))) {
				t.Errorf("Parse(%q): commands %v, want the first to be %q", c.script, s, c.first)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("Parse(%q) did not return", c.script)
		}
	}
}

// mustFirst is the first command of a script that parses.
func mustFirst(t *testing.T, script string) Command {
	t.Helper()
	s, err := Parse(script)
	if err != nil || len(s.Commands) == 0 {
		t.Fatalf("Parse(%q): %v", script, err)
	}
	return s.Commands[0]
}

func TestParseExec(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"pip", "install", "-r", "requirements.txt"}, []string{"pip install -r requirements.txt"}},
		{[]string{"/bin/sh", "-c", "npm ci && npm run build"}, []string{"/bin/sh -c npm ci && npm run build", "^ npm ci", "&& ^ npm run build"}},
		{[]string{"sudo", "apt-get", "update"}, []string{"[sudo] apt-get update"}},
		{[]string{"echo", "$HOME"}, []string{"echo $HOME"}},
	}
	for _, tt := range tests {
		s := ParseExec(tt.args)
		if got := renderAll(s); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("ParseExec(%q) = %q, want %q", tt.args, got, tt.want)
		}
		for _, c := range s.Commands {
			if c.Start != -1 || c.End != -1 || c.Args[0].Start != -1 {
				t.Errorf("ParseExec(%q): offsets %d %d, want -1", tt.args, c.Start, c.End)
			}
		}
	}
}

func TestIsPOSIX(t *testing.T) {
	tests := []struct {
		shell []string
		want  bool
	}{
		{nil, true},
		{[]string{"/bin/sh", "-c"}, true},
		{[]string{"/bin/bash", "-o", "pipefail", "-c"}, true},
		{[]string{"/bin/ash", "-eo", "pipefail", "-c"}, true},
		{[]string{"dash", "-c"}, true},
		{[]string{"/bin/zsh", "-c"}, true},
		{[]string{"ksh", "-c"}, true},
		{[]string{"/bin/busybox", "sh", "-c"}, true},
		{[]string{"/usr/bin/env", "bash", "-c"}, true},
		{[]string{"powershell", "-Command"}, false},
		{[]string{"pwsh", "-Command", "$ErrorActionPreference = 'Stop';"}, false},
		{[]string{"cmd", "/S", "/C"}, false},
		{[]string{"/bin/busybox"}, false},
		{[]string{"python3", "-c"}, false},
	}
	for _, tt := range tests {
		if got := IsPOSIX(tt.shell); got != tt.want {
			t.Errorf("IsPOSIX(%q) = %v, want %v", tt.shell, got, tt.want)
		}
	}
}

// typicalRun is a 10-line RUN of the kind the corpus is full of.
const typicalRun = `set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates curl git \
        build-essential libpq-dev; \
    curl -fsSL https://example.com/install.sh | sh -s -- --version "$VERSION"; \
    pip install --no-cache-dir -r /tmp/requirements.txt; \
    sh -c 'cd /opt/app && npm ci --omit=dev'; \
    apt-get purge -y --auto-remove build-essential; \
    rm -rf /var/lib/apt/lists/* /tmp/*`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(typicalRun); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		typicalRun,
		"sh -c 'npm install' || true",
		"bash -c \"a \\\"b\\\" $(c)\"",
		"<<EOF\napk add git\nEOF\n",
		"if a; then b; else c; fi",
		"x=1 sudo -u a env B=2 xargs -n1 pip install",
		"su -c 'a && b' u",
		"apt-get install \\\n# c\n\n  x",
		"for i in $(seq 3); do (echo $i &); done",
		"a && b ||",
		"'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		s, _ := Parse(script)
		if s == nil {
			t.Fatal("nil script")
		}
		for _, c := range s.Commands {
			if len(c.Args) == 0 {
				t.Fatalf("command with no args in %q", script)
			}
			words := append([]Word{{Start: c.Start, End: c.End}}, c.Args...)
			for _, w := range append(append(words, c.Env...), c.Prefix...) {
				if w.Start < 0 || w.End < w.Start || w.End > len(script) {
					t.Fatalf("bad span [%d,%d) in %q", w.Start, w.End, script)
				}
			}
		}
	})
}
