# Build: docker build -t occupancy .
# Run:   docker run -p 8000:8000 -v occupancy-data:/srv/occupancy/data occupancy
#        (or -e OCCUPANCY_DATABASE_URL=postgresql+psycopg://user:pass@host:5432/db)
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt
WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 occupancy \
 && mkdir -p /srv/occupancy/data && chown -R occupancy /srv/occupancy
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    OCCUPANCY_DATABASE_URL=sqlite:////srv/occupancy/data/occupancy.db \
    WORKERS=2
WORKDIR /srv/occupancy
USER occupancy
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
# Migrate first, then serve; exec so the server gets signals directly.
CMD ["sh", "-c", "occupancy migrate && exec occupancy serve --host 0.0.0.0 --port 8000 --workers \"$WORKERS\""]
