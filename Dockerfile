# The service's image: the runtime lock only (requirements.txt, no test dependencies), an
# unprivileged user, migrations applied before serving, and HOST, PORT and WORKERS read from the
# environment by `occupancy serve`.
#   docker build -t occupancy .
#   docker run -p 8000:8000 -v occupancy-data:/srv/occupancy/data occupancy      (SQLite)
#   docker compose up -d                                         (PostgreSQL: see compose.yaml)
# Pin the base image by digest in production: --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:…
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
# The runtime lock exactly as pinned, nothing beyond it (--no-deps), then checked complete.
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps --requirement /tmp/requirements.txt \
 && /opt/venv/bin/pip check
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps . \
 && /opt/venv/bin/pip check

FROM ${PYTHON_IMAGE}
RUN groupadd --gid 10001 occupancy \
 && useradd --uid 10001 --gid 10001 --home-dir /srv/occupancy --no-create-home \
      --shell /usr/sbin/nologin occupancy \
 && mkdir -p /srv/occupancy/data \
 && chown -R 10001:10001 /srv/occupancy
# Owned by root: the service cannot change its own code or dependencies.
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2 \
    OCCUPANCY_DATABASE_URL=sqlite:////srv/occupancy/data/occupancy.db
WORKDIR /srv/occupancy
USER 10001:10001
EXPOSE 8000
# Ready = the database answers and its schema is at this code's migration (GET /readyz).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["occupancy", "healthcheck", "--timeout", "4"]
# Migrate, then serve; exec, so the server gets the stop signal itself.
CMD ["sh", "-c", "occupancy migrate && exec occupancy serve"]
