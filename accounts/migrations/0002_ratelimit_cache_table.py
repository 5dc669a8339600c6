"""Historical: rate limits first counted in a Django DatabaseCache table created here.

They now count in ``interview_analyzer.RateLimitCounter`` (see ``interview_analyzer/rate_limit_cache.py``); with no
database cache configured this step creates nothing. It stays so that the migration history remains linear.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Creates the table of every database-backed cache in settings.CACHES (the "ratelimit" alias).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS ia_ratelimit_cache")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
