# Khabar in a container: the bot and its ingest loop, the SQLite store on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/khabar.db \
    METRICS_PORT=9090

WORKDIR /app
COPY pyproject.toml README.md ./
COPY scripts/install-venv.sh scripts/install-venv.sh
COPY bot bot
COPY news news
COPY storage storage
# The same install script the Makefile runs, so CI exercises these steps.
RUN PYTHON=python3 scripts/install-venv.sh /opt/venv prod

# /data holds the store: only the khabar user may read it.
RUN useradd --create-home --uid 10001 khabar && mkdir -p /data && chown khabar /data && chmod 0700 /data
USER khabar
VOLUME ["/data"]
ENV PATH=/opt/venv/bin:$PATH

EXPOSE 9090
# /healthz answers 200 when the database answers and the last ingest pass is recent.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('METRICS_PORT', '9090'), timeout=5)"]

CMD ["khabar", "run"]
