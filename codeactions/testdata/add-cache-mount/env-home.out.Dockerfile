FROM python:3.12
ENV HOME /eve
RUN --mount=type=cache,target=/eve/.cache/pip pip install -r requirements.txt
