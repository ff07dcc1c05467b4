FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY adapters adapters
COPY processors processors
COPY web web
COPY ctax ctax
RUN pip install --no-cache-dir . && useradd --system ctax
USER ctax
CMD ["ctax", "--help"]
