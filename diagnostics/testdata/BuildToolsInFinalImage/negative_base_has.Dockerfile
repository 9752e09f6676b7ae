# ruby:3.3 (buildpack-deps) already has the compilers and libpq-dev: moving
# them to a build stage saves nothing.
FROM ruby:3.3
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev nodejs && rm -rf /var/lib/apt/lists/*
COPY . /app
RUN bundle install
CMD ["rails", "server"]
