FROM node:20
WORKDIR /app
COPY package*.json .npmrc* ./
RUN npm install -g pm2
RUN npm ci
COPY . .
