FROM ruby:3.3
# The official image keeps .gem files in /usr/local/bundle/cache: the
# removal of /root/.gem has nothing to do with the mount and stays.
RUN --mount=type=cache,target=/usr/local/bundle/cache gem install bundler && rm -r /root/.gem/
