//go:build unix

package buildcontext

import (
	"io/fs"
	"os"
	"slices"
	"sync"
	"syscall"
)

// identity is computed once: the walk checks it for every regular file.
var identity = sync.OnceValues(func() (int, []int) {
	groups, _ := os.Getgroups()
	return os.Geteuid(), append(groups, os.Getegid())
})

// readable predicts from the lstat mode whether BuildKit could open the file,
// without opening it (the walk never reads contents). Root bypasses
// permission bits, so for root everything is readable, as it is for BuildKit.
func readable(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	uid, gids := identity()
	perm := fi.Mode().Perm()
	switch {
	case uid == 0:
		return true
	case int(st.Uid) == uid:
		return perm&0o400 != 0
	case slices.Contains(gids, int(st.Gid)):
		return perm&0o040 != 0
	default:
		return perm&0o004 != 0
	}
}
