FROM centos:7
RUN --mount=type=cache,target=/var/cache/yum,sharing=locked set -eux; yum install -y gcc make
