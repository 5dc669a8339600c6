# The production image (DEP-2): one image, three processes — web (default command), Dramatiq workers and the periodic
# scheduler (see deploy/README.md). Pinned slim base, a non-root user, no secrets (every secret is an environment
# variable at run time, from Key Vault in Azure), the offline speech models and static files baked in at build.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/interview-analyzer \
    SPEECH_MODEL_DIR=/opt/interview-analyzer/models

# ffmpeg decodes uploaded audio and video; gettext compiles the Swedish catalogue; curl runs the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg gettext curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY --chown=app:app . .

# Static files, the compiled translations and the Whisper weights are part of the image: nothing is fetched or built
# at run time, and the model files are checked against their pinned SHA-256 here as on every load.
# collectstatic runs with production's storage (hashed, compressed files and their manifest); the key below exists only
# for this build step and is discarded with it.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=build-only-key-discarded-after-collectstatic-0123456789abcdef \
        DJANGO_ALLOWED_HOSTS=build.invalid SITE_URL=https://build.invalid \
        python manage.py collectstatic --noinput \
    && python manage.py compilemessages -l sv \
    && python -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'interview_analyzer.settings'); django.setup(); from pathlib import Path; from django.conf import settings; from ai_analysis.speech.model_files import SPECS, ready_directory; [ready_directory(spec, Path(settings.SPEECH_MODEL_DIR)) for spec in SPECS.values()]" \
    && mkdir -p "$VAR_DIR" && chown app:app "$VAR_DIR" \
    && chmod -R a-w /opt/interview-analyzer

USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "interview_analyzer.wsgi:application"]
