package pkgmgr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// describe writes an invocation as "manager action [pkgs=a,b] [files=x] [project]".
func describe(inv Invocation) string {
	s := inv.Manager.Name + " " + inv.Action
	if len(inv.Packages) > 0 {
		s += " pkgs=" + strings.Join(inv.Packages, ",")
	}
	if len(inv.Files) > 0 {
		s += " files=" + strings.Join(inv.Files, ",")
	}
	if inv.InstallsProject {
		s += " project"
	}
	return s
}

func classifyAll(t *testing.T, run string) []Invocation {
	t.Helper()
	s, err := shell.Parse(run)
	if err != nil {
		t.Fatalf("Parse(%q): %v", run, err)
	}
	var out []Invocation
	for _, c := range s.Commands {
		if inv, ok := Classify(c); ok {
			out = append(out, inv)
		}
	}
	return out
}

func TestClassify(t *testing.T) {
	tests := []struct {
		run  string
		want []string
	}{
		// System managers.
		{"apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
			[]string{"apt update", "apt install pkgs=curl", "apt clean files=/var/lib/apt/lists/*"}},
		{"apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -yq install --no-install-recommends -o Dpkg::Options::=--force-confold tzdata",
			[]string{"apt update", "apt install pkgs=tzdata"}},
		{"sudo apt-get install -y git && sudo apt-get clean", []string{"apt install pkgs=git", "apt clean"}},
		{"apt install -y ./google-chrome.deb", []string{"apt install project"}},
		{"apt-get purge -y --auto-remove gcc && apt-get autoremove -y", []string{"apt remove pkgs=gcc", "apt remove"}},
		{"apt-get install -y $PACKAGES", []string{"apt install pkgs=$PACKAGES"}},
		{"set -eux; apk add --no-cache git", []string{"apk install pkgs=git"}},
		{"apk --update add --virtual build-dependencies build-base && apk del build-dependencies",
			[]string{"apk install pkgs=build-base", "apk remove pkgs=build-dependencies"}},
		{"apk update && apk upgrade && rm -rf /var/cache/apk/*", []string{"apk update", "apk install", "apk clean files=/var/cache/apk/*"}},
		{"yum install -y httpd && yum clean all && rm -rf /var/cache/yum", []string{"yum install pkgs=httpd", "yum clean", "yum clean files=/var/cache/yum"}},
		{"dnf -y install --setopt=install_weak_deps=False python3 && dnf clean all", []string{"dnf install pkgs=python3", "dnf clean"}},
		{"microdnf install -y tar gzip && microdnf clean all", []string{"microdnf install pkgs=tar,gzip", "microdnf clean"}},
		{"zypper --non-interactive install --no-recommends curl && zypper clean -a", []string{"zypper install pkgs=curl", "zypper clean"}},
		{"zypper -n ref && zypper -n in vim", []string{"zypper update", "zypper install pkgs=vim"}},
		// Python.
		{"pip install --no-cache-dir -r requirements.txt", []string{"pip install files=requirements.txt"}},
		{"pip3 install -r requirements.txt -c constraints.txt", []string{"pip install files=requirements.txt,constraints.txt"}},
		{"python -m pip install -e .", []string{"pip install project"}},
		{"python3 -m pip install --user -r /tmp/requirements.txt", []string{"pip install files=/tmp/requirements.txt"}},
		{"/usr/local/bin/pip3.9 install flask==2.0 'gunicorn>=20'", []string{"pip install pkgs=flask==2.0,gunicorn>=20"}},
		{"pip install --upgrade pip setuptools wheel", []string{"pip install pkgs=pip,setuptools,wheel"}},
		{"pip install .", []string{"pip install project"}},
		{"pip install -e git+https://github.com/x/y.git#egg=y", []string{"pip install"}},
		{"pip install /tmp/wheels/*.whl", []string{"pip install project"}},
		{"pip install src/mylib", []string{"pip install project"}},
		{"pip install -e '.[test]' && pip install '.[docs]'", []string{"pip install project", "pip install project"}},
		{"pip install 'celery[redis]'", []string{"pip install pkgs=celery[redis]"}},
		{"pip install -qr requirements.txt", []string{"pip install files=requirements.txt"}},
		{"pip wheel --wheel-dir=/wheels -r requirements.txt", []string{"pip build files=requirements.txt"}},
		{"pip --no-cache-dir install -U pip", []string{"pip install pkgs=pip"}},
		{"pip cache purge && rm -rf /root/.cache/pip", []string{"pip clean", "pip clean files=/root/.cache/pip"}},
		{"cat requirements.txt | xargs -n 1 pip3 install", []string{"pip install"}},
		{"uv pip install --system -r requirements.txt", []string{"uv install files=requirements.txt"}},
		{"uv sync --frozen --no-install-project", []string{"uv install"}},
		{"uv sync --frozen", []string{"uv install project"}},
		{"uv pip sync requirements.lock", []string{"uv install files=requirements.lock"}},
		{"poetry install --no-root --no-interaction --only main", []string{"poetry install"}},
		{"poetry install", []string{"poetry install project"}},
		{"poetry config virtualenvs.create false && poetry install --no-dev", []string{"poetry install project"}},
		{"pipenv install --system --deploy", []string{"pipenv install"}},
		{"pipenv install -e .", []string{"pipenv install project"}},
		// Node.
		{"npm ci --omit=dev", []string{"npm install"}},
		{"sh -c 'npm install'", []string{"npm install"}},
		{"npm install -g @angular/cli@15", []string{"npm install pkgs=@angular/cli@15"}},
		{"npm install ./vendor/lib", []string{"npm install project"}},
		{"npm run build && npm prune --production", []string{"npm build project", "npm remove"}},
		{"npm cache clean --force", []string{"npm clean"}},
		{"cd /app && yarn install --frozen-lockfile", []string{"yarn install"}},
		{"yarn --frozen-lockfile && yarn build", []string{"yarn install", "yarn build project"}},
		{"yarn --cwd /app install --production", []string{"yarn install"}},
		{"yarn global add serve && yarn cache clean", []string{"yarn install pkgs=serve", "yarn clean"}},
		{"yarn start", nil},
		{"pnpm fetch --prod && pnpm install -r --offline --prod", []string{"pnpm download", "pnpm install"}},
		{"corepack enable && pnpm install --frozen-lockfile", []string{"pnpm install"}},
		// Go.
		{"go mod download && CGO_ENABLED=0 GOOS=linux go build -ldflags '-s -w' -o /bin/app ./cmd/app",
			[]string{"go download", "go build project"}},
		{"go install github.com/go-delve/delve/cmd/dlv@latest", []string{"go install pkgs=github.com/go-delve/delve/cmd/dlv@latest"}},
		{"go install -v ./...", []string{"go install project"}},
		{"go get -d -v ./... && go install -v", []string{"go install project", "go install project"}},
		// Rust.
		{"cargo build --release --locked", []string{"cargo build project"}},
		{"cargo fetch", []string{"cargo download"}},
		{"cargo install --path .", []string{"cargo install project"}},
		{"cargo install ripgrep --version 13.0.0", []string{"cargo install pkgs=ripgrep"}},
		{"cargo chef cook --release --recipe-path recipe.json", []string{"cargo build files=recipe.json"}},
		// Ruby, PHP.
		{"bundle install --jobs 4 --retry 3", []string{"bundler install"}},
		{"bundle config set --local without 'development test' && bundle install", []string{"bundler install"}},
		{"gem install bundler -v 2.3.5 --no-document", []string{"gem install pkgs=bundler"}},
		{"gem build app.gemspec", []string{"gem build files=app.gemspec project"}},
		{"composer install --no-dev --no-scripts --no-autoloader", []string{"composer install"}},
		{"php composer.phar install && composer dump-autoload --optimize", []string{"composer install", "composer build project"}},
		{"composer global require laravel/installer", []string{"composer install pkgs=laravel/installer"}},
		// JVM, .NET.
		{"mvn dependency:go-offline -B", []string{"maven download"}},
		{"mvn -B -f pom.xml clean package -DskipTests", []string{"maven build files=pom.xml project"}},
		{"./mvnw clean", []string{"maven clean"}},
		{"gradle build --no-daemon", []string{"gradle build project"}},
		{"./gradlew clean bootJar -x test", []string{"gradle build project"}},
		{"./gradlew :app:shadowJar", []string{"gradle build project"}},
		{"gradle dependencies --no-daemon", []string{"gradle download"}},
		{"./gradlew --version", nil},
		{`dotnet restore "src/App/App.csproj"`, []string{"dotnet download files=src/App/App.csproj"}},
		{"dotnet restore --configfile NuGet.config", []string{"dotnet download files=NuGet.config"}},
		{"dotnet publish -c Release -o /app --no-restore", []string{"dotnet build project"}},
		{"dotnet tool install -g dotnet-ef", []string{"dotnet install pkgs=dotnet-ef"}},
		// Not package managers.
		{"echo apt-get install x", nil},
		{"rm -rf /tmp/* /var/tmp/*", nil},
		{"python manage.py collectstatic", nil},
		{"pip --version", nil},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			var got []string
			for _, inv := range classifyAll(t, tt.run) {
				got = append(got, describe(inv))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func TestHasFlag(t *testing.T) {
	tests := []struct {
		run     string
		has     []string
		hasNot  []string
		noCache bool
	}{
		{"apt-get -yq install --no-install-recommends curl", []string{"-y", "-q", "--no-install-recommends"}, []string{"--yes"}, false},
		{"npm ci --omit dev", []string{"--omit", "--omit=dev", "--omit=DEV"}, []string{"--omit=optional"}, false},
		{"npm ci --omit=dev", []string{"--omit=dev"}, nil, false},
		{"dnf install -y --setopt=install_weak_deps=False x", []string{"--setopt=install_weak_deps=False"}, []string{"--nodocs"}, false},
		{"pip install --no-cache-dir x", []string{"--no-cache-dir"}, nil, true},
		{"PIP_NO_CACHE_DIR=1 pip install x", nil, []string{"--no-cache-dir"}, true},
		{"PIP_NO_CACHE_DIR=0 pip install x", nil, nil, false},
		{"env PIP_NO_CACHE_DIR=true pip install x", nil, nil, true},
		{"apk add --no-cache git", []string{"--no-cache"}, nil, true},
		{"uv pip install --no-cache x", nil, nil, true},
		{"UV_NO_CACHE=1 uv sync", nil, nil, true},
		{"poetry install --no-cache", nil, nil, true},
		{"composer install --no-cache", nil, nil, true},
		{"pip install x", nil, nil, false},
		{"go build -ldflags=-s -o app .", []string{"-ldflags", "-o=app"}, nil, false},
		{"mvn -DskipTests package", []string{"-DskipTests"}, nil, false},
	}
	for _, tt := range tests {
		invs := classifyAll(t, tt.run)
		if len(invs) != 1 {
			t.Fatalf("%q: %d invocations", tt.run, len(invs))
		}
		inv := invs[0]
		for _, f := range tt.has {
			if !inv.HasFlag(f) {
				t.Errorf("%q: HasFlag(%q) = false, flags %v", tt.run, f, inv.Flags)
			}
		}
		for _, f := range tt.hasNot {
			if inv.HasFlag(f) {
				t.Errorf("%q: HasFlag(%q) = true", tt.run, f)
			}
		}
		if got := inv.NoCache(); got != tt.noCache {
			t.Errorf("%q: NoCache() = %v, want %v", tt.run, got, tt.noCache)
		}
	}
}

func TestSizeAndRefreshFlags(t *testing.T) {
	inv := classifyAll(t, "apt-get install -y --no-install-recommends curl")[0]
	if !inv.HasFlag(inv.Manager.SizeFlags...) {
		t.Error("apt --no-install-recommends not seen as a size flag")
	}
	inv = classifyAll(t, "npm ci --omit dev")[0]
	if !inv.HasFlag(inv.Manager.SizeFlags...) {
		t.Error("npm --omit dev not seen as a size flag")
	}
	inv = classifyAll(t, "apk --update add curl")[0]
	if !inv.HasFlag(inv.Manager.RefreshFlags...) {
		t.Error("apk --update not seen as refreshing the index")
	}
}

func TestSubEnd(t *testing.T) {
	tests := []struct{ run, before string }{
		{"pip install x", "pip install"},
		{"apt-get -y install curl", "apt-get -y install"},
		{"python3 -m pip install x", "python3 -m pip install"},
		{"go mod download", "go mod download"},
		{"yarn", "yarn"},
		{"mvn -B package", "mvn"},
		{"sh -c 'npm ci'", "sh -c 'npm ci"},
	}
	for _, tt := range tests {
		invs := classifyAll(t, tt.run)
		if len(invs) != 1 {
			t.Fatalf("%q: %d invocations", tt.run, len(invs))
		}
		if got := tt.run[:invs[0].SubEnd]; got != tt.before {
			t.Errorf("%q: flags go after %q, want after %q", tt.run, got, tt.before)
		}
	}
}

func TestClassifyExecForm(t *testing.T) {
	s := shell.ParseExec([]string{"/bin/sh", "-c", "pip install -r requirements.txt"})
	var got []string
	for _, c := range s.Commands {
		if inv, ok := Classify(c); ok {
			got = append(got, describe(inv))
			if inv.SubEnd != -1 {
				t.Errorf("exec form SubEnd = %d, want -1", inv.SubEnd)
			}
		}
	}
	if fmt.Sprint(got) != "[pip install files=requirements.txt]" {
		t.Errorf("got %q", got)
	}
}

func TestCleansPath(t *testing.T) {
	tests := []struct {
		manager, path string
		want          bool
	}{
		{"apt", "/var/lib/apt/lists/*", true},
		{"apt", "/var/lib/apt/lists", true},
		{"apt", "/var/cache/apt/archives/*.deb", true},
		{"apt", "/var/lib/dpkg", false},
		{"apk", "/var/cache/apk/*", true},
		{"pip", "/root/.cache/pip", true},
		{"pip", "/root/.cache", true},
		{"pip", "~/.cache/pip", true},
		{"pip", "$HOME/.cache", true},
		{"pip", `"${HOME}/.cache/pip"`, true},
		{"pip", "/tmp/*", false},
		{"npm", "/root/.npm", true},
		{"npm", "~/.npm/_cacache", true},
		{"composer", "/tmp/*", false},
		{"composer", "/tmp/cache", true},
		{"go", "/root/.cache/go-build", true},
		{"yarn", "/usr/local/share/.cache/yarn/*", true},
		{"dnf", "/var/cache/dnf", true},
		{"yum", "relative/path", false},
	}
	for _, tt := range tests {
		m := Lookup(tt.manager)
		if m == nil {
			t.Fatalf("no manager %q", tt.manager)
		}
		if got := m.CleansPath(tt.path); got != tt.want {
			t.Errorf("%s.CleansPath(%q) = %v, want %v", tt.manager, tt.path, got, tt.want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
		"pip install --no-cache-dir -r requirements.txt -e . -qrreq.txt",
		"sh -c 'npm ci --omit dev' || yarn",
		"mvn -B -f pom.xml clean package -DskipTests",
		"python3 -m pip install -- -x",
		"apk add --virtual",
		"go install",
		"rm -rf ~/.cache $HOME/.npm",
	} {
		f.Add(s)
	}
	kinds := map[string]bool{Install: true, Build: true, Update: true, Download: true, Clean: true, Remove: true}
	f.Fuzz(func(t *testing.T, run string) {
		s, _ := shell.Parse(run)
		for _, c := range s.Commands {
			inv, ok := Classify(c)
			if !ok {
				continue
			}
			if inv.Manager == nil || !kinds[inv.Action] {
				t.Fatalf("bad invocation %+v for %q", inv, run)
			}
			inv.HasFlag("-y", "--omit=dev")
			inv.NoCache()
		}
	})
}

// TestClassifyFetch: what a command downloads decides whether a cache
// mount keeps anything; script runners and offline builds download
// nothing, compilers only what is missing.
func TestClassifyFetch(t *testing.T) {
	for run, want := range map[string]string{
		"npm ci":                        FetchAll,
		"npm install --offline":         FetchNone,
		"npm run build":                 FetchNone,
		"yarn build":                    FetchNone,
		"yarn":                          FetchAll,
		"pip install -r r.txt":          FetchAll,
		"pip install --no-index -f w x": FetchNone,
		"pip wheel -w /wheels flask":    FetchAll,
		"go mod download":               FetchAll,
		"go build -o /app .":            FetchMissing,
		"go build -mod=vendor ./...":    FetchNone,
		"go build -mod vendor ./...":    FetchNone,
		"cargo build --release":         FetchMissing,
		"cargo build --offline":         FetchNone,
		"cargo build --frozen":          FetchNone,
		"mvn -B package":                FetchMissing,
		"mvn -o package":                FetchNone,
		"mvn dependency:go-offline":     FetchAll,
		"mvn -B quarkus:build":          FetchMissing,
		"gradle build --offline":        FetchNone,
		"dotnet publish -c Release":     FetchMissing,
		"dotnet publish --no-restore":   FetchNone,
		"dotnet restore":                FetchAll,
		"bundle install --local":        FetchNone,
		"bundle install":                FetchAll,
		"composer dump-autoload":        FetchNone,
		"apt-get clean":                 FetchNone,
		"rm -rf /root/.npm":             FetchNone,
	} {
		invs := classifyAll(t, run)
		if len(invs) != 1 || invs[0].Fetch != want {
			t.Errorf("%q: %v, want fetch %q", run, invs, want)
		}
	}
	for run, want := range map[string]bool{
		"apt-get clean": true, "npm cache clean --force": true, "yum clean all": true, "pip cache purge": true,
		"mvn clean": false, "go clean": false, "gem cleanup": false, "bundle clean": false,
	} {
		invs := classifyAll(t, run)
		if len(invs) != 1 || invs[0].Action != Clean || invs[0].EmptiesCache != want {
			t.Errorf("%q: %v, want a clean emptying the cache: %v", run, invs, want)
		}
	}
}
