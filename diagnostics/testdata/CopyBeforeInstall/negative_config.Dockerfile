# Single configuration or data files change rarely: no code comes before
# the installs.
FROM python:3.12-slim
COPY docker-files/redis.ini /etc/uwsgi.d/redis.ini
COPY debian-requirements.txt /srv/lib/
ADD openshift/sphinx-2.2.11.rhel7.x86_64.rpm /tmp/sphinxsearch.rpm
ADD Rakefile ./
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM golang:1.22 AS dep
WORKDIR /src
COPY Gopkg.lock Gopkg.toml go.mod go.sum ./
RUN go mod download
