package diagnostics

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

// AddNoLogInit is the fix of UseraddHighUID: -l after useradd.
const AddNoLogInit FixKind = "add-no-log-init"

// highUID is where the lastlog file written for a UID passes 19 MB.
const highUID = 65536

// lastlogEntry is the size of glibc's struct lastlog on 64-bit Linux
// (a 32-bit time, 32 bytes of line, 256 of host): the entry of UID n is
// at n times this.
const lastlogEntry = 292

var useraddHighUID = &Rule{
	Name: "UseraddHighUID", Category: Size, Severity: Info,
	Summary: "useradd with a UID of 65536 or more and no -l: it writes the user's record far into /var/log/lastlog and faillog, sparse files that the image layer stores in full",
	DocsURL: DocsBase + "UseraddHighUID.md",
	Check:   checkUseraddHighUID,
}

// checkUseraddHighUID reports useradd -u <uid ≥ 65536> without -l
// (--no-log-init). The UID is read after the build's ARG and ENV
// expansion; a UID the state does not know is not reported.
func checkUseraddHighUID(p *Pass) {
	st := p.state()
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" || inst.Stage < 0 {
			continue
		}
		x := st.Of(inst)
		for _, c := range commands(st, inst) {
			if c.Name() != "useradd" {
				continue
			}
			uid, noLogInit, ok := useraddUID(x, c.Args[1:])
			if !ok || noLogInit || uid < highUID {
				continue
			}
			var fix *FixData
			if c.Args[0].End >= 0 {
				fix = &FixData{Kind: AddNoLogInit, Args: map[string]string{
					"offset": strconv.Itoa(inst.ArgsSpan.Start + c.Args[0].End), "flag": "-l"}}
			}
			p.Report(cmdSpan(inst, c), fmt.Sprintf(
				"useradd -u %d without -l writes the user's login record %s into /var/log/lastlog (and into faillog): a sparse file on disk, but the image layer stores it in full, ≈ %s of zeros to unpack and export. Add -l (--no-log-init).",
				uid, imgsize.Bytes(uid*lastlogEntry), imgsize.Bytes(uid*lastlogEntry)), nil, fix)
		}
	}
}

// useraddValued are useradd's short options that take a value.
const useraddValued = "bcdefgGkKpPRsuZ"

// useraddUID reads useradd's options: the UID given with -u/--uid, and
// whether -l/--no-log-init is there; ok is false without a known UID.
func useraddUID(x dockerfile.InstState, args []shell.Word) (uid int64, noLogInit, ok bool) {
	words, known := expandedArgs(x, args)
	if !known {
		return 0, false, false
	}
	value := ""
	for i := 0; i < len(words); i++ {
		w := words[i]
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch {
		case w == "--":
			i = len(words)
		case w == "--no-log-init":
			noLogInit = true
		case w == "--uid":
			value, i = next, i+1
		case strings.HasPrefix(w, "--uid="):
			value = strings.TrimPrefix(w, "--uid=")
		case strings.HasPrefix(w, "--"):
			if !strings.Contains(w, "=") && longTakesValue(w) {
				i++
			}
		case len(w) > 1 && w[0] == '-':
			v, l, used := useraddShort(w, next)
			noLogInit = noLogInit || l
			if v != "" {
				value = v
			}
			i += used
		}
	}
	n, err := strconv.ParseInt(value, 10, 64)
	return n, noLogInit, err == nil
}

// useraddShort reads a short-option cluster: the -u value, whether -l is
// in it, and how many next words it used.
func useraddShort(w, next string) (uid string, noLogInit bool, used int) {
	for j := 1; j < len(w); j++ {
		c := w[j]
		if c == 'l' {
			noLogInit = true
			continue
		}
		if !strings.ContainsRune(useraddValued, rune(c)) {
			continue
		}
		v := w[j+1:]
		if v == "" {
			v, used = next, 1
		}
		if c == 'u' {
			uid = v
		}
		return uid, noLogInit, used
	}
	return "", noLogInit, 0
}

// longTakesValue: a long option of useradd that takes the next word.
func longTakesValue(w string) bool {
	switch w {
	case "--base-dir", "--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups", "--skel",
		"--key", "--password", "--prefix", "--root", "--shell", "--selinux-user":
		return true
	}
	return false
}
