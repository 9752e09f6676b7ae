FROM node:20
WORKDIR /app
COPY . .
SHELL ["pwsh", "-Command"]
RUN Copy-Item .env .env.local
SHELL ["/bin/sh", "-c"]
RUN npm ci
