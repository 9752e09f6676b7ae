package features

import "testing"

func TestSignatureHelp(t *testing.T) {
	const copySig = "COPY [--from=<image|stage|context>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<path>] <src>... <dest>"
	for _, tc := range []struct{ name, src, sig, param string }{
		{"COPY first source", "FROM a\nCOPY |", copySig, "<src>..."},
		{"COPY flag", "FROM a\nCOPY --ch|", copySig, "[--chown=<user>:<group>]"},
		{"COPY flag value", "FROM a\nCOPY --chmod=07|", copySig, "[--chmod=<perms>]"},
		{"COPY dest", "FROM a\nCOPY --chown=a:b src |", copySig, "<dest>"},
		{"COPY middle source", "FROM a\nCOPY a | c /d", copySig, "<src>..."},
		{"COPY exec form", "FROM a\nCOPY [\"a\", |\"b\", \"c\"]", "COPY [--from=<image|stage|context>] [--chown=<user>:<group>] [--chmod=<perms>] [\"<src>\", ... \"<dest>\"]", "\"<src>\", ..."},
		{"COPY exec form dest", "FROM a\nCOPY [\"a\", |", "COPY [--from=<image|stage|context>] [--chown=<user>:<group>] [--chmod=<perms>] [\"<src>\", ... \"<dest>\"]", "\"<dest>\""},
		{"FROM image", "FROM |", "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]", "<image>[:<tag>|@<digest>]"},
		{"FROM AS", "FROM a AS |", "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]", "[AS <name>]"},
		{"FROM platform", "FROM --platform=|", "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]", "[--platform=<platform>]"},
		{"RUN command", "FROM a\nRUN apt-get |", "RUN [--mount=<mount>] [--network=<network>] [--security=<security>] <command>", "<command>"},
		{"RUN exec", "FROM a\nRUN [\"a\", |", "RUN [--mount=<mount>] [--network=<network>] [\"<executable>\", \"<param>\", ...]", "\"<param>\", ..."},
		{"RUN network", "FROM a\nRUN --netw|", "RUN [--mount=<mount>] [--network=<network>] [--security=<security>] <command>", "[--network=<network>]"},
		{"cache mount", "FROM a\nRUN --mount=type=cache,sh|", "--mount=type=cache,target=<target>,id=<id>,sharing=shared|private|locked,from=<from>,source=<source>,mode=<mode>,uid=<uid>,gid=<gid>,ro", "sharing=shared|private|locked"},
		{"secret mount", "FROM a\nRUN --mount=type=secret,id=npm,env=|", "--mount=type=secret,id=<id>,target=<target>,env=<env>,required=true|false,mode=<mode>,uid=<uid>,gid=<gid>", "env=<env>"},
		{"bind mount by default", "FROM a\nRUN --mount=dst|", "--mount=type=bind,target=<target>,source=<source>,from=<from>,rw", "target=<target>"},
		{"CMD exec", "FROM a\nCMD [|", "CMD [\"<executable>\", \"<param>\", ...]", "\"<executable>\""},
		{"CMD shell", "FROM a\nCMD echo |", "CMD <command>", "<command>"},
		{"HEALTHCHECK NONE", "FROM a\nHEALTHCHECK NONE|", "HEALTHCHECK NONE", "NONE"},
		{"HEALTHCHECK CMD", "FROM a\nHEALTHCHECK --retries=3 CMD |", "HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>", "<command>"},
		{"ENV second pair", "FROM a\nENV A=1 |", "ENV <key>=<value> [<key>=<value>...]", "[<key>=<value>...]"},
		{"ONBUILD inner", "FROM a\nONBUILD WORKDIR |", "WORKDIR <path>", "<path>"},
		{"keyword alone", "FROM a\nUSER|", "USER <user>[:<group>]", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, off := withCursor(tc.src)
			h, ok := SignatureHelpAt(doc, off)
			if tc.name == "keyword alone" {
				if ok {
					t.Errorf("signature help while typing the keyword: %+v", h)
				}
				return
			}
			if !ok {
				t.Fatal("no signature help")
			}
			sig := h.Signatures[h.Active]
			param := ""
			if h.ActiveParam >= 0 {
				p := sig.Params[h.ActiveParam]
				param = sig.Label[p.Start:p.End]
			}
			if sig.Label != tc.sig || param != tc.param {
				t.Errorf("got  %s -> %q\nwant %s -> %q", sig.Label, param, tc.sig, tc.param)
			}
		})
	}
	doc, off := withCursor("FROM a\n# COPY |")
	if _, ok := SignatureHelpAt(doc, off); ok {
		t.Error("signature help in a comment")
	}
}
