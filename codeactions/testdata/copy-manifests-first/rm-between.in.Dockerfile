FROM node:20
WORKDIR /app
COPY . .
RUN rm -rf node_modules
RUN npm ci
