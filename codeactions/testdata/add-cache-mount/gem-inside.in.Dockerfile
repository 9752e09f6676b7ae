FROM ruby:3.3
RUN gem install bundler && rm -rf /usr/local/bundle/cache/*.gem
