FROM debian:bookworm
# want "^`apt-get install curl` has no -y: apt-get asks for confirmation whenever it installs more than the packages named"
RUN apt-get update && apt-get install curl
# DEBIAN_FRONTEND is for debconf's questions, not apt-get's prompt.
# want "`apt-get install --no-install-recommends git` has no -y"
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends git
# One -q is not quiet level 2; --force-yes is no answer to the prompt.
# want "`apt-get -q install --force-yes make` has no -y"
RUN apt-get -q install --force-yes make
# want "`apt purge curl` has no -y: apt asks for confirmation whenever it removes a package"
RUN apt purge curl
# want "has no -y"
RUN ["apt-get", "install", "gcc"]
# -o sets a value, not -y.
# want "has no -y"
RUN apt-get -o Dpkg::Options::=--force-confold install vim

FROM centos:7 AS yum
# want "^`yum install httpd` has no -y: yum asks for confirmation whenever it has anything to install"
RUN yum install httpd && yum clean all

FROM fedora:40 AS dnf
ARG PKGS=git
# want "`dnf --refresh install \$PKGS` has no -y"
RUN dnf --refresh install $PKGS

FROM opensuse/leap:15.6 AS zypper
# -n after install is --name.
# want "`zypper install -n git` has no -y"
RUN zypper install -n git

FROM ubuntu:22.04 AS upgrade
# want "`apt-get upgrade` has no -y: apt-get asks for confirmation whenever it has anything to upgrade"
RUN apt-get update && apt-get upgrade
# want "`apt-get autoremove` has no -y: apt-get asks for confirmation whenever it has anything to remove"
RUN apt-get autoremove
