FROM debian:bookworm
RUN apt-get update && apt-get install -y curl
RUN apt-get install --yes curl && apt-get install --assume-yes git
RUN apt-get install -qy curl && apt-get -yqq install make
# Quiet level 2 implies -y.
RUN apt-get -qq install curl && apt-get -q -q install git && apt-get -q=2 install vim
RUN apt-get -o APT::Get::Assume-Yes=true install curl && apt-get -oAPT::Get::Assume-Yes=1 install git
RUN yes | apt-get install curl
RUN apt-get install -s curl
RUN apt-get update && apt-get upgrade -y
# Not installs: nothing asks.
RUN apt-get update && apt-get clean
ARG APT_FLAGS=-y
RUN apt-get install $APT_FLAGS curl
# A variable of the script itself: unknown, it may hold -y.
RUN opts=-y; apt-get install $opts curl
# Only when an earlier command failed.
RUN true || apt-get install curl

FROM debian:bookworm AS configured
RUN echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90assumeyes
RUN apt-get install curl

FROM configured AS child
RUN apt-get install git

FROM centos:7 AS yum
RUN yum install -y httpd && yum --assumeyes install git && yum install --assumey make
RUN yum --setopt=assumeyes=1 install vim && yum --setopt assumeyes=True install gcc
RUN yum makecache && yum clean all

FROM fedora:40 AS dnf
RUN echo assumeyes=True >> /etc/dnf/dnf.conf
RUN dnf install git

FROM opensuse/leap:15.6 AS zypper
RUN zypper -n install git && zypper --non-interactive in vim && zypper install -y curl && zypper in --no-confirm make
RUN zypper refresh

# apk never asks; microdnf asks only since EL9's 3.8.
FROM alpine:3.20 AS alpine
RUN apk add curl
FROM redhat/ubi8-minimal AS minimal
RUN microdnf install git

# PowerShell scripts are not read.
FROM debian:bookworm AS pwsh
SHELL ["pwsh", "-Command"]
RUN apt-get install curl

# balena's (resin's) base images configure APT::Get::Assume-Yes "true".
FROM resin/rpi-raspbian:latest AS resin
RUN apt-get update && apt-get upgrade && apt-get install motion

# A configuration file copied in may answer yes.
FROM debian:bookworm AS copied
COPY 01_buildconfig /etc/apt/apt.conf.d/
RUN apt-get install curl
