# Headers with no compiler in sight: the file installs none and the image
# has none, so whatever compiles against them is a script the rule cannot
# read, which brings its own toolchain (and may need the headers when the
# image runs, as installers that build software on demand do).
FROM ubuntu:16.04
RUN apt-get update && apt-get install -y --no-install-recommends ruby libre2-dev && rm -rf /var/lib/apt/lists/*
COPY install.sh /build/install.sh
RUN bash /build/install.sh
ENTRYPOINT ["/sbin/entrypoint.sh"]
# Installing bundler compiles nothing.
RUN gem install --no-document bundler
