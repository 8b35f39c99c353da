# One image for every Corral process: the API server and the projector.
FROM python:3.11-slim
WORKDIR /app
# The evidence packs' PDFs are drawn by WeasyPrint, which needs Pango, HarfBuzz and a font.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY api ./api
COPY web ./web
# The code stays root-owned and read-only to the server; everything Corral writes (attachments, mail files, the log's
# signing key, a SQLite database if one is used) goes under /var/lib/corral, its user's, kept on a volume.
ENV CORRAL_ATTACHMENTS_DIR=/var/lib/corral/attachments \
    CORRAL_MAIL_DIR=/var/lib/corral/mail \
    CORRAL_LOG_SIGNING_KEY_FILE=/var/lib/corral/keys/log-signing.pem \
    CORRAL_DATABASE_URL=sqlite:////var/lib/corral/corral.sqlite3
RUN pip install --no-cache-dir . && useradd --system corral \
    && install -d -o corral -g corral -m 0750 /var/lib/corral
VOLUME /var/lib/corral
USER corral
EXPOSE 8000
CMD ["corral", "serve", "--host", "0.0.0.0", "--port", "8000"]
