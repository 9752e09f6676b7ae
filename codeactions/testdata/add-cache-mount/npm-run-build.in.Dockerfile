FROM node:20
COPY . .
RUN npm run build
RUN yarn build
