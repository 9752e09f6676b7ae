FROM node:20
# The home is known (no cache mount: the uid is not).
RUN useradd -m app
USER app
RUN npm ci
