"""Faults during erasure (RET-4, RET-8): storage down, the process dying between the commit and the blob deletes,
two sweeps at once. Each ends with everything gone exactly once and one deletion record per candidate."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from hiring.models import Candidate
from retention import graph, services, sweep
from retention.models import DeletionRecord, PendingDeletion, RetentionClock
from tests.retention import flaky_storage
from tests.retention.world import full_candidate


@pytest.fixture
def flaky(settings):
    settings.STORAGES = {**settings.STORAGES, "default": flaky_storage.flaky_backend()}
    flaky_storage.FAILING["on"] = False
    yield flaky_storage.FAILING
    flaky_storage.FAILING["on"] = False


def everything_gone(person, files) -> bool:
    from django.core.files.storage import default_storage

    return all(not rows.exists() for _m, rows in graph.candidate_rows(person.candidate)) and not any(
        default_storage.exists(name) for name in files
    )


@pytest.mark.django_db(transaction=True)
def test_storage_down_during_erasure_leaves_the_blobs_pending_until_a_sweep_after_it_is_back(acme, flaky):
    from django.core.files.storage import default_storage

    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    files = [stored.name for stored in graph.candidate_files(kim.candidate)]
    flaky["on"] = True
    record = services.erase_candidate(kim.candidate, reason="Asked", trigger="staff_request", actor=acme.recruiter)
    assert not Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()  # the database part is done
    assert all(default_storage.exists(name) for name in files)
    record.refresh_from_db()
    assert record.storage_objects_removed == 0 and record.storage_confirmed_at is None
    pending = PendingDeletion.objects.filter(record=record)
    # Every named blob stays pending; the candidate prefix held nothing else, so listing it was all it took.
    assert sorted(pending.values_list("name", flat=True)) == sorted(files)
    assert all(item.attempts == 1 and "StorageDown" in item.last_error for item in pending)

    still_down = sweep.run()
    assert still_down.storage_removed == 0 and still_down.storage_pending == len(files)

    flaky["on"] = False
    report = sweep.run()
    assert report.storage_removed == len(files) and report.storage_pending == 0
    assert everything_gone(kim, files)
    record.refresh_from_db()
    assert record.storage_objects_removed == len(files) and record.storage_confirmed_at is not None
    assert DeletionRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_the_commit_and_the_blob_deletes_is_finished_by_the_next_sweep(acme, monkeypatch):
    """The erasure commits, then the process dies before deleting one blob: what the database promised is pending."""
    from django.core.files.storage import default_storage

    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    files = [stored.name for stored in graph.candidate_files(kim.candidate)]

    class Killed(BaseException):
        pass

    def die(record_pk):
        raise Killed

    monkeypatch.setattr(services, "_after_commit", die)
    with pytest.raises(Killed):
        services.erase_candidate(kim.candidate, reason="Expired", trigger="expiry")
    monkeypatch.undo()
    assert not Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()
    assert all(default_storage.exists(name) for name in files)
    assert PendingDeletion.objects.count() == len(files) + 1

    report = sweep.run()
    assert report.storage_removed == len(files)
    assert everything_gone(kim, files) and not PendingDeletion.objects.exists()
    assert DeletionRecord.objects.count() == 1
    assert sweep.run().storage_removed == 0  # nothing twice


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_erase_each_candidate_once(acme, sqlite_file_database):
    people = [full_candidate(acme.recruiter, name=f"Person {n}", email=f"p{n}@mail.test") for n in range(6)]
    files = [stored.name for person in people for stored in graph.candidate_files(person.candidate)]
    RetentionClock.objects.for_operators().update(delete_after=timezone.now() - timedelta(days=1))
    connection.close()  # each thread opens its own
    start = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            reports.append(sweep.run())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(reports) == 2
    assert sum(report.erased_expired for report in reports) == 6
    assert sum(report.failed for report in reports) == 0
    assert DeletionRecord.objects.count() == 6
    assert len({record for report in reports for record in report.records}) == 6
    for person in people:
        assert everything_gone(person, files)
    assert not PendingDeletion.objects.exists()
