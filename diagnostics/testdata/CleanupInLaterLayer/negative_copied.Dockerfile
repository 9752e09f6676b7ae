# Nothing says the context holds what these delete: a relative rm that
# hits nothing, scripts of unknown (small) size, logs this RUN wrote.
FROM ruby:3.3
COPY . /data/
WORKDIR /data
RUN bash script/cron-refresh.sh && rm -rf script/
WORKDIR /opt/antimicroX
COPY . /opt/antimicroX
RUN cmake . && make && make install && rm -rf opt/antimicroX
WORKDIR /opt/system
ADD . ./
RUN bundle exec rake tmp:create assets:precompile && rm log/*.log
CMD ["rails", "server"]
