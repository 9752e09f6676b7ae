FROM python:3.12-slim
# want "^`gcc` and `libpq-dev` are needed only for building, and this stage ships: they stay in the final image. Install them in a build stage and copy only the installed Python packages"
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir psycopg2
# want "^`build-base` is needed only for building.*it stays in the final image"
RUN apk add --no-cache --virtual .build-deps build-base && apk del curl && make -C /src
CMD ["python", "-m", "app"]
