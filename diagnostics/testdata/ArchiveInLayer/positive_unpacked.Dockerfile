FROM ubuntu:22.04
# want "^`wget https://storage.googleapis.com/golang/go1\.\.\.\.` downloads the archive /go1.2.linux-amd64.tar.gz, which this RUN unpacks and never deletes: the image holds it twice, packed and unpacked. Delete it in this RUN \(`&& rm /go1.2.linux-amd64.tar.gz`\)"
RUN wget https://storage.googleapis.com/golang/go1.2.linux-amd64.tar.gz && tar -C /usr/local -xzf go1.2.linux-amd64.tar.gz
# Archives from the build context that ADD does not unpack (.zip, .rpm),
# or that COPY brings as they are.
# want "^`ADD openshift/sphinx-2.2.11.rhel7.x86_64.rpm` copies the archive /tmp/sphinxsearch.rpm into this layer, and line 8 unpacks or installs it in another: .*`RUN --mount=type=bind,source=openshift/sphinx-2.2.11.rhel7.x86_64.rpm,target=/tmp/sphinxsearch.rpm …`"
ADD openshift/sphinx-2.2.11.rhel7.x86_64.rpm /tmp/sphinxsearch.rpm
RUN rpm -i /tmp/sphinxsearch.rpm && rm /tmp/sphinxsearch.rpm
# want "copies the archive /opt/client.zip into this layer, and line 11"
COPY client.zip /opt/
RUN unzip /opt/client.zip -d /opt/oracle
# A download after a cd lands in that folder.
# want "^`curl -o x.tar.gz http://example.com/x.tar.gz` downloads the archive /tmp/build/x.tar.gz, which this RUN unpacks"
RUN mkdir -p /tmp/build && cd /tmp/build && curl -o x.tar.gz http://example.com/x.tar.gz && tar -xzf x.tar.gz
