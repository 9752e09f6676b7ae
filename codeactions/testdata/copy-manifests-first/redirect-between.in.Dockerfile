FROM node:20
WORKDIR /app
COPY . .
RUN echo ok > status
RUN npm ci
