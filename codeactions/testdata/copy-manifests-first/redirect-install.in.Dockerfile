FROM node:20
WORKDIR /app
COPY . .
RUN echo "registry=https://registry.example/" > .npmrc && npm ci
