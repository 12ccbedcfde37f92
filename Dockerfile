# Netra: one image for every role. docker-compose.yml runs it as `netra run` (scheduler),
# `netra serve` (review page) and `netra worker` (Celery, scalable) - the same commands the tests run.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NETRA_DATA_DIR=/data

WORKDIR /app

# WeasyPrint (the case report's PDF) needs pango and harfbuzz's subsetter, and a font to set the text in.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# CPU torch first and pinned, from the CPU wheel index: otherwise a dependency pulls the CUDA build (GBs).
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"

COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY classifiers ./classifiers
COPY scrapers ./scrapers
COPY review_ui ./review_ui
COPY demo ./demo
RUN pip install . && python -c "import torch; assert torch.__version__.startswith('2.13.'), torch.__version__"

RUN useradd --create-home --uid 10001 netra && mkdir -p /data && chown netra /data
USER netra
VOLUME ["/data"]
EXPOSE 8000 9464

CMD ["netra", "run"]
