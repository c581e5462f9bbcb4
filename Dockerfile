# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build_assets.mjs scripts/
RUN node scripts/build_assets.mjs

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=cal_portal.settings.production
# WeasyPrint needs Pango; fonts with Polish letters for PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 cal
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/static/vendor static/vendor
# Build-time values only: collectstatic and the catalogues need settings, not services.
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build ALLOWED_HOSTS=build \
    python manage.py compile_catalogues \
    && DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
USER cal
EXPOSE 8000
CMD ["gunicorn", "cal_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
