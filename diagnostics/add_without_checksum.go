package diagnostics

import (
	"strings"
)

var addWithoutChecksum = &Rule{
	Name: "AddWithoutChecksum", Category: Cache, Severity: Info,
	Summary: "ADD of a URL without --checksum: the cache reuses or refetches it without checking what it got",
	DocsURL: DocsBase + "AddWithoutChecksum.md",
	Check:   checkAddWithoutChecksum,
}

// checkAddWithoutChecksum reports ADD <http(s) url> without --checksum.
func checkAddWithoutChecksum(p *Pass) {
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "ADD" || hasFlag(inst.Flags, "checksum") || len(inst.Args) < 2 {
			continue
		}
		for _, a := range inst.Args[:len(inst.Args)-1] {
			if strings.HasPrefix(a.Value, "http://") || strings.HasPrefix(a.Value, "https://") {
				p.Report(a.Span, "ADD of a URL without --checksum: BuildKit re-downloads it to compute the cache key and accepts whatever the server returns, so a changed or tampered file silently changes the image. Add --checksum=sha256:<digest>.", nil, nil)
			}
		}
	}
}
