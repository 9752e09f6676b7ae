# No CMD, but the file removes build-essential in a later RUN: it treats it
# as build-only, which it is, and the later remove leaves it in the layer.
FROM ubuntu:22.04
# want "^`build-essential` is needed only for building"
RUN apt-get update && apt-get install -y curl build-essential
RUN cd mecab && ./configure && make && make install
RUN apt-get remove -y build-essential
