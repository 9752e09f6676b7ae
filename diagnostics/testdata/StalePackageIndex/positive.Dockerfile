FROM debian:bookworm
# want "apt-get update alone in its RUN is cached"
RUN apt-get update
RUN apt-get install -y curl

FROM alpine:3.19
# want "apk update alone"
RUN apk update
RUN apk add git

FROM rockylinux:9
# want "yum makecache alone"
RUN yum makecache
RUN yum install -y git
