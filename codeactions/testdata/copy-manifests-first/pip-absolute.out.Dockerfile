FROM python:3.12-slim
COPY requirements.txt /app/requirements.txt
RUN pip install -r /app/requirements.txt
# bring in the app
COPY . /app
CMD ["python", "/app/app.py"]
