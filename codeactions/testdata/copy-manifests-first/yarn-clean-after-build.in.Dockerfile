FROM node:16
WORKDIR /app
COPY . .
RUN yarn install && yarn build && yarn cache clean
CMD ["yarn", "start"]
