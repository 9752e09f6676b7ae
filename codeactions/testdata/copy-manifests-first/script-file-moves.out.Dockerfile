FROM ruby:3.2
WORKDIR /bizport
ENTRYPOINT ["./docker-entry.sh"]
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY docker-entry.sh ./
COPY . ./
CMD ["bundle", "exec", "puma"]
