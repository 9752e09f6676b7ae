FROM python:3.12-slim
ENV VENV_PATH=/opt/venv
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.cache python -m venv "$VENV_PATH" && "$VENV_PATH/bin/pip" install -r requirements.txt
ENV PATH="$VENV_PATH/bin:$PATH"
CMD ["python", "main.py"]
