# The cache mount goes to the cache of the user the RUN runs as, never to
# root's when another user runs it.
FROM node:20 AS node-user
USER node
# want "^Every re-run of this step downloads all npm packages again\. A cache mount \(RUN --mount=type=cache,target=/home/node/\.npm,uid=1000,gid=1000\) keeps them between builds, outside the image\.$"
RUN npm ci

FROM python:3.12 AS created-user
RUN useradd -m app
USER app
# want "^Every re-run of this step downloads all pip packages again\. A cache mount \(RUN --mount=type=cache,target=/home/app/\.cache/pip,uid=<uid of app>\) keeps them"
RUN pip install -r requirements.txt

FROM python:3.12 AS env-home
ENV HOME /eve
# want "^Every re-run of this step downloads all pip packages again\. A cache mount \(RUN --mount=type=cache,target=/eve/\.cache/pip\) keeps them"
RUN pip install -r requirements.txt

# A uid that no account of the file or the image has: its home is unknown.
FROM node:20 AS unknown-home
USER 1001
# want "^Every re-run of this step downloads all npm packages again\. A cache mount \(RUN --mount=type=cache,target=<home of 1001>/\.npm,uid=1001\) keeps them"
RUN npm ci

# A system package manager runs as root (through sudo): its cache is root's.
FROM node:20 AS system-manager
USER node
# want "^Every re-run of this step downloads all apt packages again\. A cache mount \(RUN --mount=type=cache,target=/var/cache/apt,sharing=locked\) keeps them"
RUN sudo apt-get update && sudo apt-get install -y curl

# A command run as another user through gosu, su-exec or sudo -u uses
# that user's cache, whose home is not known here: no path of root's.
FROM node:20 AS gosu
# want "^Every re-run of this step downloads all npm packages again\. A cache mount \(RUN --mount=type=cache,target=<home of node>/\.npm,uid=<uid of node>\) keeps them"
RUN gosu node npm install
# want "target=<home of app>/\.cache/pip"
RUN sudo -u app -H pip install --user flask
# want "target=<home of app>/\.npm"
RUN su-exec app:app npm ci

# sudo alone runs as root: root's cache.
FROM node:20 AS sudo-root
USER node
# want "^Every re-run of this step downloads all npm packages again\. A cache mount \(RUN --mount=type=cache,target=/root/\.npm\) keeps them"
RUN sudo npm install -g yarn
