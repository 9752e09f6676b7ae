# ruby:2.2.3-alpine was never published; the file installs the compilers
# bundle install needs itself, so slim plus them is smaller.
# want "^ruby:2.2.3 is ≈ 350 MB compressed.*; `ruby:2.2.3-slim` \(≈ 70 MB\) exists."
FROM ruby:2.2.3
RUN apt-get update && apt-get install -y build-essential libpq-dev nodejs && rm -rf /var/lib/apt/lists/*
ADD . /app
RUN bundle install
CMD ["rails", "server"]
