FROM debian:bookworm
RUN apt-get update && apt-get install --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN yum install httpd && zypper in git
