# A build environment: no CMD or ENTRYPOINT, nothing says what the image
# runs; compilers and headers are what it is for.
FROM ubuntu:16.04
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake libleveldb-dev && rm -rf /var/lib/apt/lists/*
RUN pip install conan
WORKDIR /src
