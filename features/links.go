package features

import (
	"path"
	"strings"

	"github.com/distribution/reference"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Link is a document link: a web page (URL) for an image name, or a file
// of the workspace (Path, slash-separated, relative to the Dockerfile's
// folder).
type Link struct {
	Span Span
	URL  string
	Path string
}

// LinkOptions: FileExists says whether a path relative to the Dockerfile's
// folder is an existing file; nil means no file links.
type LinkOptions struct {
	FileExists func(rel string) bool
}

// LinksFor returns the links of st's document: base images (and images in
// COPY --from) to their registry page, COPY and ADD sources (as st expands
// them) to the files. Stage names, scratch and names with unknown
// variables get none. Nothing here touches the network.
func LinksFor(st *dockerfile.BuildState, opts LinkOptions) []Link {
	doc := st.Document()
	var out []Link
	for _, in := range doc.Instructions {
		switch in.Keyword {
		case "FROM":
			stage := doc.Stages[in.Stage]
			if stage.Base == "" || st.StageParent(stage) != nil {
				continue
			}
			if l, ok := imageLink(doc, stage.Base, stage.BaseSpan); ok {
				out = append(out, l)
			}
		case "COPY", "ADD":
			for _, f := range in.Flags {
				if f.Name == "from" && f.HasValue && doc.RefIsImage(f.Value) {
					if l, ok := imageLink(doc, f.Value, f.ValueSpan); ok {
						out = append(out, l)
					}
				}
			}
			if opts.FileExists != nil {
				out = append(out, sourceLinks(doc, st.Of(in).Copy(), in.Args, opts)...)
			}
		}
	}
	return out
}

// sourceLinks link the sources of a COPY or ADD read from the build
// context that are existing files; args are its words, one per source
// and the destination.
func sourceLinks(doc *dockerfile.Document, reads dockerfile.CopyReads, args []dockerfile.Word, opts LinkOptions) []Link {
	if reads.From.Name != "" {
		return nil
	}
	var out []Link
	for i, src := range reads.Sources {
		if i >= len(args) || !src.Known || !dockerfile.IsContextSource(src.Text) {
			continue
		}
		rel, ok := localPath(src.Text)
		if !ok || !opts.FileExists(rel) {
			continue
		}
		span := args[i].Span
		if raw := doc.Slice(span); len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len(raw)-1] == raw[0] {
			span = Span{Start: span.Start + 1, End: span.End - 1}
		}
		out = append(out, Link{Span: span, Path: rel})
	}
	return out
}

// localPath cleans a COPY source into a path relative to the context, or
// reports that it is not one plain file (glob, variable, outside).
func localPath(src string) (string, bool) {
	if src == "" || strings.ContainsAny(src, "*?[$\\") {
		return "", false
	}
	p := path.Clean("/" + src)[1:]
	if p == "" || p == "." {
		return "", false
	}
	return p, true
}

// imageLink links the name part (no tag or digest) of an image reference.
func imageLink(doc *dockerfile.Document, ref string, span Span) (Link, bool) {
	name := ref
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name = name[:i]
	}
	// A variable in the tag (golang:${GO}) still names the image; one in
	// the name does not.
	if strings.Contains(name, "$") || strings.EqualFold(name, "scratch") {
		return Link{}, false
	}
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return Link{}, false
	}
	if raw := doc.Slice(span); !strings.HasPrefix(raw, name) {
		return Link{}, false // quoted or split: leave it
	}
	p := reference.Path(named)
	var url string
	switch reference.Domain(named) {
	case "docker.io":
		if rest, ok := strings.CutPrefix(p, "library/"); ok && !strings.Contains(rest, "/") {
			url = "https://hub.docker.com/_/" + rest
		} else {
			url = "https://hub.docker.com/r/" + p
		}
	case "ghcr.io":
		url = "https://ghcr.io/" + p
	case "quay.io":
		url = "https://quay.io/repository/" + p
	case "mcr.microsoft.com":
		url = "https://mcr.microsoft.com/artifact/mar/" + p
	case "public.ecr.aws":
		url = "https://gallery.ecr.aws/" + p
	default:
		return Link{}, false
	}
	return Link{Span: Span{Start: span.Start, End: span.Start + len(name)}, URL: url}, true
}
