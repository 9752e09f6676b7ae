FROM debian:bookworm
# Writers that do not fail, or are meant to be cut off.
RUN echo "deb http://deb.example.com stable main" | tee /etc/apt/sources.list.d/x.list
RUN yes | apt-get install curl
RUN printf 'a\nb\n' | tr a-z A-Z
RUN cat <<EOF | sh
echo hi
EOF
# A reader that stops early would make pipefail fail the build.
RUN ls -la / | head -n 3
# Readers that fail when given nothing, or a cut-off stream.
RUN curl -fsSL https://example.com/a.tgz | tar -xz -C /opt
RUN curl -fsSL https://example.com/key | apt-key add -
RUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/x.gpg
RUN curl -fsSL https://example.com/v | grep -o 'v[0-9.]*' > /v
RUN curl -fsSL https://example.com/a.gz | gzip -d > /a && curl -fsSL https://example.com/a.xz | xz -dc > /b
RUN curl -fsSL https://example.com/SHA256SUMS | sha256sum -c -
# Given nothing, xargs runs chmod without a file, which fails.
RUN find /opt -name '*.sh' | xargs chmod +x
RUN curl -s https://example.com/urls | wget -qi -
# Writers that only print what they know.
RUN dpkgArch="$(dpkg --print-architecture | awk -F- '{ print $NF }')" && uname -m | sed s/x/y/
# The failure is ignored on purpose.
RUN apt-get install -y apt-utils | true
# The failure is ignored on purpose.
RUN curl -fsSL https://example.com/x | sh || true
# pipefail set before the pipe.
RUN set -o pipefail && curl -fsSL https://example.com/x | sh
RUN set -euxo pipefail; curl -fsSL https://example.com/x | sh
RUN bash -o pipefail -c 'curl -fsSL https://example.com/x | sh'
# No pipe.
RUN curl -fsSL -o /x https://example.com/x || echo "a|b"

FROM debian:bookworm AS declared
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/x | sh

FROM declared AS inherits
RUN curl -fsSL https://example.com/x | sh

# Exec form runs no shell of the Dockerfile's.
FROM debian:bookworm AS exec
RUN ["sh", "-c", "curl -fsSL https://example.com/x | sh"]

# PowerShell is not read.
FROM debian:bookworm AS pwsh
SHELL ["pwsh", "-Command"]
RUN Get-Content x | Out-File y

FROM debian:bookworm AS nested
# A nested shell starts without the SHELL's pipefail, and a substitution's
# status is dropped by export: SHELL would change neither.
RUN bash -c 'export JAVA_HOME=$(readlink -f /usr/bin/javac | sed "s:/bin/javac::") && echo $JAVA_HOME'
RUN runDeps="$(scanelf --needed --nobanner /usr/local/lib | awk '{ print $2 }' | sort -u)" && apk add $runDeps

# The same RUN goes on to use the package manager the piped installer puts
# there, which the image does not have: a failed download fails the RUN
# there (npm: not found), so no failure is hidden.
FROM ubuntu:16.04 AS installer-used
RUN curl -sL https://deb.nodesource.com/setup_0.12 | bash - && apt-get install -y nodejs && npm install -g bower
RUN curl -sSL https://get.rvm.io | bash -s stable --ruby && /bin/bash -l -c "gem install bundler"
