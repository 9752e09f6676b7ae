FROM node:20
WORKDIR /app
COPY . .
RUN cat ./scripts/setup.sh | bash -s -- --quiet
RUN npm ci
