import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
application = get_wsgi_application()

from interview_analyzer.jobs import start_inprocess_worker  # noqa: E402  (needs the app registry)

start_inprocess_worker()
