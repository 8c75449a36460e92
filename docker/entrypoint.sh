#!/bin/sh
# Entrypoint of the Assurdesk image.
#
#   web      (default) apply the migrations, then exec gunicorn on :8000
#   worker   apply the migrations, then exec `flask jobs worker`
#   migrate  apply the migrations and exit (a release step)
#   flask …  exec it as is (DATABASE_URL and SECRET_KEY checked), e.g.
#            `flask jobs worker` (the worker without the migrations step),
#            `flask tenants list`
#   <other>  exec it as is, e.g. `sh`
#
# Environment:
#   DATABASE_URL       required: the image embeds no database
#   SECRET_KEY         required: signs sessions and the emailed links; one
#                      value shared by every container, kept across deploys
#   PLATFORM_URL       public URL of the platform, e.g. https://assurdesk.fr
#   MAIL_URL           smtp://user:pass@host:587?starttls=1 (else .eml files)
#   WEB_CONCURRENCY    gunicorn workers (default 3)
#   MIGRATE_ON_START   0 to skip the migrations at start (run `migrate` once
#                      per release instead); default 1
#   FORWARDED_ALLOW_IPS  addresses of the TLS-terminating proxy, whose
#                      X-Forwarded-Proto gunicorn then trusts (gunicorn setting)
set -eu

require() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "assurdesk: $1 is not set. $2" >&2
    exit 64
  fi
}

migrate() {
  # `flask tenants migrate` brings the public schema, then every tenant
  # schema, to head; containers starting at once take turns on its advisory lock.
  echo "assurdesk: applying migrations (shared + tenants)"
  flask tenants migrate
}

needs_app() {
  require DATABASE_URL "Give the PostgreSQL URL (postgresql://user:pass@host:5432/db): the image embeds no database."
  require SECRET_KEY "Give a long random value, the same for every container (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
  [ "${MIGRATE_ON_START:-1}" = "0" ] || migrate
}

cmd="${1:-web}"
case "$cmd" in
  web)
    needs_app
    # Workers are recycled (max-requests + jitter) so that a backend's catalog
    # cache cannot grow without bound across thousands of tenant schemas.
    exec gunicorn 'app:create_app()' \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --max-requests 1000 --max-requests-jitter 100 \
      --worker-tmp-dir /dev/shm \
      --access-logfile - --error-logfile -
    ;;
  worker)
    needs_app
    exec flask jobs worker
    ;;
  migrate)
    MIGRATE_ON_START=1
    needs_app
    ;;
  flask)
    require DATABASE_URL "Give the PostgreSQL URL: the image embeds no database."
    require SECRET_KEY "Give the SECRET_KEY shared by every container."
    exec "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
