FROM python:3.12-slim
# want "^`pip install flask` keeps pip's download cache \(/root/.cache/pip\) in this layer: add --no-cache-dir, set PIP_NO_CACHE_DIR=1, clean it at the end of the same RUN \(`rm -rf /root/.cache/pip`"
RUN pip install flask
# want "`uv pip install --system requests` keeps uv's download cache \(/root/.cache/uv\).*add --no-cache"
RUN uv pip install --system requests
# want "keeps poetry's download cache"
RUN poetry install --no-root
# want "`npm ci` keeps npm's download cache \(/root/.npm\)"
RUN npm ci
# want "keeps yarn's download cache"
RUN yarn install --frozen-lockfile
# apk writes its index when it refreshes it, and keeps no packages
# without /etc/apk/cache.
# want "^`apk add --update curl` keeps apk's package index \(/var/cache/apk\) in this layer: add --no-cache or clean it at the end of the same RUN \(`rm -rf /var/cache/apk/\*` or the manager's own clean command\)\.$"
RUN apk add --update curl
# An update before the install writes the index whatever the install's flags.
# want "^`apk add --no-cache curl` keeps apk's package index \(/var/cache/apk\) in this layer: clean it at the end"
RUN apk update && apk add --no-cache curl
# want "keeps dnf's download cache \(/var/cache/dnf\)"
RUN dnf install -y --nodocs git
# want "keeps zypper's"
RUN zypper install -y --no-recommends git
# A variable that moves the cache does not keep it out of the layer.
ENV PIP_CACHE_DIR=/var/cache/pip
# want "keeps pip's download cache \(/var/cache/pip\)"
RUN pip install requests
# Cleaning in a later RUN is too late (CleanupInLaterLayer says so there).
# want "keeps pip's"
RUN pip install rich
RUN rm -rf /var/cache/pip


# yum's cache is yum's on CentOS 7, dnf's from CentOS 8.
FROM centos:7 AS el7
# want "keeps yum's download cache \(/var/cache/yum\)"
RUN yum install -y git
FROM centos:8 AS el8
# want "keeps yum's download cache \(/var/cache/dnf\).*`rm -rf /var/cache/dnf`"
RUN yum install -y git

# gem install --no-document skips the documentation, but the downloaded
# .gem stays in GEM_HOME's cache: /usr/local/bundle/cache in ruby images.
FROM ruby:3.3 AS ruby
# want "keeps gem's download cache \(/usr/local/bundle/cache\)"
RUN gem install --no-document rake
# gem cleanup removes old versions of gems, not the downloaded files.
# want "keeps gem's download cache"
RUN gem install rails && gem cleanup
