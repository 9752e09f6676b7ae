FROM python:3.12-slim
# bring in the app
COPY . /app
RUN pip install -r /app/requirements.txt
CMD ["python", "/app/app.py"]
