FROM node:20-slim
ARG U=node
COPY --chown=${U}:${U} . /app
