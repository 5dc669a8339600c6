"""Shared fixtures: two organizations full of people, a Dramatiq broker and worker, storage and a browser."""

import os
from dataclasses import dataclass

import dramatiq
import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from interview_analyzer.roles import ROLE_ORDER, Role
from tests.factories import MembershipFactory, OrganizationFactory

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """bcrypt is the product's hasher (ID-4, tested in test_settings); tests hash with MD5 to stay fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Swedish through the test client leaves Swedish active in the test thread (LocaleMiddleware
    activates it and nothing deactivates it); the next test must start in the default language again."""
    yield
    translation.deactivate()


@dataclass
class Org:
    organization: object
    admin: object
    recruiter: object
    hiring_manager: object
    interviewer: object

    def member(self, role: Role | str):
        return getattr(self, Role(role).value)


def _build_org(name: str) -> Org:
    organization = OrganizationFactory(name=name)
    members = {role.value: MembershipFactory(organization=organization, role=role) for role in ROLE_ORDER}
    return Org(organization=organization, **members)


@pytest.fixture
def acme(db) -> Org:
    """Acme: one verified member for each role."""
    return _build_org("Acme")


@pytest.fixture
def globex(db) -> Org:
    """Globex: the rival organization, built the same way."""
    return _build_org("Globex")


@pytest.fixture
def team(acme) -> Org:
    """Acme, upgraded to the Team plan, which includes API keys (KEY-1)."""
    acme.organization.plan = "team"
    acme.organization.save(update_fields=["plan"])
    return acme


@pytest.fixture
def broker():
    """The configured Dramatiq broker (stub by default, Redis or RabbitMQ in CI), with empty queues."""
    current = dramatiq.get_broker()
    current.flush_all()
    yield current
    current.flush_all()


@pytest.fixture
def worker(broker):
    """A real Dramatiq worker on that broker; stopped with a timeout so a stuck job cannot hang the suite."""
    running = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    running.start()
    yield running
    running.stop(timeout=10_000)


@pytest.fixture(scope="session", autouse=True)
def storage_container():
    """On Azure-backed runs (Azurite in CI), make sure the container exists before anything is stored: for every
    test process, whatever test it runs first (tests that upload chunks or seed the demo depended on running after
    one that asked for it)."""
    if settings.AZURE_STORAGE_CONNECTION_STRING:
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.blob import BlobServiceClient

        service = BlobServiceClient.from_connection_string(settings.AZURE_STORAGE_CONNECTION_STRING)
        try:
            service.create_container(settings.AZURE_STORAGE_CONTAINER)
        except ResourceExistsError:
            pass
    return settings.AZURE_STORAGE_CONTAINER


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: browsers cannot be downloaded here, and the closed network must not be probed."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Add a candidate as recruiters do (``consent.services.add_candidate``: CON-1) and return them with the token
    of the link in the email they received."""

    from consent import services
    from tests.consent.links import Invited, last_token_to
    from tests.hiring.factories import CriterionFactory, HiringFactory

    def make(actor, hiring=None, *, email=None, name="Kim Candidate", language="en"):
        hiring = hiring or HiringFactory(owner=actor, organization=actor.organization)
        if not hiring.criteria.exists():
            CriterionFactory(hiring=hiring, name="System design")
            CriterionFactory(hiring=hiring, name="Data protection")
        email = email or f"kim{len(mail.outbox)}@mail.test"
        with django_capture_on_commit_callbacks(execute=True):
            candidate = services.add_candidate(actor=actor, hiring=hiring, name=name, email=email, language=language)
        return Invited(candidate=candidate, token=last_token_to(email))

    return make


@pytest.fixture
def accept(django_capture_on_commit_callbacks):
    """Accept as the candidate does, and return the portal token from the confirmation email."""

    from consent import services
    from tests.consent.links import last_token_to

    def run(invited) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.accept(invited.token)
        return last_token_to(invited.candidate.email)

    return run
