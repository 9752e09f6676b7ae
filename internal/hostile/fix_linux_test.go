package hostile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// fixed is what check --fix makes of Small's MAINTAINER line.
const fixedLabel = "LABEL org.opencontainers.image.authors="

// editMark is the line the user adds while check --fix runs.
const editMark = "# saved in the editor while check --fix ran\n"

// fixCases: check --fix writes as carefully as an editor.
func fixCases() []hcase {
	fix := []string{"--fix", "."}
	symlinkOut := func(w *world) {
		if err := os.WriteFile(filepath.Join(w.outside, "Dockerfile"), []byte(Small), 0o644); err != nil {
			w.t.Fatal(err)
		}
		w.symlink("Dockerfile", filepath.Join(w.outside, "Dockerfile"))
	}
	outsideUnchanged := func(w *world) error {
		return sameText(filepath.Join(w.outside, "Dockerfile"), Small)
	}
	readOnly := func(w *world) {
		w.write("Dockerfile", []byte(Small))
		if err := os.Chmod(w.path("Dockerfile"), 0o444); err != nil {
			w.t.Fatal(err)
		}
	}
	hardLink := func(w *world) {
		w.write("Dockerfile", []byte(Small))
		if err := os.MkdirAll(w.path("keep"), 0o755); err != nil {
			w.t.Fatal(err)
		}
		if err := os.Link(w.path("Dockerfile"), w.path("keep/link.txt")); err != nil {
			w.t.Fatal(err)
		}
	}
	owned := func(w *world) {
		w.write("Dockerfile", []byte(Small))
		if err := os.Chmod(w.path("Dockerfile"), 0o640); err != nil {
			w.t.Fatal(err)
		}
		if os.Geteuid() == 0 {
			if err := os.Chown(w.path("Dockerfile"), 4242, 4243); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	all := []hcase{
		{name: "check/fix/symlink-outside-found", setup: symlinkOut, check: &checkSpec{args: fix, exits: []int{2}, after: outsideUnchanged}},
		// Named, the symlink is the user's to follow (for reading).
		{name: "check/fix/symlink-outside-named", setup: symlinkOut, check: &checkSpec{args: []string{"--fix", "Dockerfile"}, exits: []int{2}, after: outsideUnchanged,
			named: func(w *world) []string { return []string{filepath.Join(w.outside, "Dockerfile")} }}},
		{name: "check/fix/read-only", setup: readOnly, check: &checkSpec{args: fix, exits: []int{2}, after: func(w *world) error {
			return errors.Join(sameText(w.path("Dockerfile"), Small), sameMode(w.path("Dockerfile"), 0o444))
		}}},
		{name: "check/fix/hard-link", setup: hardLink, check: &checkSpec{args: fix, after: func(w *world) error {
			return errors.Join(linked(w.path("Dockerfile"), w.path("keep/link.txt")), holds(w.path("keep/link.txt"), fixedLabel))
		}}},
		{name: "check/fix/owner-and-mode", setup: owned, check: &checkSpec{args: fix, after: func(w *world) error {
			return errors.Join(holds(w.path("Dockerfile"), fixedLabel), sameMode(w.path("Dockerfile"), 0o640), sameOwner(w.path("Dockerfile")))
		}}},
		{name: "check/fix/edit-during-fix", setup: dockerfile(Fixable(1000)), check: &checkSpec{args: []string{"--fix", "Dockerfile"},
			exits: []int{2}, says: "changed", during: editWhenRead, after: func(w *world) error {
				return holds(w.path("Dockerfile"), editMark)
			}}},
	}
	for i := range all {
		all[i].writes = true
	}
	return all
}

func sameText(path, want string) error {
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if string(got) != want {
		return fmt.Errorf("%s was changed (%d bytes, was %d)", path, len(got), len(want))
	}
	return nil
}

func holds(path, want string) error {
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(got, []byte(want)) {
		return fmt.Errorf("%s does not hold %q", path, want)
	}
	return nil
}

func sameMode(path string, want os.FileMode) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode() != want {
		return fmt.Errorf("%s has mode %v, was %v", path, fi.Mode(), want)
	}
	return nil
}

// sameOwner: the file is still 4242:4243 (when the test could set that).
func sameOwner(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 4242 || st.Gid != 4243 {
		return fmt.Errorf("%s is owned by %d:%d, was 4242:4243", path, st.Uid, st.Gid)
	}
	return nil
}

func linked(a, b string) error {
	fa, err := os.Stat(a)
	if err != nil {
		return err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return err
	}
	if !os.SameFile(fa, fb) {
		return fmt.Errorf("the hard link %s and %s was split", a, b)
	}
	return nil
}

// editWhenRead appends editMark to the workspace's Dockerfile as soon as
// check has closed it after reading it (inotify's IN_CLOSE_NOWRITE),
// while check still analyses and fixes it, as an editor saving then
// would. stop says whether the edit was made.
func editWhenRead(w *world) func() error {
	path := w.path("Dockerfile")
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return func() error { return fmt.Errorf("inotify: %w", err) }
	}
	events := os.NewFile(uintptr(fd), "inotify") // non-blocking: Close ends a Read
	if _, err := syscall.InotifyAddWatch(fd, path, syscall.IN_CLOSE_NOWRITE); err != nil {
		events.Close()
		return func() error { return fmt.Errorf("inotify: %w", err) }
	}
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, syscall.SizeofInotifyEvent+syscall.PathMax)
		if _, err := events.Read(buf); err != nil {
			done <- fmt.Errorf("inotify: %w", err)
			return
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = f.WriteString(editMark)
			err = errors.Join(err, f.Close())
		}
		done <- err
	}()
	return func() error {
		defer events.Close()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Second):
			return errors.New("check never closed the Dockerfile after reading it: the edit was not made")
		}
	}
}
