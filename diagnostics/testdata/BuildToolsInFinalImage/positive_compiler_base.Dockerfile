# ruby:3.3 (buildpack-deps) has the compilers: the headers are for a build.
FROM ruby:3.3
# want "^`libre2-dev` is needed only for building"
RUN apt-get update && apt-get install -y --no-install-recommends libre2-dev && rm -rf /var/lib/apt/lists/*
RUN gem install re2
CMD ["ruby", "app.rb"]
