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
RUN pip install --no-cache-dir . && useradd --system corral
USER corral
EXPOSE 8000
CMD ["corral", "serve", "--host", "0.0.0.0", "--port", "8000"]
