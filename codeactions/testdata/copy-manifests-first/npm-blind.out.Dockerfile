FROM node:18-alpine
WORKDIR /home/node/app
COPY package*.json .npmrc* ./
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
