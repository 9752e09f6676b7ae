# Headers count once a compiler is known: installed by another RUN of the
# file, or already in the image.
FROM ubuntu:16.04
# want "^`libre2-dev` is needed only for building"
RUN apt-get update && apt-get install -y --no-install-recommends ruby libre2-dev && rm -rf /var/lib/apt/lists/*
# want "^`gcc-9` is needed only for building"
RUN apt-get update && apt-get install -y --no-install-recommends gcc-9 && rm -rf /var/lib/apt/lists/*
COPY install.sh /build/install.sh
RUN bash /build/install.sh
ENTRYPOINT ["/sbin/entrypoint.sh"]
# want "^`libpq-dev` is needed only for building.*copy only the installed gems into"
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
RUN gem install bundler && /usr/local/bin/bundler --jobs 4 --deployment
