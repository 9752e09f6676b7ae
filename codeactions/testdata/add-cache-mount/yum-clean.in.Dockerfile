FROM centos:7
# yum clean all would empty the mount; dropping it is proven only for the
# managers the real-build oracle runs.
RUN yum install -y gcc && yum clean all
