FROM python:3.12
WORKDIR /app
COPY . .
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs
RUN npm cache verify
RUN npm ci
