FROM node:20
RUN --mount=type=cache,target=/root/.npm npm ci && rm -rf /tmp/npm-*
