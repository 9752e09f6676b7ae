FROM node:20-slim
WORKDIR /usr/src/app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "src/index.js"]
