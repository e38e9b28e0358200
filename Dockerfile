FROM python:3.11-slim

# STATIC_ROOT lies outside VAR_DIR: docker-compose.yml mounts a volume over /app/var, and a named
# volume is filled from the image only while it is empty, so static files there would stay those
# of the first image through every upgrade.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles
WORKDIR /app
RUN useradd --system --no-create-home --home-dir /app kla

# The PostgreSQL client programs for `manage.py backup`/`restore` (pg_dump, pg_restore): Debian
# bookworm's 15, the same major version as the `db` service in docker-compose.yml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# .dockerignore keeps .env, .git, .venv, var/ and the development files out.
COPY . .
# Static files are collected at build time with throw-away values: none of them is a real
# secret, and the container gets the real ones from the environment at run time. The code and
# the static files stay root's: the app's user can write only to VAR_DIR.
RUN DJANGO_DEBUG=false \
    SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDAwMDAwMDA= \
    RECEIPT_CODE_SECRET=build-only-not-a-secret-build-only-not-a-secret \
    CHILD_MATCH_SECRET=build-only-not-a-secret-build-only-not-a-secret \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build.invalid/unused \
    EMAIL_TO_FILES=true \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var && chown -R kla /app/var
USER kla
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "balikpapan_kla.wsgi"]
