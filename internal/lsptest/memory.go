package lsptest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is the resident memory (VmRSS) and its peak (VmHWM), in KiB, of
// process pid and its descendants: a server started through a wrapper
// counts its children too. It reads /proc; elsewhere it is zero.
func Memory(pid int) (rss, hwm int64) {
	for _, p := range append([]int{pid}, descendants(pid)...) {
		r, h := procStatus(p)
		rss += r
		hwm += h
	}
	return rss, hwm
}

func procStatus(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			hwm = n
		}
	}
	return rss, hwm
}

func descendants(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, child)
				out = append(out, descendants(child)...)
			}
		}
	}
	return out
}
