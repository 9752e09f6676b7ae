package features

import (
	_ "embed"
	"encoding/json"
	"strings"
)

// The reference data (instruction and flag docs, signatures, mount keys,
// directives, BuildKit's automatic build args) lives in data.json, so that
// adding a flag or fixing a doc string touches no code.
//
//go:embed data.json
var dataJSON []byte

type catalog struct {
	DocsBase     string            `json:"docsBase"`
	Instructions []instructionData `json:"instructions"`
	Flags        []flagData        `json:"flags"`
	MountTypes   []mountTypeData   `json:"mountTypes"`
	MountKeys    []mountKeyData    `json:"mountKeys"`
	Directives   []directiveData   `json:"directives"`
	CheckRules   []string          `json:"checkRules"`
	AutoArgs     []autoArgData     `json:"autoArgs"`
	Signals      []string          `json:"signals"`

	instByName  map[string]*instructionData
	flagByKey   map[string]*flagData // "COPY from"
	mountType   map[string]*mountTypeData
	mountKey    map[string]*mountKeyData // canonical names and aliases
	directive   map[string]*directiveData
	autoArgByNm map[string]*autoArgData
}

type instructionData struct {
	Name          string          `json:"name"`
	Anchor        string          `json:"anchor"`
	Summary       string          `json:"summary"`
	Snippet       string          `json:"snippet"`
	ExtraSnippets []extraSnippet  `json:"extraSnippets"`
	Flags         []string        `json:"flags"`
	Deprecated    bool            `json:"deprecated"`
	Signatures    []signatureData `json:"signatures"`
}

type extraSnippet struct {
	Label   string `json:"label"`
	Snippet string `json:"snippet"`
}

type signatureData struct {
	Label  string      `json:"label"`
	JSON   bool        `json:"json"`
	Params []paramData `json:"params"`
}

// paramData is one parameter of a signature: a flag, or positional
// argument slots (Pos; -1 means the last argument).
type paramData struct {
	Label    string `json:"label"`
	Flag     string `json:"flag"`
	Pos      []int  `json:"pos"`
	Variadic bool   `json:"variadic"`
	Doc      string `json:"doc"`
}

type flagData struct {
	Name   string   `json:"name"`
	On     []string `json:"on"`
	Anchor string   `json:"anchor"`
	Value  string   `json:"value"`
	Doc    string   `json:"doc"`
	Values []string `json:"values"`
	Bool   bool     `json:"bool"`
}

type mountTypeData struct {
	Name   string   `json:"name"`
	Anchor string   `json:"anchor"`
	Doc    string   `json:"doc"`
	Keys   []string `json:"keys"`
}

type mountKeyData struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Doc     string   `json:"doc"`
	Values  []string `json:"values"`
	Bool    bool     `json:"bool"`
}

type directiveData struct {
	Name   string   `json:"name"`
	Anchor string   `json:"anchor"`
	Doc    string   `json:"doc"`
	Values []string `json:"values"`
}

type autoArgData struct {
	Name     string `json:"name"`
	Platform bool   `json:"platform"`
	Doc      string `json:"doc"`
}

var data = loadCatalog()

func loadCatalog() *catalog {
	c := &catalog{}
	if err := json.Unmarshal(dataJSON, c); err != nil {
		panic("features: bad data.json: " + err.Error())
	}
	c.instByName = map[string]*instructionData{}
	for i := range c.Instructions {
		c.instByName[c.Instructions[i].Name] = &c.Instructions[i]
	}
	c.flagByKey = map[string]*flagData{}
	for i := range c.Flags {
		for _, on := range c.Flags[i].On {
			c.flagByKey[on+" "+c.Flags[i].Name] = &c.Flags[i]
		}
	}
	c.mountType = map[string]*mountTypeData{}
	for i := range c.MountTypes {
		c.mountType[c.MountTypes[i].Name] = &c.MountTypes[i]
	}
	c.mountKey = map[string]*mountKeyData{}
	for i := range c.MountKeys {
		k := &c.MountKeys[i]
		c.mountKey[k.Name] = k
		for _, a := range k.Aliases {
			c.mountKey[a] = k
		}
	}
	c.directive = map[string]*directiveData{}
	for i := range c.Directives {
		c.directive[c.Directives[i].Name] = &c.Directives[i]
	}
	c.autoArgByNm = map[string]*autoArgData{}
	for i := range c.AutoArgs {
		c.autoArgByNm[c.AutoArgs[i].Name] = &c.AutoArgs[i]
	}
	return c
}

func (c *catalog) instruction(keyword string) *instructionData {
	return c.instByName[strings.ToUpper(keyword)]
}

func (c *catalog) flag(keyword, name string) *flagData {
	return c.flagByKey[strings.ToUpper(keyword)+" "+strings.ToLower(name)]
}

// docsURL is the reference page anchor for an instruction, flag or directive.
func (c *catalog) docsURL(anchor string) string { return c.DocsBase + "#" + anchor }

// platformArg reports whether name is one of BuildKit's automatic platform
// ARGs (TARGETPLATFORM, BUILDARCH, ...).
func platformArg(name string) bool {
	a := data.autoArgByNm[name]
	return a != nil && a.Platform
}
