# A script the install's RUN runs or sources is a file it reads on
# purpose, not code that busts its cache: the manifests were copied first.
FROM ruby:3.3
WORKDIR /opt/system
COPY Gemfile Gemfile.lock ./
COPY openshift/contrib/scl_enable /opt/system/etc/
RUN source /opt/system/etc/scl_enable && bundle install

FROM node:20 AS run
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/install-deps /usr/local/bin/install-deps
RUN /usr/local/bin/install-deps && npm ci
