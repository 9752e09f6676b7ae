# CentOS 7 runs yum 3: it has no weak dependencies, and
# --setopt=install_weak_deps=False is no yum 3 option.
FROM centos:7
RUN yum install -y epel-release && yum clean all

FROM openshift/origin-base AS origin
RUN yum install -y gcc && yum clean all

# curl is installed already: reinstalling it adds nothing, recommends included.
FROM ubuntu:12.04 AS again
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get install -y --force-yes curl
