# Ubuntu's ruby installs gems under /var/lib/gems, not /usr/local/bundle.
FROM ubuntu:16.04
# want "copy only the installed gems into this one"
RUN apt-get update && apt-get install -y --no-install-recommends ruby-dev build-essential zlib1g-dev && rm -rf /var/lib/apt/lists/*
RUN gem install jekyll
CMD ["jekyll", "serve"]
