FROM python:3.6

WORKDIR /app
COPY . /app


RUN apt-get -y update
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; apt-get -y install --no-install-recommends binutils
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked ["apt-get", "-y", "install", "make"]
