# Weights & Measures: a multi-stage image on a slim Python base (any Debian-like base with
# python3 and python3-venv works: BASE is a build argument).
ARG BASE=python:3.12-slim

FROM ${BASE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python3 -m venv /opt/venv
# The locked, hashed dependency set (regenerate with pip-compile; see README "Deploying").
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --no-deps --require-hashes -r requirements.lock
COPY . .
# Static files are collected into the image (hashed names, pre-compressed by WhiteNoise).
RUN SECRET_KEY=collectstatic-only-not-a-secret SITE_URL=http://collectstatic.invalid \
    /opt/venv/bin/python manage.py collectstatic --noinput \
    && mkdir -p var && rm -rf var/db.sqlite3 var/secret_key

FROM ${BASE} AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=10001:10001 /app /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4).status == 200 else 1)"]
# Migrations are a separate release step:  docker run --rm IMAGE python manage.py migrate --noinput
# and, on the first deploy, the shipped content:  ... python manage.py import_content fixtures
CMD ["/app/scripts/start"]
