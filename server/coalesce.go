package server

import "sync"

// coalesced runs one request to the client at a time for one purpose
// (asking for the settings, asking it to refresh something): asked again
// while that request waits for its answer, it sends one more when the
// answer (or the timeout) comes, however often it was asked meanwhile. A
// client that never answers then gets neither a pile of requests nor the
// server a pile of goroutines waiting for them: 200,000 settings changes
// held 1 GB.
type coalesced struct {
	do func() // sends the request and waits for its answer

	mu      sync.Mutex
	running bool // do runs
	again   bool // asked while it runs
}

// ask runs do off the caller's goroutine, now or once the running one
// ends.
func (c *coalesced) ask() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		c.again = true
		return
	}
	c.running = true
	go c.loop()
}

// loop runs do until nobody asked during the last run.
func (c *coalesced) loop() {
	for {
		c.do()
		c.mu.Lock()
		again := c.again
		c.running, c.again = again, false
		c.mu.Unlock()
		if !again {
			return
		}
	}
}
