package dockerfile

import (
	"slices"
	"strings"
	"testing"
)

// inst is the first instruction of d whose text starts with prefix.
func inst(t *testing.T, d *Document, prefix string) *Instruction {
	t.Helper()
	for _, in := range d.Instructions {
		if strings.HasPrefix(d.Slice(in.Span), prefix) {
			return in
		}
	}
	t.Fatalf("no instruction starts with %q", prefix)
	return nil
}

func TestReadsRunNamesCopiedFiles(t *testing.T) {
	d := Parse([]byte("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY entrypoint.sh /usr/local/bin/\n" +
		"RUN --mount=type=bind,source=wheels,target=/w pip install -r requirements.txt -c ~/c.txt\n"))
	r := at(t, d, Options{}, "RUN").Reads()
	for _, p := range []string{"/app", "/app/requirements.txt", "/root", "/root/c.txt", "/etc"} {
		if !slices.Contains(r.Paths, p) {
			t.Errorf("paths %v: no %s", r.Paths, p)
		}
	}
	if !slices.Equal(r.Context, []string{"wheels"}) || !r.Env || r.Unknown {
		t.Errorf("context %v env %v unknown %v", r.Context, r.Env, r.Unknown)
	}
	reqs := inst(t, d, "COPY requirements.txt")
	want := []LayerRead{{Path: "/app", By: reqs}, {Path: "/app/requirements.txt", By: reqs}}
	if !slices.Equal(r.Layers, want) {
		t.Errorf("layers %+v, want the working directory and requirements.txt from the first COPY", r.Layers)
	}
}

func TestReadsVariables(t *testing.T) {
	d := Parse([]byte("ARG BASE=alpine\nFROM $BASE\nARG V=1\nENV SRC=src OTHER=x\nCOPY --chown=$U ${SRC}/$V /app/\nRUN echo \"$V\" && make\n"))
	names := func(vs []ScopeVar) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	if got := names(at(t, d, Options{}, "COPY").Reads().Vars); !slices.Equal(got, []string{"SRC", "V"}) {
		t.Errorf("COPY reads %v, want SRC and V (U is not set)", got)
	}
	if got := names(at(t, d, Options{}, "RUN").Reads().Vars); !slices.Equal(got, []string{"V"}) {
		t.Errorf("RUN names %v, want V", got)
	}
	from := at(t, d, Options{}, "FROM").Reads().Vars
	if len(from) != 1 || from[0].Name != "BASE" || from[0].Decl == nil || from[0].Decl.Inst != inst(t, d, "ARG BASE") {
		t.Errorf("FROM reads %+v, want BASE declared by the global ARG", from)
	}
}

// TestDependsOn: what the reorder fix asks of each instruction between
// the broad COPY and the install, and more.
func TestDependsOn(t *testing.T) {
	text := "ARG PY=3.12\nFROM python:${PY} AS builder\nRUN make wheel\nLABEL built=yes\n" +
		"FROM python:3.12\nARG PY\nARG OTHER=1\nWORKDIR /app\nCOPY . .\nENV PIP_NO_CACHE_DIR=1 SRC=src\nLABEL a=b\nEXPOSE 80\n" +
		"COPY entrypoint.sh /usr/local/bin/\nCOPY conf/pip.conf /etc/pip.conf\nCOPY --from=builder /dist /dist\n" +
		"USER root\nRUN pip install -r requirements.txt\nCOPY $SRC /src\nWORKDIR /srv\nCOPY later.txt ./\nRUN echo after\n"
	d := Parse([]byte(text))
	cases := []struct {
		x, by string
		want  bool
	}{
		// The install reads:
		{"RUN pip", "COPY . .", true},             // its working directory and requirements.txt
		{"RUN pip", "ENV PIP_NO_CACHE_DIR", true}, // its environment
		{"RUN pip", "ARG OTHER", true},            // build args are in its environment too
		{"RUN pip", "WORKDIR /app", true},         // where it runs
		{"RUN pip", "USER root", true},            // who it runs as
		{"RUN pip", "COPY conf/pip.conf", true},   // /etc, read without being named
		{"RUN pip", "FROM python:3.12", true},     // the base image
		{"RUN pip", "ARG PY=3.12", true},          // the global value, through ARG PY
		{"RUN pip", "LABEL a=b", false},           // metadata
		{"RUN pip", "EXPOSE 80", false},           // metadata
		{"RUN pip", "COPY entrypoint.sh", false},  // a file it neither names nor runs beside
		{"RUN pip", "COPY --from=builder /dist /dist", false},
		{"RUN pip", "RUN make wheel", false},              // another stage, not copied from by the RUN
		{"RUN pip", "COPY $SRC", false},                   // later
		{"COPY --from=builder", "RUN make wheel", true},   // the stage it copies from
		{"COPY --from=builder", "LABEL built=yes", false}, // that stage's metadata
		{"COPY --from=builder", "ENV PIP_NO_CACHE_DIR", false},
		{"COPY $SRC", "ENV PIP_NO_CACHE_DIR", true}, // the ENV that sets SRC
		{"COPY $SRC", "ARG OTHER", false},           // a variable it does not name
		{"COPY $SRC", "WORKDIR /app", false},        // an absolute destination
		{"COPY later.txt", "WORKDIR /srv", true},    // a relative one
		{"COPY later.txt", "WORKDIR /app", false},   // reset by WORKDIR /srv
		{"COPY later.txt", "COPY . .", false},       // a COPY reads the context, not the layers
		{"ARG PY=3.12", "ARG PY=3.12", false},       // itself
		{"FROM python:${PY}", "ARG PY=3.12", true},  // the global ARG it expands
		{"RUN echo after", "RUN pip", true},         // a RUN may read what any RUN wrote
		{"RUN echo after", "COPY later.txt", true},  // into its working directory
		{"RUN echo after", "COPY entrypoint.sh", false},
	}
	for _, c := range cases {
		x, by := at(t, d, Options{}, c.x), inst(t, d, c.by)
		if got := x.DependsOn(by); got != c.want {
			t.Errorf("%q depends on %q: %v, want %v", c.x, c.by, got, c.want)
		}
	}
}

// TestDependsOnUnknownPaths: a RUN naming a path through an unknown
// variable may read what any COPY wrote.
func TestDependsOnUnknownPaths(t *testing.T) {
	d := Parse([]byte("FROM alpine\nARG FILE\nWORKDIR /app\nCOPY x /opt/x\nRUN cat $FILE\nRUN cat /srv/y\nRUN cat $(cat list)\n"))
	cp := inst(t, d, "COPY")
	if !at(t, d, Options{}, "RUN cat $FILE").DependsOn(cp) {
		t.Error("a RUN reading $FILE (unknown) does not depend on the COPY")
	}
	if !at(t, d, Options{}, "RUN cat $(").DependsOn(cp) {
		t.Error("a RUN reading what a command substitution names does not depend on the COPY")
	}
	if at(t, d, Options{BuildArgs: map[string]string{"FILE": "/srv/z"}}, "RUN cat $FILE").DependsOn(cp) {
		t.Error("with FILE known and elsewhere, the RUN depends on the COPY")
	}
	if at(t, d, Options{}, "RUN cat /srv").DependsOn(cp) {
		t.Error("a RUN reading /srv/y depends on a COPY to /opt/x")
	}
	// A user whose home is unknown may read its dotfiles anywhere.
	d = Parse([]byte("FROM alpine\nCOPY x /opt/x\nUSER app\nRUN cat /srv/y\n"))
	if !at(t, d, Options{}, "RUN").DependsOn(inst(t, d, "COPY")) {
		t.Error("a RUN as a user without a known home does not depend on the COPY")
	}
}
