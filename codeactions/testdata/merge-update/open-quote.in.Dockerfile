FROM debian:12
# The quote is never closed: merged, it would swallow the install.
RUN apt-get update'
RUN apt-get install -y curl
