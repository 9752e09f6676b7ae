FROM node:20
WORKDIR /app
COPY . .
RUN npm install -g pm2
RUN npm ci
