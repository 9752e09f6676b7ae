FROM debian:12
RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl
# Installs from the lists the RUN above left: they must stay in the layer.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get install -y jq
