package diagnostics

import (
	"slices"
	"testing"
)

func TestRedirectTargets(t *testing.T) {
	for script, want := range map[string][]string{
		`echo hi > out`:                        {"out"},
		`echo "a > b" >>'my file' 2>&1`:        {"my file"},
		`cat < ./setup.sh | bash -`:            {"./setup.sh"},
		`make &> build.log; cmd 2>/dev/null`:   {"build.log", "/dev/null"},
		`cat <<EOF > /etc/x.conf`:              {"/etc/x.conf"},
		`grep -q x <<< "$v" && echo \> no`:     nil,
		`npm ci >/dev/null 2>&1 && echo 'a<b'`: {"/dev/null"},
	} {
		if got := redirectTargets(script); !slices.Equal(got, want) {
			t.Errorf("redirectTargets(%q) = %q, want %q", script, got, want)
		}
	}
}
