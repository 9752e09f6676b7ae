package diagnostics

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/buildkitcheck"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// The syntax rules: what stops BuildKit from parsing the file at all.
var (
	parseErrorRule = &Rule{Name: "ParseError", Category: Syntax, Severity: Error,
		Summary: "BuildKit cannot parse the Dockerfile", DocsURL: DocsBase + "ParseError.md"}
	instructionErrorRule = &Rule{Name: "InvalidInstruction", Category: Syntax, Severity: Error,
		Summary: "BuildKit rejects the instruction (unknown flag, wrong arguments)", DocsURL: DocsBase + "InvalidInstruction.md"}
	frontendRule = &Rule{Name: "CustomFrontend", Category: BuildKit, Severity: Info,
		Summary: "a # syntax= frontend other than Docker's: BuildKit's checks are skipped", DocsURL: DocsBase + "CustomFrontend.md"}
)

// Analyze runs the fast analyses on one version of a document: parse errors,
// per-instruction errors and every registered rule. bctx may be nil. A rule
// that panics loses its findings, never the others'; the panics come back as
// errors for the caller to log.
func Analyze(doc *dockerfile.Document, bctx *buildcontext.Context) ([]Finding, []error) {
	return AnalyzeBuild(doc, bctx, dockerfile.Options{})
}

// AnalyzeBuild is Analyze for a build with these options (its
// --build-arg values), which the rules read through the build state.
func AnalyzeBuild(doc *dockerfile.Document, bctx *buildcontext.Context, build dockerfile.Options) ([]Finding, []error) {
	out, errs, _ := AnalyzeContext(context.Background(), doc, bctx, build) // never done
	return out, errs
}

// AnalyzeContext is AnalyzeBuild that stops between two rules once ctx is
// done (the editor sent a newer version of the text): it then returns
// ctx's error and no findings, since those of the rules not run would be
// missing.
func AnalyzeContext(ctx context.Context, doc *dockerfile.Document, bctx *buildcontext.Context, build dockerfile.Options) ([]Finding, []error, error) {
	var out []Finding
	var errs []error
	if doc.Error != nil {
		out = append(out, finding(parseErrorRule, doc.Error.Span, doc.Error.Message))
	}
	for _, in := range doc.Instructions {
		if err := in.Err(); err != nil {
			out = append(out, finding(instructionErrorRule, in.Span, stableFlagSuggestion(stableSuggestion(err.Error(), in.Keyword), in.Keyword)))
		}
		if in.Keyword == "RUN" && doc.Script(in).Cut() {
			out = append(out, OverBudget(in.KeywordSpan, fmt.Sprintf(
				"This RUN's script nests deeper than %d brackets or %d operators, so it is not read: no rule looks at its commands.",
				budget.MaxShellNesting, budget.MaxShellOperators)))
		}
	}
	rules := allRules() // read only: not the copy Rules makes for callers
	deadline := time.Now().Add(rulesTime)
	p := &Pass{Doc: doc, Context: bctx, Build: build, out: &out} // one for all the rules, not one each
	for i, r := range rules {
		if r.Check == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, errs, fmt.Errorf("rules stopped before %s: %w", r.Name, err)
		}
		if time.Now().After(deadline) {
			out = append(out, rulesCut(doc, rules[i:]))
			break
		}
		p.rule = r
		if err := run(r, p); err != nil {
			errs = append(errs, err)
		}
	}
	Sort(out)
	return out, errs, nil
}

// rulesTime is budget.RulesTime; tests shorten it.
var rulesTime = budget.RulesTime

// rulesCut is the finding that says which rules the time budget left out.
func rulesCut(doc *dockerfile.Document, left []*Rule) Finding {
	var names []string
	for _, r := range left {
		if r.Check != nil {
			names = append(names, r.Name)
		}
	}
	span := dockerfile.Span{}
	if len(doc.Instructions) > 0 {
		span = doc.Instructions[0].Span
	}
	return OverBudget(span, fmt.Sprintf("The rules took more than their %.0f s on this file, so these were not run: %s.",
		rulesTime.Seconds(), strings.Join(names, ", ")))
}

func run(r *Rule, p *Pass) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rule %s panicked: %v\n%s", r.Name, v, debug.Stack())
		}
	}()
	r.Check(p)
	return nil
}

func finding(r *Rule, span dockerfile.Span, msg string) Finding {
	return Finding{Rule: r.Name, Category: r.Category, Severity: r.Severity, Message: msg, DocsURL: r.DocsURL, Span: span}
}

// BuildKitOptions are the build settings BuildKit's checks depend on.
type BuildKitOptions = buildkitcheck.Options

// BuildKitChecks runs BuildKit's own build checks on the document (the slow
// pass: it converts the whole file to LLB). A parse error the fast pass
// already reports is not repeated. BuildKit stops at the first instruction
// it rejects, dropping its checks of the rest: instructions the fast pass
// rejects are blanked out first, and after each conversion error the
// instruction at fault is blanked and the file converted again (a few
// times), so that one error hides neither the others nor the checks.
func BuildKitChecks(ctx context.Context, doc *dockerfile.Document, opts BuildKitOptions) []Finding {
	if doc.Error != nil || len(doc.Instructions) == 0 {
		return nil
	}
	text, blanked := blankRejected(doc)
	var out []Finding
	type key struct {
		rule, msg string
		span      dockerfile.Span
	}
	seen := map[key]bool{}
	add := func(f Finding) {
		if k := (key{f.Rule, f.Message, f.Span}); !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	experimental := experimentalChecks(doc)
	for round := 0; round < maxConversions && ctx.Err() == nil; round++ {
		res := buildkitcheck.Run(ctx, text, opts)
		if res.Skipped != "" {
			add(finding(frontendRule, syntaxSpan(doc), res.Skipped))
			break
		}
		for _, c := range res.Checks {
			if !c.Experimental || experimental[c.Rule] || experimental["all"] {
				add(checkFinding(c))
			}
		}
		if res.ParseError == nil {
			break
		}
		if next, ok := argBaseImage(doc, res.ParseError, opts); ok {
			opts = next // an ARG without a value names the image: InvalidDefaultArgInFrom says so
			continue
		}
		add(finding(parseErrorRule, dockerfile.Span{Start: res.ParseError.Start, End: res.ParseError.End}, res.ParseError.Message))
		in := doc.InstructionAt(res.ParseError.Start)
		if in == nil || in.Keyword == "FROM" || blanked[in] {
			break
		}
		text, blanked[in] = blank(text, in), true
	}
	Sort(out)
	return out
}

// maxConversions bounds the conversions of one file with errors.
const maxConversions = 4

func syntaxSpan(doc *dockerfile.Document) dockerfile.Span {
	span := doc.Instructions[0].KeywordSpan
	for _, d := range doc.Directives {
		if d.Name == "syntax" {
			span = d.ValueSpan
		}
	}
	return span
}

func checkFinding(c buildkitcheck.Check) Finding {
	sev := Warning
	if c.Error {
		sev = Error
	}
	return Finding{Rule: c.Rule, Category: BuildKit, Severity: sev, Message: checkMessage(c),
		DocsURL: c.URL, Span: dockerfile.Span{Start: c.Start, End: c.End}}
}

// blankRejected is the text with the instructions BuildKit's parser
// rejects (the fast pass reports them) blanked out, except FROM, whose
// removal would merge two stages.
func blankRejected(doc *dockerfile.Document) ([]byte, map[*dockerfile.Instruction]bool) {
	text := doc.Text
	blanked := map[*dockerfile.Instruction]bool{}
	for _, in := range doc.Instructions {
		if in.Err() != nil && in.Keyword != "FROM" {
			text, blanked[in] = blank(text, in), true
		}
	}
	return text, blanked
}

// blank replaces an instruction with spaces, line breaks kept, so that
// every other offset and line stays where it was.
func blank(text []byte, in *dockerfile.Instruction) []byte {
	out := slices.Clone(text)
	for i := in.Span.Start; i < in.Span.End && i < len(out); i++ {
		if out[i] != '\n' && out[i] != '\r' {
			out[i] = ' '
		}
	}
	return out
}

// blankBase matches BuildKit's errors for a FROM whose image name expands
// to nothing or, with a variable empty, to no valid reference ("mysql:",
// "/app:1").
var blankBase = regexp.MustCompile(`^(base name \(.*\) should not be blank|failed to parse stage name ".*": invalid reference format)`)

// argBaseImage: the error is a FROM naming its image through a global ARG
// without a value (ARG base_image, FROM $base_image or FROM
// mysql:$MYSQL_VERSION): the file is valid,
// the build needs --build-arg, and BuildKit's InvalidDefaultArgInFrom
// already says so. The options to convert again give such ARGs a
// placeholder, so that the checks of the rest of the file run.
func argBaseImage(doc *dockerfile.Document, perr *buildkitcheck.ParseError, opts BuildKitOptions) (BuildKitOptions, bool) {
	if !blankBase.MatchString(perr.Message) {
		return opts, false
	}
	args := maps.Clone(opts.BuildArgs)
	if args == nil {
		args = map[string]string{}
	}
	added := false
	for _, v := range doc.GlobalArgs {
		if _, set := args[v.Name]; !set && !v.HasValue {
			args[v.Name], added = "dockerfile-ls-placeholder", true
		}
	}
	opts.BuildArgs = args
	return opts, added
}

// experimentalChecks lists the experimental rules the file enables with
// "# check=experimental=Rule1,Rule2" (or "all"), as docker build does.
func experimentalChecks(doc *dockerfile.Document) map[string]bool {
	out := map[string]bool{}
	for _, d := range doc.Directives {
		if d.Name != "check" {
			continue
		}
		for _, part := range strings.Split(d.Value, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "experimental="); ok {
				for _, name := range strings.Split(v, ",") {
					out[strings.TrimSpace(name)] = true
				}
			}
		}
	}
	return out
}

// checkMessage is BuildKit's message, with its description when the message
// alone does not say what is wrong.
func checkMessage(c buildkitcheck.Check) string {
	if c.Message == "" || strings.EqualFold(c.Message, c.Description) {
		return c.Description
	}
	return c.Message
}

// didYouMean is BuildKit's suggestion for an unknown instruction. BuildKit
// picks among equally close instructions in map order, so the same file
// could get "did you mean arg?" once and "run?" the next time; we choose
// deterministically.
var didYouMean = regexp.MustCompile(` \(did you mean ([A-Za-z]+)\?\)$`)

// instructionNames are the Dockerfile instructions, for suggestions.
var instructionNames = []string{"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck",
	"label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir"}

func stableSuggestion(msg, keyword string) string {
	m := didYouMean.FindStringSubmatch(msg)
	if m == nil || !strings.HasPrefix(msg, "unknown instruction") {
		return msg // BuildKit's own suggestion for a flag ("did you mean chown?") stands
	}
	upper := m[1] == strings.ToUpper(m[1]) // BuildKit matches the typed casing
	typed := strings.ToLower(keyword)
	best, bestDist := "", 3 // BuildKit suggests within two edits
	for _, name := range instructionNames {
		d := editDistance(typed, name)
		// Ties: an instruction starting with the same letter reads as the
		// likelier typo; then alphabetical order.
		if d < bestDist || (d == bestDist && best != "" && name[0] == typed[0] && best[0] != typed[0]) {
			best, bestDist = name, d
		}
	}
	msg = didYouMean.ReplaceAllString(msg, "")
	if upper {
		best = strings.ToUpper(best)
	}
	if best != "" {
		msg += " (did you mean " + best + "?)"
	}
	return msg
}

// unknownFlag is BuildKit's error for a flag the instruction does not take,
// with its suggestion, which it also picks among ties in map order
// (--chwon: chown or chmod).
var unknownFlag = regexp.MustCompile(`^unknown flag: --([^ ]+) \(did you mean ([^ ]+)\?\)$`)

// instructionFlags are the flags BuildKit's parser takes, per instruction
// (frontend/dockerfile/instructions; TestInstructionFlags checks them).
var instructionFlags = map[string][]string{
	"ADD":         {"checksum", "chmod", "chown", "exclude", "keep-git-dir", "link", "unpack"},
	"COPY":        {"chmod", "chown", "exclude", "from", "link", "parents"},
	"FROM":        {"platform"},
	"HEALTHCHECK": {"interval", "retries", "start-interval", "start-period", "timeout"},
	"RUN":         {"device", "mount", "network", "security"},
}

// stableFlagSuggestion picks the flag to suggest deterministically: the
// fewest edits, a swap of two letters counting as one (--chwon is
// --chown), then alphabetical order.
func stableFlagSuggestion(msg, keyword string) string {
	m := unknownFlag.FindStringSubmatch(msg)
	flags := instructionFlags[keyword]
	if m == nil || len(flags) == 0 {
		return msg
	}
	best, bestKey := "", [2]int{3, 3}
	for _, f := range flags {
		key := [2]int{editDistance(m[1], f), swapDistance(m[1], f)}
		if key[0] < 3 && (key[0] < bestKey[0] || key[0] == bestKey[0] && key[1] < bestKey[1]) {
			best, bestKey = f, key
		}
	}
	if best == "" {
		return msg
	}
	return "unknown flag: --" + m[1] + " (did you mean " + best + "?)"
}

// swapDistance is the edit distance in which swapping two adjacent letters
// is one edit (optimal string alignment).
func swapDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
