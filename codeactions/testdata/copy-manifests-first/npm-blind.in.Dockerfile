FROM node:18-alpine
WORKDIR /home/node/app
COPY . .
RUN npm ci --omit=dev
USER node
CMD ["node", "server.js"]
