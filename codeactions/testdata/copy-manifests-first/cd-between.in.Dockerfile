FROM node:20
COPY . /app
RUN cd /app && rm -rf dist
RUN cd /app && npm ci
