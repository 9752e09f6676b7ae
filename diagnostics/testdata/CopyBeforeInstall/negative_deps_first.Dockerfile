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
