FROM debian:bookworm
USER root
RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
COPY app /app
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl

FROM debian:bookworm
RUN echo hello > /hello
RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
COPY . /src
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl

FROM debian:bookworm
COPY sources.list /etc/apt/sources.list
COPY . /src
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; apt-get update && apt-get install -y curl

FROM debian:bookworm
COPY . .
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; apt-get update && apt-get install -y curl
