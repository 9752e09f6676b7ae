package main

import (
	"fmt"
	"slices"
	"testing"
)

func TestBaseImage(t *testing.T) {
	for text, want := range map[string]string{
		"# c\nfrom --platform=$BUILDPLATFORM docker.io/library/Python:3.12@sha256:ab AS b\nFROM x\n": "python",
		"  FROM localhost:5000/team/app\n": "app",
		"ARG B=alpine\nFROM ${B}\n":        "(variable)",
		"RUN x\n":                          "(no FROM)",
	} {
		if got := baseImage([]byte(text)); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

func TestSignature(t *testing.T) {
	for text, want := range map[string]string{
		"RUN apt-get -y install curl && pip3 install flask && npm install\n": "python/apt",
		"RUN apk add --no-cache git\nRUN go build ./...\n":                   "go/apk",
		"RUN yum -y install java && mvn package\n":                           "jvm/yum",
		"COPY . .\n": "-/-",
	} {
		if got := signature([]byte(text)); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

// TestAllocate: every group gets two files (or all it has), the rest goes
// to the large groups in proportion, and no group gets more than it has.
func TestAllocate(t *testing.T) {
	groups := map[string][]file{"big": make([]file, 90), "mid": make([]file, 30), "one": make([]file, 1)}
	got := allocate(groups, 25)
	if want := map[string]int{"big": 18, "mid": 6, "one": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("quotas %v, want %v", got, want)
	}
	if got := allocate(groups, 500); got["big"] != 90 || got["mid"] != 30 || got["one"] != 1 {
		t.Errorf("quotas beyond the sizes: %v", got)
	}
}

// TestRoundRobin: one file of each key in turn, the largest key first,
// each key's files in name order.
func TestRoundRobin(t *testing.T) {
	var files []file
	for _, n := range []string{"a3", "b1", "a1", "c1", "a2", "b2"} {
		files = append(files, file{name: n, signature: n[:1]})
	}
	var got []string
	for _, f := range roundRobin(files, 5, func(f file) string { return f.signature }) {
		got = append(got, f.name)
	}
	if want := []string{"a1", "b1", "c1", "a2", "b2"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
