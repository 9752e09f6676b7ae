# yum is dnf on EL8 and later; centos:latest is CentOS 8.
FROM rockylinux:9
# want "`yum install -y httpd` .*add --setopt=install_weak_deps=False"
RUN yum install -y httpd && yum clean all

FROM centos AS latest
# want "`yum install -y nfs-utils` .*add --setopt=install_weak_deps=False"
RUN yum install -y nfs-utils && yum clean all

FROM ubuntu:22.04 AS more
RUN apt-get update && apt-get install -y --no-install-recommends curl
# want "`apt-get install -y curl git` also installs"
RUN apt-get install -y curl git
