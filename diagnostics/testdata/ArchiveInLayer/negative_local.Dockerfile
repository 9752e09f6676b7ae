FROM ubuntu:22.04
# ADD unpacks a local tar archive itself.
ADD vendor.tar.gz /opt/
RUN ls /opt/vendor
# Copied, never unpacked in the image.
COPY data.zip /srv/
# Downloaded, unpacked and deleted in one RUN.
RUN wget https://example.com/go.tar.gz && tar -C /usr/local -xzf go.tar.gz && rm go.tar.gz
