# The dependencies are installed from the manifests first; the project
# install after the full copy needs the sources: what the rule advises.
FROM python:3.12-slim
ADD ./src/corpus/requirements.txt /src/corpus/requirements.txt
WORKDIR /src/corpus
RUN pip --no-cache-dir install -r requirements.txt
ADD ./src /src
RUN pip install -e ".[testing]"

FROM continuumio/miniconda3 AS conda
COPY environment.yml /src/environment.yml
WORKDIR /src
RUN conda env create -f environment.yml
COPY . /src
RUN pip install -e . --no-cache-dir

# The install of the manifests alone, repeated after the full COPY for the
# autoloader and the scripts, finds the dependencies installed.
FROM composer:2 AS composer-twice
WORKDIR /app
COPY composer.json composer.lock ./
RUN composer install --no-scripts --no-autoloader
COPY . .
RUN composer install

# bundle remembers --path: the second install finds the gems installed.
FROM ruby:3.3 AS bundle-twice
WORKDIR /opt/app
COPY Gemfile .
RUN bundle install --path=vendor/bundle
COPY . .
RUN bundle install
