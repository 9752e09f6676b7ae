FROM alpine:3.19
# want "ADD of a URL without --checksum"
ADD https://example.com/tool.tar.gz /tmp/
