package dockerfile

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestWordsInterned: the words that recur in a document's instructions
// are one copy, which every instruction holding them shares.
func TestWordsInterned(t *testing.T) {
	d := Parse([]byte("FROM alpine\nRUN apt-get install -y a\nRUN apt-get install -y b\n"))
	a, b := d.Instructions[1].Args, d.Instructions[2].Args
	if a[0].Value != "apt-get" || b[0].Value != "apt-get" {
		t.Fatalf("args: %+v, %+v", a, b)
	}
	if unsafe.StringData(a[0].Value) != unsafe.StringData(b[0].Value) {
		t.Error("the same word is kept twice")
	}
}

// TestWrittenMountsShared: RUNs writing the same --mount value share its
// parse; the expanded mounts of the build state are each RUN's own, and
// expanding them leaves the shared parse as written.
func TestWrittenMountsShared(t *testing.T) {
	d := Parse([]byte("FROM alpine\nARG D=/x\n" +
		"RUN --mount=type=cache,target=$D a\nRUN --mount=type=cache,target=$D b\n"))
	first, second := d.Instructions[2], d.Instructions[3]
	a, b := first.WrittenMounts(), second.WrittenMounts()
	if len(a) != 1 || len(b) != 1 || a[0].Target != "$D" {
		t.Fatalf("written mounts: %+v, %+v", a, b)
	}
	if reflect.ValueOf(a[0].Options).UnsafePointer() != reflect.ValueOf(b[0].Options).UnsafePointer() {
		t.Error("the same --mount value is parsed and kept twice")
	}
	ms := d.State(Options{}).Of(first).Mounts()
	if len(ms) != 1 || ms[0].Target != "/x" || ms[0].Options["target"] != "/x" {
		t.Fatalf("expanded mounts: %+v", ms)
	}
	if again := second.WrittenMounts(); again[0].Target != "$D" || again[0].Options["target"] != "$D" {
		t.Errorf("expanding a mount changed the shared parse: %+v", again)
	}
}
