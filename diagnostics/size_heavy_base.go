package diagnostics

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

var heavyBaseImage = &Rule{
	Name: "HeavyBaseImage", Category: Size, Severity: Hint,
	Summary: "the final image starts from a full base image where a much smaller variant exists (python:3.12 → python:3.12-slim), or from a build toolchain (golang → distroless/static or scratch)",
	DocsURL: DocsBase + "HeavyBaseImage.md",
	Check:   checkHeavyBaseImage,
}

func checkHeavyBaseImage(p *Pass) {
	if len(p.Doc.Stages) == 0 {
		return
	}
	bs := p.state()
	last := p.Doc.Stages[len(p.Doc.Stages)-1]
	img, root := bs.StageImage(last)
	ref := img.Text
	if !img.Known || root == nil || root.From == nil {
		return
	}
	b := imgsize.Base(ref)
	span := root.BaseSpan
	if span.End <= span.Start {
		span = root.From.Span
	}
	note := figureNote(b)
	purpose := purposeOf(bs, last, b)
	switch {
	case b.Toolchain:
		if !purpose.runs || purpose.builds || purpose.shell {
			return // a development or CI environment: the toolchain is its purpose
		}
		var alts []string
		for _, s := range b.Ship {
			alts = append(alts, "`"+s.Ref+"` ("+shipSize(s)+")")
		}
		msg := fmt.Sprintf("The final image starts from %s, a build toolchain (%s compressed%s). Build in a stage FROM it and ship only the result", ref, mbText(b), note)
		if len(alts) > 0 {
			msg += " FROM " + strings.Join(alts, " or ")
		}
		p.Report(span, msg+".", nil, nil)
	case len(b.Slimmer) > 0:
		slimmer := usableSlimmer(bs, p.Doc, b)
		if len(slimmer) == 0 {
			return
		}
		var alts []string
		for _, s := range slimmer {
			alts = append(alts, fmt.Sprintf("`%s` (%s)", s.Ref, imgsize.MBText(s.Figure.MB)))
		}
		var fix *FixData
		if ref == root.Base && !strings.Contains(root.Base, "@") {
			fix = &FixData{Kind: SlimBase, Args: map[string]string{
				"start": strconv.Itoa(span.Start), "end": strconv.Itoa(span.End), "image": slimmer[0].Ref,
			}}
		}
		p.Report(span, fmt.Sprintf(
			"%s is %s compressed%s; %s exists. Use it unless the image needs the compilers and libraries only the full variant has.",
			ref, mbText(b), note, joinOr(alts)), relatedStage(p.Doc, root), fix)
	}
}

func mbText(b imgsize.BaseImage) string {
	if b.Figure.MB == 0 {
		return "size unknown"
	}
	return imgsize.MBText(b.Figure.MB)
}

func shipSize(a imgsize.Alternative) string {
	if imgsize.Scratch(a.Ref) {
		return "empty"
	}
	if a.Figure.MB == 0 {
		return "small"
	}
	return imgsize.MBText(a.Figure.MB)
}

// figureNote says where the approximate figures come from.
func figureNote(b imgsize.BaseImage) string {
	if b.Figure.MB == 0 {
		return ""
	}
	return fmt.Sprintf(", approximate, as listed for %s:%s for linux/amd64 in %s", b.Repo, b.Figure.Tag, b.Figure.AsOf)
}

// relatedStage points at the last stage when the base is reached through
// FROM <stage> chains.
func relatedStage(doc *dockerfile.Document, root *dockerfile.Stage) []Related {
	last := doc.Stages[len(doc.Stages)-1]
	if last == root || last.From == nil {
		return nil
	}
	return []Related{{Span: last.From.Span, Message: "the final stage builds on it"}}
}
