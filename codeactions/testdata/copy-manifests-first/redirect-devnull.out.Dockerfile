FROM node:20
WORKDIR /app
COPY package*.json .npmrc* ./
RUN apt-get update > /dev/null && apt-get install -y jq 2>&1
RUN npm ci > /dev/null
COPY . .
