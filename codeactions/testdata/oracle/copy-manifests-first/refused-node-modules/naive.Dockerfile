FROM node:20
RUN --mount=type=bind,source=standins,target=/standins mkdir -p /usr/local/bin && cp /standins/npm /usr/local/bin/
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
