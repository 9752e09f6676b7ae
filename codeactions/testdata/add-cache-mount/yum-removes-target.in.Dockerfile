FROM centos:7
RUN set -eux; yum install -y gcc make; rm -rf /var/cache/yum
