FROM ruby:3.2
WORKDIR /bizport
COPY docker-entry.sh ./
ENTRYPOINT ["./docker-entry.sh"]
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . ./
CMD ["bundle", "exec", "puma"]
