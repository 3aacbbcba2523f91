# T-Minus service image. Build it with `make docker-build` (scripts/docker-build.sh), which
# first stages into .build/docker/ what this file copies:
#   .build/docker/wheels/  the tminus wheel and every runtime dependency as Linux wheels for
#                          CPython 3.11 (downloaded on the host: the build needs no network)
#   .build/docker/models/  the champion version of each model, from `tminus models export`
# The base is a build argument and the only thing that differs between machines:
#   default python:3.11-slim; where no registry is reachable, a local Debian bookworm image
#   with python3 + python3-venv (scripts/docker/build-base.sh) passed as BASE_IMAGE.
ARG BASE_IMAGE=python:3.11-slim

# ---- builder: a venv with the package and its dependencies, from the staged wheels only ----
FROM ${BASE_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
COPY .build/docker/wheels/ /tmp/wheels/
# Then slim the venv: pip and setuptools are build tools; the libraries' own test suites
# (about 190 MB with their bytecode) and C/Cython sources and headers are never run or read
# by the service. Bytecode of the rest is kept: without it every start imports ~3 s slower.
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --find-links /tmp/wheels tminus \
    && /opt/venv/bin/pip check \
    && /opt/venv/bin/pip uninstall --quiet --yes pip setuptools \
    && site="$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && find "$site" -depth -type d -name tests -exec rm -rf {} + \
    && find "$site" -type d -name include -path '*/pyarrow/include' -exec rm -rf {} + \
    && find "$site" -type f \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.h' \
        -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' \) -delete \
    && /opt/venv/bin/python -c "import tminus.cli"

# ---- runtime: the venv, the champion models, a non-root user; nothing else ----
FROM ${BASE_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TMINUS_MODELS_DIR=/app/models \
    MPLCONFIGDIR=/tmp/matplotlib
RUN groupadd --gid 10001 tminus \
    && useradd --uid 10001 --gid tminus --home-dir /app --no-create-home --no-log-init \
        --shell /usr/sbin/nologin tminus
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# Owned by root and read-only to the service: a version is immutable; to serve other models,
# mount another folder here (docs/DOCKER.md).
COPY .build/docker/models/ /app/models/
USER tminus:tminus
EXPOSE 8000
# /readyz is 200 only once every model is loaded; python, because the image has no curl.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
CMD ["tminus", "serve", "--host", "0.0.0.0", "--port", "8000"]
