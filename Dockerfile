# Blocksmith image: one image for web (daphne), worker and beat; see docker-compose.yml.
# Build: docker build -t blocksmith .

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm AS runtime
# git: project and workspace repositories live in git.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 blocksmith \
    && mkdir -p /var/lib/blocksmith \
    && chown blocksmith:blocksmith /var/lib/blocksmith
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    DEBUG=false \
    VAR_DIR=/var/lib/blocksmith \
    STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY --chown=blocksmith:blocksmith . .
# Static files are collected at build time; the build needs placeholder secrets only for this step.
RUN SECRET_KEY=collectstatic-only ENCRYPTION_KEYS=collectstatic-only python manage.py collectstatic --noinput \
    && chown -R blocksmith:blocksmith /app/staticfiles
USER blocksmith
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "config.asgi:application"]
