# An install that turns the manager's cache off would not use a cache
# mount either (issue 17): pip --no-cache-dir, apk --no-cache, and the
# managers' variables.
FROM python:3.12-slim AS pip
RUN pip install --no-cache-dir -r requirements.txt
RUN PIP_NO_CACHE_DIR=1 pip install flask
# want "downloads all pip packages again"
RUN pip install requests

FROM python:3.12-slim AS pip-env
ENV PIP_NO_CACHE_DIR=1
RUN pip install -r requirements.txt

FROM alpine:3.20 AS apk
RUN apk add --no-cache curl
RUN apk --no-cache add git openssh
# want "downloads all apk packages again.*target=/etc/apk/cache"
RUN apk add --update curl
