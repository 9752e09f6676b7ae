FROM debian:12
RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
COPY app.deb /tmp/
# an install that runs only when dpkg fails is an apt install all the same
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked dpkg -i /tmp/app.deb || apt-get -f install -y
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl
