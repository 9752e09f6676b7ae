FROM node:20
WORKDIR /app
# want "sends 2 files \(21 B\) that change on every commit or install: app/__pycache__/ .*, node_modules/ "
COPY . .
COPY . /again
