# The cache is in the home of the user the RUN runs as.
FROM node:20 AS node-user
USER node
# want "^`npm ci` keeps npm's download cache \(/home/node/\.npm\) in this layer: clean it at the end of the same RUN \(`rm -rf /home/node/\.npm` or the manager's own clean command\) or mount a cache: `RUN --mount=type=cache,target=/home/node/\.npm,uid=1000,gid=1000 …`\.$"
RUN npm ci

FROM python:3.12 AS created-user
RUN useradd -m app
USER app
# want "^`pip install flask` keeps pip's download cache \(/home/app/\.cache/pip\) in this layer: add --no-cache-dir, set PIP_NO_CACHE_DIR=1, clean it at the end of the same RUN \(`rm -rf /home/app/\.cache/pip`"
RUN pip install flask

FROM node:20 AS env-home
ENV HOME /eve
# want "^`npm ci` keeps npm's download cache \(/eve/\.npm\) in this layer: clean it at the end of the same RUN \(`rm -rf /eve/\.npm`"
RUN npm ci

# A uid that no account of the file or the image has: its home is unknown,
# so no path is named.
FROM node:20 AS unknown-home
USER 1001
# want "^`npm ci` keeps npm's download cache \(~/\.npm, in the home of user 1001\) in this layer: clean it at the end of the same RUN \(`rm -rf ~/\.npm` or the manager's own clean command\) or mount a cache: `RUN --mount=type=cache,target=<home of 1001>/\.npm,uid=1001 …`\.$"
RUN npm ci

# gosu runs the install as node: node's cache, whose home is not known
# here; never root's.
FROM node:20 AS gosu
# want "^`npm ci` keeps npm's download cache \(~/\.npm, in the home of user node\) in this layer"
RUN gosu node npm ci
