package oracle

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ReplayData is a stretch of a real repository's history kept small
// enough to commit: the build's files by blob id, never their contents.
// A file's content is derived from its blob id (BlobContent), so two
// versions differ exactly when the repository's did.
//
// The text format (replay.txt), one record a line:
//
//	base SHA                first commit of the stretch
//	MODE BLOB PATH          a file at the base (mode 100644, 100755, 120000)
//	commit SHA              the next commit on the first-parent line
//	MODE BLOB PATH          a file it added or changed
//	- - PATH                a file it deleted
//
// Only files the build context sends (after today's ignore file) are
// listed; Dockerfile and dockerignore beside replay.txt are the versions
// replayed against.
type ReplayData struct {
	Dir     string
	Base    string
	Files   map[string]ReplayFile // at the base
	Commits []ReplayCommit
}

// ReplayFile is one version of a file; Blob "" is a deletion.
type ReplayFile struct {
	Mode string
	Blob string
}

// ReplayCommit is a commit and the files it changed.
type ReplayCommit struct {
	Hash    string
	Changes map[string]ReplayFile
}

// BlobContent stands in for a file's content: distinct per blob.
func BlobContent(blob string) []byte { return []byte("blob " + blob + "\n") }

// LoadReplayData reads dir/replay.txt.
func LoadReplayData(dir string) (*ReplayData, error) {
	f, err := os.Open(filepath.Join(dir, "replay.txt"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := &ReplayData{Dir: dir, Files: map[string]ReplayFile{}}
	into := d.Files
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		switch {
		case len(fields) == 2 && fields[0] == "base":
			d.Base = fields[1]
		case len(fields) == 2 && fields[0] == "commit":
			d.Commits = append(d.Commits, ReplayCommit{Hash: fields[1], Changes: map[string]ReplayFile{}})
			into = d.Commits[len(d.Commits)-1].Changes
		case len(fields) == 3 && fields[0] == "-":
			into[fields[2]] = ReplayFile{}
		case len(fields) == 3:
			into[fields[2]] = ReplayFile{Mode: fields[0], Blob: fields[1]}
		default:
			return nil, fmt.Errorf("%s:%d: %q", f.Name(), n, line)
		}
	}
	return d, sc.Err()
}

// Tree is the files at commit i (0 is the base).
func (d *ReplayData) Tree(i int) map[string]ReplayFile {
	out := make(map[string]ReplayFile, len(d.Files))
	for p, f := range d.Files {
		out[p] = f
	}
	for _, c := range d.Commits[:i] {
		apply(out, c.Changes)
	}
	return out
}

func apply(tree, changes map[string]ReplayFile) {
	for p, f := range changes {
		if f.Blob == "" {
			delete(tree, p)
		} else {
			tree[p] = f
		}
	}
}

// WriteFiles writes files (or deletes those with no blob) under dir.
func WriteFiles(dir string, files map[string]ReplayFile) error {
	for p, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if f.Blob == "" {
			if err := os.Remove(full); err != nil && !os.IsNotExist(err) {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if f.Mode == "100755" {
			mode = 0o755
		}
		if err := os.WriteFile(full, BlobContent(f.Blob), mode); err != nil {
			return err
		}
		if err := os.Chmod(full, mode); err != nil {
			return err
		}
	}
	return nil
}
