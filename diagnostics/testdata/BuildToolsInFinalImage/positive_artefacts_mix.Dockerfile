# node_modules only feed the asset build; the mix release is what ships.
FROM elixir:1.16
# want "copy only what the build produces into this one"
RUN apt-get update && apt-get install -y --no-install-recommends make g++ && rm -rf /var/lib/apt/lists/*
COPY . /app
RUN cd /app/assets && npm install && npm run deploy && rm -rf node_modules
RUN cd /app && mix release
CMD ["/app/_build/prod/rel/app/bin/app", "start"]
