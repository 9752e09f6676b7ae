FROM python:3.11
RUN pip install poetry==1.8.3
WORKDIR /code
COPY pyproject.toml poetry.lock* poetry.toml* /code/
RUN poetry config virtualenvs.create false && poetry install --no-interaction --only main --no-root
COPY . /code
RUN poetry config virtualenvs.create false && poetry install --no-interaction --only main
CMD ["python", "-m", "app"]
