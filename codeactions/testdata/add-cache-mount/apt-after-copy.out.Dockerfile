FROM python:3.6
RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
ENV PYTHONUNBUFFERED=1
# the application
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get -y update && apt-get -y install binutils
