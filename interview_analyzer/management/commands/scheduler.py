"""``python manage.py scheduler``: the periodic scheduler process of production (DEP-2, RET-8).

Runs periodiq with every actors module that ``rundramatiq`` discovers (``DRAMATIQ_AUTODISCOVER_MODULES``), so a
periodic actor added to any app is scheduled without touching the process layout. Exactly one scheduler runs per
deployment; the actors it enqueues are idempotent (a duplicate message, or a second scheduler by mistake, does no
harm). On the embedded default there is no such process: the in-process scheduler thread does the same
(``interview_analyzer.jobs.start_inprocess_scheduler``).
"""

import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_dramatiq.management.commands.rundramatiq import Command as RunDramatiq


def actor_modules() -> list[str]:
    """``django_dramatiq.setup`` (which sets Django up) followed by every discovered actors module."""
    discover = RunDramatiq(stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process (exec)
    return discover.discover_tasks_modules()


class Command(BaseCommand):
    help = "Run the periodic scheduler (periodiq) over every discovered actors module."

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="Print the command instead of running it.")

    def handle(self, *args, **options):
        if not settings.DRAMATIQ_BROKER_URL:
            raise CommandError(
                "The scheduler needs a real broker (DRAMATIQ_BROKER_URL); the embedded default schedules in-process."
            )
        executable = shutil.which("periodiq") or os.path.join(os.path.dirname(sys.executable), "periodiq")
        argv = [executable, *actor_modules(), "--path", str(settings.BASE_DIR)]  # --path takes every word after it
        if options["print"]:
            self.stdout.write(" ".join(argv))
            return
        os.execv(executable, argv)  # noqa: S606 - replaces this process with the scheduler, no shell
