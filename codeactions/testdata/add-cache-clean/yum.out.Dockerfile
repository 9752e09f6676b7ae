FROM rockylinux:9
# no cache mount here: its uid is known but its home is not
USER 1000
RUN yum install -y git && rm -rf /var/cache/dnf
