package dockerfile

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/distribution/reference"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// User is the user an instruction runs as, and what is known of it.
type User struct {
	// Name is the user part of USER after expansion ("root" without
	// USER); it may be a number.
	Name string
	// Group is the group part after ':' ("" when none is written).
	Group string
	// UID and GID are the numeric ids when known: written as numbers,
	// created with -u/-g in an earlier RUN, or a base image's user.
	UID, GID string
	// Home is the home directory: ENV HOME, else the user's as created in
	// an earlier RUN, else a well-known user's of the base image, /root
	// for root; "" when it cannot be known (fixes should then refuse).
	Home string
	Root bool // runs as root (no USER, "root" or "0")
	// Known is false when the USER value depends on an unknown variable.
	Known bool
	Inst  *Instruction // the USER instruction in force; nil when none
	// src is Inst by place: the state keeps this and sets Inst when it
	// hands the user out, since later versions share its tables.
	src instRef
}

// instRef is an instruction by place: its stage and its index in the
// stage's Instructions, plus one (0: none).
type instRef struct{ stage, pos int32 }

func rootUser() User {
	return User{Name: "root", UID: "0", GID: "0", Home: "/root", Root: true, Known: true}
}

// User is the user the instruction runs as. For a USER instruction, the
// user it sets.
func (x InstState) User() User {
	if x.st == nil {
		return rootUser()
	}
	u := x.s.userTable(x.st).at(x.pos)
	if st, k := int(u.src.stage), int(u.src.pos)-1; k >= 0 && st < len(x.s.doc.Stages) && k < len(x.s.doc.Stages[st].Instructions) {
		u.Inst = x.s.doc.Stages[st].Instructions[k]
	}
	if home, ok := x.Lookup("HOME"); ok && home.Kind == EnvVar {
		u.Home = ""
		if home.Known {
			u.Home = home.Value
		}
	}
	return u
}

// userTable is a stage's users: the accounts its RUNs create and the user
// in force at each instruction, built when first asked.
type userTable struct {
	users  []User
	byPos  []int32 // by position in the stage: index in users
	known  accounts
	endIdx int
}

func (t *userTable) at(pos int) User { return t.users[t.byPos[pos]] }

// userTable is the table of the stage ss, built when first asked (its
// parent's first), or taken over from the state of an earlier version
// (see takeUsers).
func (s *BuildState) userTable(ss *stageState) *userTable {
	if t := s.users[ss.index].Load(); t != nil {
		return t
	}
	s.usersTaken.Do(s.takeUsers)
	s.usersOnce[ss.index].Do(func() { s.users[ss.index].CompareAndSwap(nil, s.buildUsers(ss)) })
	return s.users[ss.index].Load()
}

// priorUsers are the user tables of the state this one took its stages
// over from (see carry), and the RUNs that changed since, in pairs (that
// version's, this one's).
type priorUsers struct {
	tables  []*userTable
	changed [][2]*Instruction
}

// changedBy is p after an instruction changed from o to in: nil when the
// tables cannot hold (a USER changed), else with a changed RUN recorded.
func (p *priorUsers) changedBy(o, in *Instruction) *priorUsers {
	switch {
	case p == nil || o.Keyword == "USER" || in.Keyword == "USER":
		return nil
	case o.Keyword == "RUN" || in.Keyword == "RUN":
		p.changed = append(p.changed, [2]*Instruction{o, in})
	}
	return p
}

// hold reports whether the prior tables hold for d, the version the
// changes recorded lead to: no changed RUN creates an account, or created
// one.
func (p *priorUsers) hold(d *Document) bool {
	for _, c := range p.changed {
		if createsAccounts(c[0], nil) || createsAccounts(c[1], d) {
			return false
		}
	}
	return true
}

// takeUsers takes the prior state's user tables over if no changed RUN
// creates an account, or created one: then they hold for this version.
// Asking the RUNs' scripts waits for a table to be asked for, as the
// scripts read the state (the SHELL in force).
func (s *BuildState) takeUsers() {
	p := s.priorUsers
	s.priorUsers = nil
	if p == nil || !p.hold(s.doc) {
		return
	}
	for i, t := range p.tables {
		if t != nil {
			s.users[i].Store(t)
		}
	}
}

// createsAccounts reports whether a RUN creates users or groups, or may:
// of an earlier version (d nil), unless its memo holds its script and
// that has no account command; of d, unless its script has none.
func createsAccounts(in *Instruction, d *Document) bool {
	if in.Keyword != "RUN" {
		return false
	}
	if d == nil {
		script := in.memo.script.Load()
		return script == nil || script == noScript || slices.ContainsFunc(script.Commands, isAccountCommand)
	}
	script := d.Script(in)
	return script != nil && len(accountCommands(in, script)) > 0
}

// accounts are the users and groups created by earlier RUNs. A stage
// shares its parent's maps until one of its RUNs creates an account
// (see own): most create none.
type accounts struct {
	users  map[string]account // by name
	groups map[string]string  // group name → gid ("" when not given)
	owned  bool
}

type account struct{ uid, gid, home string }

// own gives a maps of its own, copies of the ones it shares.
func (a *accounts) own() {
	if a.owned {
		return
	}
	users, groups := make(map[string]account, len(a.users)+1), make(map[string]string, len(a.groups)+1)
	maps.Copy(users, a.users)
	maps.Copy(groups, a.groups)
	*a = accounts{users: users, groups: groups, owned: true}
}

// buildUsers is the user table of the stage ss.
func (s *BuildState) buildUsers(ss *stageState) *userTable {
	st := s.doc.Stages[ss.index]
	t := &userTable{byPos: make([]int32, len(st.Instructions))}
	cur := rootUser()
	if p := ss.parent; p != nil {
		pt := s.userTable(p)
		cur, t.known = pt.users[pt.endIdx], accounts{users: pt.known.users, groups: pt.known.groups}
	}
	t.users = append(make([]User, 0, 1+countKeyword(st, "USER")), cur)
	for k, in := range st.Instructions {
		x := InstState{s: s, in: in, idx: -1, st: ss, pos: k}
		switch in.Keyword {
		case "RUN":
			t.known.learn(x)
		case "USER":
			t.users = append(t.users, t.known.resolve(x, s.imageOf(ss)))
		}
		t.byPos[k] = int32(len(t.users) - 1)
	}
	t.endIdx = len(t.users) - 1
	return t
}

// imageOf is the image a stage's FROM chain starts from.
func (s *BuildState) imageOf(ss *stageState) Expansion {
	img, _ := s.StageImage(s.doc.Stages[ss.index])
	return img
}

// resolve is the user a USER instruction sets, in a stage whose FROM
// chain starts from image.
func (a accounts) resolve(x InstState, image Expansion) User {
	args := x.Args()
	if len(args) == 0 {
		return rootUser()
	}
	v := args[0]
	name, group, _ := strings.Cut(v.Text, ":")
	u := User{Name: name, Group: group, Known: v.Known, src: instRef{int32(x.in.Stage), int32(x.pos) + 1}}
	if !v.Known {
		return u
	}
	acct, found := a.users[name]
	if isNumber(name) {
		u.UID = name
		acct, found = a.byUID(name)
	}
	switch {
	case name == "root" || name == "0":
		u.Root, u.UID, u.GID, u.Home = true, "0", "0", "/root"
	case found:
		u.UID, u.GID, u.Home = acct.uid, acct.gid, acct.home
	default:
		if w, ok := wellKnownUser(baseRepo(image), name); ok {
			u.UID, u.GID, u.Home = w.UID, w.GID, w.Home
		}
	}
	switch {
	case isNumber(group):
		u.GID = group
	case group != "":
		u.GID = a.groups[group]
	}
	return u
}

func (a accounts) byUID(uid string) (account, bool) {
	for _, acct := range a.users {
		if acct.uid == uid {
			return acct, true
		}
	}
	return account{}, false
}

// learn records the users and groups a RUN creates.
func (a *accounts) learn(x InstState) {
	script := x.s.doc.Script(x.in)
	if script == nil {
		return
	}
	for _, c := range accountCommands(x.in, script) {
		valued := accountTools[c.Name()]
		words := make([]string, 0, len(c.Args))
		for _, w := range c.Args[1:] {
			words = append(words, x.shellWord(w))
		}
		o := getopt(words, valued)
		a.own()
		switch c.Name() {
		case "useradd":
			a.useradd(o)
		case "adduser":
			a.adduser(o)
		default:
			a.addgroup(o)
		}
	}
}

// accountsKey memoises a RUN's accountCommands on the instruction.
type accountsKey struct{}

// accountCommands are the commands of a RUN's script that create users
// or groups: nearly always none, and every version of the document asks.
// Those are memoised; none is found again, by a look at each command's
// name, rather than kept in a memo of every RUN of every open document.
func accountCommands(in *Instruction, script *shell.Script) []shell.Command {
	if !slices.ContainsFunc(script.Commands, isAccountCommand) {
		return nil
	}
	return in.Derive(accountsKey{}, func() any {
		var out []shell.Command
		for _, c := range script.Commands {
			if isAccountCommand(c) {
				out = append(out, c)
			}
		}
		return out
	}).([]shell.Command)
}

func isAccountCommand(c shell.Command) bool {
	_, ok := accountTools[c.Name()]
	return ok
}

// shellWord is a shell word's value, with variables the RUN's
// environment gives (its ARGs and ENVs) expanded; "" when unknown.
func (x InstState) shellWord(w shell.Word) string {
	if !w.Dynamic {
		return w.Value
	}
	if e := x.Expand(w.Raw); e.Known {
		return e.Text
	}
	return ""
}

// The options that take a value, short and long, of the account tools
// (shadow's useradd and groupadd, Debian's adduser and addgroup, BusyBox's).
var (
	useraddValued = optionSet("-b -c -d -e -f -g -G -k -K -p -s -u -R -P -Z --base-dir --comment --home-dir --expiredate --inactive --gid --groups --skel --key --password --shell --uid --root --prefix --selinux-user")
	adduserValued = optionSet("-h -g -s -G -u -k --home --shell --uid --firstuid --lastuid --gecos --comment --ingroup --gid --conf --firstgid --lastgid")
	groupValued   = optionSet("-g -K -p -R -P --gid --key --password --root --prefix --conf --firstgid --lastgid")
)

// accountTools are the commands that create users and groups, with the
// options of each that take a value.
var accountTools = map[string]map[string]bool{
	"useradd": useraddValued, "adduser": adduserValued, "addgroup": groupValued, "groupadd": groupValued,
}

func optionSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, o := range strings.Fields(s) {
		out[o] = true
	}
	return out
}

// options are a command's options (by their spelling, "-u" or "--uid";
// "" for one without value) and its operands.
type options struct {
	opts     map[string]string
	operands []string
	long     bool // some option is long (--name): Debian's adduser/addgroup
}

func (o options) get(names ...string) (string, bool) {
	for _, n := range names {
		if v, ok := o.opts[n]; ok {
			return v, true
		}
	}
	return "", false
}

// getopt reads words as getopt_long does: short options may be grouped
// ("-ms /bin/bash") and take their value attached or from the next word,
// long ones as "--name=value" or "--name value"; "--" ends the options.
func getopt(words []string, valued map[string]bool) options {
	o := options{opts: map[string]string{}}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			o.operands = append(o.operands, words[i+1:]...)
			return o
		case strings.HasPrefix(w, "--"):
			o.long = true
			name, val, has := strings.Cut(w, "=")
			if !has && valued[name] && i+1 < len(words) {
				i++
				val = words[i]
			}
			o.opts[name] = val
		case strings.HasPrefix(w, "-") && len(w) > 1:
			i = o.shortGroup(words, i, valued)
		default:
			o.operands = append(o.operands, w)
		}
	}
	return o
}

// shortGroup reads the short options of words[i]; it returns the index of
// the last word it used.
func (o options) shortGroup(words []string, i int, valued map[string]bool) int {
	w := words[i]
	for j := 1; j < len(w); j++ {
		name := "-" + w[j:j+1]
		if !valued[name] {
			o.opts[name] = ""
			continue
		}
		switch {
		case j+1 < len(w):
			o.opts[name] = w[j+1:]
		case i+1 < len(words):
			i++
			o.opts[name] = words[i]
		}
		break
	}
	return i
}

func (a accounts) useradd(o options) {
	if len(o.operands) == 0 {
		return
	}
	name := o.operands[len(o.operands)-1]
	acct := account{}
	acct.uid, _ = o.get("-u", "--uid")
	if g, ok := o.get("-g", "--gid"); ok {
		acct.gid = a.gidOf(g)
	}
	base, ok := o.get("-b", "--base-dir")
	if !ok {
		base = "/home"
	}
	acct.home = path.Join(base, name)
	if d, ok := o.get("-d", "--home-dir"); ok {
		acct.home = d
	}
	a.add(name, acct)
}

// adduser: Debian's (long options; `adduser USER GROUP` adds to a group;
// a --system user without --home has no home to count on) or BusyBox's
// (`adduser [-h DIR] [-u UID] [-G GROUP] USER [GROUP]`).
func (a accounts) adduser(o options) {
	if len(o.operands) == 0 || (o.long && len(o.operands) > 1) {
		return
	}
	name := o.operands[0]
	acct := account{home: path.Join("/home", name)}
	acct.uid, _ = o.get("-u", "--uid")
	if g, ok := o.get("--gid", "--ingroup", "-G"); ok {
		acct.gid = a.gidOf(g)
	} else if len(o.operands) > 1 {
		acct.gid = a.gidOf(o.operands[1])
	}
	_, system := o.get("--system")
	if h, ok := o.get("-h", "--home"); ok {
		acct.home = h
	} else if system {
		acct.home = ""
	}
	a.add(name, acct)
}

func (a accounts) addgroup(o options) {
	if len(o.operands) != 1 {
		return // none, or `addgroup USER GROUP`: an existing user joins a group
	}
	gid, _ := o.get("-g", "--gid")
	if !isNumber(gid) {
		gid = ""
	}
	a.groups[o.operands[0]] = gid
}

// add records an account; a value that is not a plain path or number
// (an unknown variable) is left unknown.
func (a accounts) add(name string, acct account) {
	if name == "" || strings.HasPrefix(name, "-") {
		return
	}
	if !isNumber(acct.uid) {
		acct.uid = ""
	}
	if !path.IsAbs(acct.home) {
		acct.home = ""
	}
	acct.home = cleanOrEmpty(acct.home)
	a.users[name] = acct
}

func (a accounts) gidOf(group string) string {
	if isNumber(group) {
		return group
	}
	return a.groups[group]
}

func cleanOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	return path.Clean(p)
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// baseRepo is the familiar repository name of an image reference
// ("node", "gcr.io/distroless/nodejs22-debian12"), "" when unknown.
func baseRepo(ref Expansion) string {
	if !ref.Known {
		return ""
	}
	named, err := reference.ParseNormalizedNamed(ref.Text)
	if err != nil {
		return ""
	}
	return reference.FamiliarName(named)
}

// WellKnownUser is a user an official base image creates.
type WellKnownUser struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
	GID  string `json:"gid"`
	Home string `json:"home"`
}

//go:embed users.json
var usersJSON []byte

var loadUsers = sync.OnceValue(func() []struct {
	Repo  string          `json:"repo"`
	Users []WellKnownUser `json:"users"`
} {
	var table struct {
		About  string `json:"about"`
		Images []struct {
			Repo  string          `json:"repo"`
			Users []WellKnownUser `json:"users"`
		} `json:"images"`
	}
	dec := json.NewDecoder(bytes.NewReader(usersJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&table); err != nil {
		panic("dockerfile: users.json: " + err.Error())
	}
	return table.Images
})

// wellKnownUser finds a user (by name or uid) that the image repo creates.
func wellKnownUser(repo, user string) (WellKnownUser, bool) {
	if repo == "" {
		return WellKnownUser{}, false
	}
	for _, img := range loadUsers() {
		if img.Repo != repo && !(strings.HasSuffix(img.Repo, "/") && strings.HasPrefix(repo, img.Repo)) {
			continue
		}
		for _, u := range img.Users {
			if u.Name == user || u.UID == user {
				return u, true
			}
		}
	}
	return WellKnownUser{}, false
}
