FROM node:20-slim
WORKDIR /usr/src/app
COPY package-lock.json package.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "src/index.js"]
