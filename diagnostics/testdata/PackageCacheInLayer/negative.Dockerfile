FROM python:3.12-slim
RUN pip install --no-cache-dir flask
RUN PIP_NO_CACHE_DIR=1 pip install requests
RUN --mount=type=cache,target=/root/.cache/pip pip install django
RUN pip install numpy && rm -rf /root/.cache/pip
RUN pip install pandas && pip cache purge
RUN pip install scipy && rm -rf ~/.cache
RUN uv pip install --system --no-cache requests
RUN poetry install --no-root --no-cache
RUN npm ci && npm cache clean --force
RUN npm ci && rm -rf ~/.npm
RUN yarn install --frozen-lockfile && yarn cache clean
RUN apk add --no-cache curl
RUN apk add git && rm -rf /var/cache/apk/*
RUN dnf install -y git && dnf clean all
RUN yum install -y git && yum clean all && rm -rf /var/cache/yum
RUN zypper install -y git && zypper clean -a
RUN gem install rake && rm -rf /root/.gem /usr/local/bundle/cache
# apt's lists are AptListsNotRemoved's.
RUN apt-get update && apt-get install -y --no-install-recommends curl

FROM python:3.12-slim AS env
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask

FROM python:3.12-slim AS user
USER app
RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user rich
RUN pip install --user httpx && rm -rf /home/app/.cache/pip

FROM node:20-slim AS cachedir
ENV npm_config_cache=/tmp/npm
RUN --mount=type=cache,target=/tmp/npm npm ci

# A build stage that is only copied from never ships.
FROM python:3.12 AS build
RUN pip wheel -w /wheels flask && pip install poetry

FROM python:3.12-slim
COPY --from=build /wheels /wheels
