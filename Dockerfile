# syntax=docker/dockerfile:1
#
# Assurdesk: the web process (gunicorn) by default, the job worker as an
# alternative command. The image embeds no database: DATABASE_URL is required.
#
#   docker build -t assurdesk .
#   docker run -e DATABASE_URL=postgresql://... -e SECRET_KEY=... \
#              -e PLATFORM_URL=https://assurdesk.example -p 8000:8000 assurdesk
#   docker run -e DATABASE_URL=... -e SECRET_KEY=... assurdesk worker
#                                       # = flask jobs worker (after the migrations)
#
# Commands (see docker/entrypoint.sh): `web` (default), `worker`, `migrate`,
# or any command, run as is (e.g. `flask tenants list`).

# --- Stage 1: browser assets from the npm registry (pinned by the lock file) --
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
 && mkdir -p static/vendor \
 && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js \
 && cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/bootstrap.min.css

# --- Stage 2: the application ---------------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    FLASK_APP=app \
    INSTANCE_PATH=/var/lib/assurdesk

# WeasyPrint's system libraries (PDFs) and a font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# The application runs from its source tree (/srv/assurdesk): templates,
# static files, migrations and translations are found next to the `app`
# package, so the package is installed in editable mode into /opt/venv.
WORKDIR /srv/assurdesk

# Dependencies first, in a layer of their own that survives code changes:
# install against placeholder packages, then reinstall the real code below.
COPY pyproject.toml README.md ./
RUN python -m venv "$VIRTUAL_ENV" \
 && mkdir -p app tenants && touch app/__init__.py tenants/__init__.py \
 && pip install --upgrade pip \
 && pip install -e '.[prod]' \
 && rm -rf app tenants

COPY app ./app
COPY tenants ./tenants
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY babel.cfg ./
COPY --from=assets /build/static/vendor ./static/vendor
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/assurdesk-entrypoint

RUN pip install --no-deps -e . \
 && pybabel compile -d app/translations \
 && python -c "from app import create_app" \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/assurdesk --no-create-home assurdesk \
 && mkdir -p /var/lib/assurdesk \
 && chown assurdesk:assurdesk /var/lib/assurdesk

# Instance data when no object storage or SMTP is configured (generated files,
# .eml files). Several web machines need STORAGE_URL and MAIL_URL instead.
VOLUME ["/var/lib/assurdesk"]

USER assurdesk:assurdesk
EXPOSE 8000

ENTRYPOINT ["/usr/local/bin/assurdesk-entrypoint"]
# Alternative: CMD ["worker"]  (runs `flask jobs worker`)
CMD ["web"]
