package main

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// loadSampler reads the 1-minute load average every interval: the machine
// is shared, and a latency means little without the load it was taken
// under.
type loadSampler struct {
	mu      sync.Mutex
	samples []float64
	stop    chan struct{}
}

func startLoadSampler(interval time.Duration) *loadSampler {
	l := &loadSampler{stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			l.sample()
			select {
			case <-t.C:
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

func (l *loadSampler) sample() {
	if v, ok := loadAvg(); ok {
		l.mu.Lock()
		l.samples = append(l.samples, v)
		l.mu.Unlock()
	}
}

// mark is the number of samples so far: since(mark) summarises what came
// after.
func (l *loadSampler) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.samples)
}

// since is the min, median and max load sampled since mark (the current
// load when none was).
func (l *loadSampler) since(mark int) (lo, mid, hi float64) {
	l.mu.Lock()
	s := slices.Clone(l.samples[min(mark, len(l.samples)):])
	l.mu.Unlock()
	if len(s) == 0 {
		v, _ := loadAvg()
		return v, v, v
	}
	slices.Sort(s)
	return s[0], s[len(s)/2], s[len(s)-1]
}

func (l *loadSampler) close() { close(l.stop) }

// loadAvg is the 1-minute load average.
func loadAvg() (float64, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return v, err == nil
}
