"""``manage.py transcribe FILE [--engine E] [--language L]``: an audio file's turns as JSON, offline.

For operators checking their install (which engine, which model and hash, how long it takes) and for tests. It
prints one JSON object: ``engine`` (engine, model and the weights' SHA-256, as recorded with every analysis),
``language``, ``duration_s``, ``real_time_factor`` and ``turns``, each with ``speaker``, ``start``, ``end`` and
``text``. Nothing is stored.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ai_analysis import speech
from ai_analysis.audio import AudioError


class Command(BaseCommand):
    help = "Transcribe an audio file with the offline speech engine and print its turns as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A WebM, Ogg, WAV or MP4 audio file.")
        parser.add_argument(
            "--engine", choices=speech.ENGINES, default=None, help=f"Default: SPEECH_ENGINE ({settings.SPEECH_ENGINE})."
        )
        parser.add_argument(
            "--language", choices=speech.LANGUAGES, default="auto", help="en, sv, or auto (detect). Default: auto."
        )

    def handle(self, *args, file, engine, language, **options):
        try:
            result = speech.transcribe(file, engine=engine, language=language)
        except OSError as error:
            raise CommandError(f"The file could not be read: {error}") from error
        except AudioError as error:
            raise CommandError(f"The audio could not be read: {error}") from error
        except speech.SpeechError as error:
            raise CommandError(error.reason) from error
        turns = [
            {"speaker": turn.speaker, "start": turn.start_s, "end": turn.end_s, "text": turn.text}
            for turn in speech.turns_of(result)
        ]
        report = {
            "engine": result.record,
            "language": result.language,
            "duration_s": round(result.duration_seconds, 2),
            "real_time_factor": round(result.real_time_factor, 3),
            "turns": turns,
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
