FROM ruby:3.3
WORKDIR /app
COPY Gemfile *gemspec /app/
COPY lib/app/version.rb /app/lib/app/
RUN bundle install
COPY . .
