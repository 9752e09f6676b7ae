# bundle install builds native gems with the compilers of the full ruby
# image, which the file does not install itself.
FROM ruby:2.2.3
RUN apt-get update && apt-get install -y nodejs && rm -rf /var/lib/apt/lists/*
ADD . /app
RUN bundle install
CMD ["rails", "server"]
