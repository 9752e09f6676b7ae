package dockerfile

import (
	"fmt"
	"strings"
	"testing"
)

// show lists variables as NAME=value, "?" after an unknown one, "-" for
// one without a value.
func show(vars []ScopeVar) string {
	var out []string
	for _, v := range vars {
		s := v.Name + "=" + v.Value
		switch {
		case !v.Set:
			s = v.Name + "-"
		case !v.Known:
			s += "?"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestStateDeclared(t *testing.T) {
	cases := []struct{ name, text, at, want string }{
		{"global ARGs", "ARG A=1 B=${A}2 C\nFROM x\n", "ARG A", "A=1 B=12 C-"},
		{"legacy ENV", "FROM x\nENV NODE_ENV production\n", "ENV", "NODE_ENV=production"},
		{"ENV pairs see the scope before", "FROM x\nENV A=1\nENV A=2 B=$A\n", "ENV A=2", "A=2 B=1"},
		{"unknown part as written", "FROM x\nENV PATH=\"/opt/venv/bin:$PATH\"\n", "ENV", "PATH=/opt/venv/bin:$PATH?"},
		{"ARG under an ENV of its name", "FROM x\nENV V=env\nARG V=arg W=$V\n", "ARG", "V=arg W=env"},
		{"stage ARG takes the global", "ARG G=1\nFROM x\narg G\n", "arg", "G=1"},
		{"not a declaration", "FROM x\nRUN a\n", "RUN", ""},
		{"ENV before FROM", "ENV A=1\nFROM x\n", "ENV", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Parse([]byte(c.text))
			if got := show(at(t, d, Options{}, c.at).Declared()); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestStateVarsAfter(t *testing.T) {
	cases := []struct{ name, text, at, want string }{
		{"its own declarations", "FROM scratch\nARG A=1\nENV B=$A\n", "ENV", "A=1 B=1"},
		{"ENV wins", "FROM scratch\nENV V=env\nARG V=arg\n", "ARG", "V=env"},
		{"global", "ARG A=1\nARG B\nFROM x\n", "ARG B", "TARGETPLATFORM=? TARGETOS=? TARGETARCH=? TARGETVARIANT=? BUILDPLATFORM=? BUILDOS=? BUILDARCH=? BUILDVARIANT=? A=1 B-"},
		{"FROM: the parent's ENV", "FROM scratch AS base\nENV E=1\nARG A=2\nFROM base\n", "FROM base", "E=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Parse([]byte(c.text))
			got := at(t, d, Options{}, c.at).VarsAfter()
			var own []ScopeVar
			for _, v := range got {
				if v.Origin != Predefined {
					own = append(own, v)
				}
			}
			if s := show(own); s != c.want {
				t.Errorf("got %q, want %q", s, c.want)
			}
		})
	}
	// An instruction of another version has no place in this state.
	d := Parse([]byte("FROM x\nENV A=1\n"))
	other := Parse([]byte("FROM x\nENV A=1\n"))
	if got := d.State(Options{}).Of(other.Instructions[1]).VarsAfter(); got != nil {
		t.Errorf("another version's instruction: %v", got)
	}
}

func TestLogicalWords(t *testing.T) {
	cases := []struct {
		text string
		want string // Value@Start-End
	}{
		{"RUN echo \"a b\" 'c'", "RUN@0-3 echo@4-8 a b@9-14 c@15-18"},
		{"  COPY --from=x a\\ b /d", "COPY@2-6 --from=x@7-15 a b@16-20 /d@21-23"},
		{"RUN\"a b\" c", "RUN\"a@0-5 b c@6-10"}, // quotes mean nothing in the keyword
		{"RUN echo \"open", "RUN@0-3 echo@4-8 open@9-14"},
		{"", ""},
	}
	for _, c := range cases {
		d := Parse([]byte(c.text))
		l := JoinLines(d, 0, 0, len(c.text))
		var got []string
		for _, w := range l.Words('\\') {
			got = append(got, fmt.Sprintf("%s@%d-%d", w.Value, w.Start, w.End))
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("%q: got %q, want %q", c.text, s, c.want)
		}
	}
}
