FROM debian:bookworm
# want "^`apt-get install -y curl` also installs the packages they recommend, which the image rarely needs: add --no-install-recommends"
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
# want "`apt install -y vim` also installs"
    && apt install -y vim \
    && rm -rf /var/lib/apt/lists/*
# want "add --no-install-recommends"
RUN ["apt-get", "install", "-y", "git"]

FROM fedora:40 AS fedora
# want "`dnf install -y git` .*add --setopt=install_weak_deps=False"
RUN dnf install -y git && dnf clean all

FROM opensuse/leap:15.6 AS suse
# want "add --no-recommends"
RUN zypper install -y git && zypper clean
