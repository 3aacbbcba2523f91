# T-Minus service image. Build it with `make docker-build` (scripts/docker-build.sh), which
# first stages into .build/docker/ what this file copies:
#   .build/docker/wheels/  every runtime dependency as Linux wheels for CPython 3.11
#                          (downloaded on the host: the build itself needs no network)
#   .build/docker/app/     the tminus wheel, built from the source tree
#   .build/docker/models/  the champion version of each model, from `tminus models export`
# The base is a build argument and the only thing that differs between machines:
#   default python:3.11-slim; where no registry is reachable, a local Debian bookworm image
#   with python3 + python3-venv (scripts/docker/build-base.sh) passed as BASE_IMAGE.
ARG BASE_IMAGE=python:3.11-slim

# ---- deps: a venv with every runtime dependency; rebuilt only when the dependencies change ----
FROM ${BASE_IMAGE} AS deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
COPY .build/docker/wheels/ /tmp/wheels/
# Then slim the venv: pip and setuptools are build tools; the libraries' own test suites
# (about 190 MB with their bytecode) and C/Cython sources and headers are never run or read
# by the service. Bytecode of the rest is kept: without it every start imports ~3 s slower.
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --quiet --no-index --no-deps /tmp/wheels/*.whl \
    && /opt/venv/bin/pip uninstall --quiet --yes pip setuptools \
    && site="$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && find "$site" -depth -type d -name tests -exec rm -rf {} + \
    && find "$site" -type d -path '*/pyarrow/include' -prune -exec rm -rf {} + \
    && find "$site" -type f \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.h' \
        -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' \) -delete

# ---- app: the tminus package alone, as a small tree laid over the venv in the runtime ----
# A code change rebuilds only this stage and the small layer it gives the image.
FROM deps AS app
COPY .build/docker/app/ /tmp/app/
# pip from a throwaway venv installs into /opt/venv's layout under /staging, then checks that
# the venv with the package laid over it is complete and importable.
RUN python3 -m venv /tmp/pip \
    && /tmp/pip/bin/pip --python /opt/venv/bin/python install --quiet --no-index --no-deps --no-warn-script-location \
        --root /staging /tmp/app/tminus-*.whl \
    && cp -a /staging/. / \
    && /tmp/pip/bin/pip --python /opt/venv/bin/python check \
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
COPY --from=deps /opt/venv /opt/venv
COPY --from=app /staging/ /
# Versions stay root-owned, so read-only to the service: a version is immutable. The alias
# folders are the service's, so the admin API can move an alias (in this container's copy;
# to keep such moves, or to serve other models, mount a folder here: docs/DOCKER.md).
COPY .build/docker/models/ /app/models/
RUN find /app/models -mindepth 2 -maxdepth 2 -type d -name aliases \
        -exec chown -R tminus:tminus {} +
USER tminus:tminus
EXPOSE 8000
# /readyz is 200 only once every model is loaded; python, because the image has no curl.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
CMD ["tminus", "serve", "--host", "0.0.0.0", "--port", "8000"]
