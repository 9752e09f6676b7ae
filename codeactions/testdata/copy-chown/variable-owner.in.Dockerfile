FROM node:20-slim
ARG U=node
COPY . /app
RUN chown -R ${U}:${U} /app
