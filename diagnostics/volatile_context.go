package diagnostics

import (
	"fmt"
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
)

var volatileContext = &Rule{
	Name: "VolatileContext", Category: Cache, Severity: Warning,
	Summary: "COPY . sends folders that change on every commit or install (.git, node_modules, __pycache__) because .dockerignore does not exclude them",
	DocsURL: DocsBase + "VolatileContext.md",
	Check:   checkVolatileContext,
}

// checkVolatileContext reports, once, the first COPY/ADD of the whole
// context when the context holds volatile folders the ignore file lets
// through.
func checkVolatileContext(p *Pass) {
	if p.Context == nil {
		return
	}
	vols := p.Context.Volatile()
	if len(vols) == 0 {
		return
	}
	st := p.state()
	for _, inst := range p.Doc.Instructions {
		if !copiesWholeContext(inst.Keyword, st.Of(inst).Copy().Context) {
			continue
		}
		var parts, paths []string
		files, bytes := 0, int64(0)
		for _, v := range vols {
			parts = append(parts, fmt.Sprintf("%s/ (%s)", v.Path, v.Reason))
			paths = append(paths, v.Path+"/")
			files += v.Files
			bytes += v.Bytes
		}
		p.Report(inst.Span, fmt.Sprintf(
			"%s sends %d files (%s) that change on every commit or install: %s. Any change there re-runs this step and every step after it. Add them to %s.",
			cache.OneLine(p.Doc, inst), files, humanBytes(bytes), strings.Join(parts, ", "), ignoreFileName(p)), nil,
			&FixData{Kind: Dockerignore, Args: map[string]string{"paths": strings.Join(paths, "\n")}})
		return
	}
}

func copiesWholeContext(keyword string, srcs []string) bool {
	if keyword != "COPY" && keyword != "ADD" {
		return false
	}
	for _, s := range srcs {
		if path.Clean("/"+s) == "/" {
			return true
		}
	}
	return false
}

func ignoreFileName(p *Pass) string {
	if f := p.Context.IgnoreFile(); f != "" {
		return path.Base(f)
	}
	return ".dockerignore"
}

// humanBytes formats a size the way people read it (1000-based, as
// Docker's tools print sizes).
func humanBytes(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}
