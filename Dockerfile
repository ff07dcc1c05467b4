# The front-end packages the web app serves (GOV.UK Frontend, Swagger UI for /docs), as package-lock.json pins them.
FROM node:22-slim AS frontend
WORKDIR /frontend
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# The wheel, built once: the image installs exactly what tests/integration/test_wheel.py installs and runs.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY adapters adapters
COPY processors processors
COPY web web
COPY ctax ctax
RUN pip wheel --no-cache-dir --no-deps -w /dist .

FROM python:3.11-slim
COPY --from=wheel /dist /dist
RUN pip install --no-cache-dir /dist/*.whl && rm -rf /dist && useradd --system ctax
# The wheel ships the templates and the app's own static files; the npm packages are found through these.
COPY --from=frontend /frontend/node_modules/govuk-frontend/dist/govuk /opt/ctax/govuk-frontend
COPY --from=frontend /frontend/node_modules/swagger-ui-dist /opt/ctax/swagger-ui-dist
ENV CTAX_WEB_FRONTEND_DIR=/opt/ctax/govuk-frontend \
    CTAX_WEB_SWAGGER_UI_DIR=/opt/ctax/swagger-ui-dist
USER ctax
CMD ["ctax", "--help"]
