FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files are collected at build time with throw-away values: none of them is a real
# secret, and the container gets the real ones from the environment at run time.
RUN DJANGO_DEBUG=false \
    SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDAwMDAwMDA= \
    RECEIPT_CODE_SECRET=build-only-not-a-secret-build-only-not-a-secret \
    CHILD_MATCH_SECRET=build-only-not-a-secret-build-only-not-a-secret \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build.invalid/unused \
    python manage.py collectstatic --noinput \
 && useradd --system --home /app kla && mkdir -p /app/var && chown -R kla /app/var
USER kla
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "balikpapan_kla.wsgi"]
