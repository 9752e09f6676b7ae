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
# want "`apk add curl` keeps apk's download cache \(/var/cache/apk, /etc/apk/cache\) in this layer: add --no-cache,.*target=/etc/apk/cache"
RUN apk add curl
# want "keeps dnf's download cache \(/var/cache/dnf\)"
RUN dnf install -y --nodocs git
# want "keeps yum's"
RUN yum install -y git
# want "keeps zypper's"
RUN zypper install -y --no-recommends git
# gem install --no-document skips the documentation, but the downloaded .gem stays in the cache.
# want "keeps gem's download cache"
RUN gem install --no-document rake
# A variable that moves the cache does not keep it out of the layer.
ENV PIP_CACHE_DIR=/var/cache/pip
# want "keeps pip's download cache \(/var/cache/pip\)"
RUN pip install requests
# Cleaning in a later RUN is too late (CleanupInLaterLayer says so there).
# want "keeps pip's"
RUN pip install rich
RUN rm -rf /var/cache/pip
