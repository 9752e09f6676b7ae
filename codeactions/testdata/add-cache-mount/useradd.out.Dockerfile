FROM python:3.12
# The account's uid and home are known from the RUN that creates it.
RUN useradd -m -u 1001 app
USER app
RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1001 pip install -r requirements.txt
