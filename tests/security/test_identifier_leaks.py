"""Identifier leaks (TST-1, ORG-6): no database primary key in any page, JSON body, download or email.

Before anything is created every table's id sequence is moved to its own distinctive range (7,1xx,xxx), so every
primary key of the organization built here is a number that appears nowhere by chance. Then a full journey sends
every email the product sends (invitation, consent request, the candidate's portal and withdrawal links, the
retention expiry warning, the rights-portal link on request, password reset, signup verification), and every GET
endpoint of the URL configuration is opened as the organization's admin and as its recruiter (the interviewer of
the interview), every link of every email is followed as the candidate, and the candidate's data export is opened.
Every HTML page, JSON body, CSV, export file and email is scanned for every primary key created.
"""

import io
import re
import zipfile
from urllib.parse import urlsplit

from django.apps import apps
from django.core import mail
from django.db import connection, models
from django.test import Client
from django.urls import Resolver404, resolve

from tests.conftest import _build_org
from tests.factories import PASSWORD
from tests.security.tenant_world import TenantWorldTestCase, build_tenant, object_id_for
from tests.security.urls_under_test import all_endpoints, path_with

FIRST_ID = 7_100_000
STRIDE = 1_009  # each model's keys in a range of its own, far from any count, size or year on a page
LINK = re.compile(r"https?://[^\s\"'<>]+")
BINARY = ("audio/", "video/", "application/octet-stream", "image/")


def integer_key_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if isinstance(m._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField) and m._meta.managed
    ]


def move_sequences() -> dict[str, int]:
    """Every integer primary key from now on starts at a distinctive number, per table. Returns table -> first id."""
    firsts = {}
    with connection.cursor() as cursor:
        for index, model in enumerate(integer_key_models()):
            table, first = model._meta.db_table, FIRST_ID + index * STRIDE
            firsts[table] = first
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first - 1])
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)", [table, model._meta.pk.column, first]
                )
            else:
                raise NotImplementedError(connection.vendor)
    return firsts


def created_keys(firsts: dict[str, int]) -> dict[int, str]:
    """Every primary key created since ``move_sequences``: key -> model label."""
    keys = {}
    for model in integer_key_models():
        manager = model._base_manager
        for pk in manager.filter(pk__gte=firsts[model._meta.db_table]).values_list("pk", flat=True):
            keys[pk] = model._meta.label
    return keys


def response_texts(response) -> list[tuple[str, str]]:
    """(part, text) of a response: the body, or each file of a zip download; binary media is skipped."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [(name, archive.read(name).decode(errors="replace")) for name in archive.namelist()]
    if content_type.startswith(BINARY):
        return []
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return [("headers", headers), ("body", body.decode(errors="replace"))]


class IdentifierLeaks(TenantWorldTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.firsts = move_sequences()

        def step():
            return cls.captureOnCommitCallbacks(execute=True)

        cls.tenant = build_tenant(_build_org("Acme"), tag="leakq8v", step=step)
        org = cls.tenant.org
        with step():
            anonymous = Client()
            anonymous.post("/my-data/", {"email": cls.tenant.candidate.email})
            anonymous.post("/accounts/password/reset/", {"email": org.recruiter.user.email})
            anonymous.post(
                "/accounts/signup/",
                {
                    "email": "founder@newco.test",
                    "full_name": "Nora Founder",
                    "organization_name": "Newco",
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                    "accept_dpa": "on",
                },
            )
        cls.emails = list(mail.outbox)

    def test_the_journey_sent_every_kind_of_email(self):
        """The scan below is only as good as the emails it reads: each kind the product sends is here."""
        subjects = " | ".join(m.subject for m in self.emails)
        for words in ("invited", "consent", "withdraw", "deleted on", "personal link", "Password Reset", "Confirm"):
            self.assertIn(words.lower(), subjects.lower(), subjects)

    def test_no_primary_key_in_any_page_json_download_or_email(self):
        keys = created_keys(self.firsts)
        self.assertGreater(len(keys), 60, "the organization should hold a row of every kind")
        texts, reached, problems = self._collect()
        pattern = re.compile(r"(?<![0-9A-Za-z])(" + "|".join(map(str, keys)) + r")(?![0-9A-Za-z])")
        leaks = []
        for where, text in texts:
            for match in pattern.finditer(text):
                pk = int(match.group(1))
                snippet = text[max(0, match.start() - 60) : match.end() + 20].replace("\n", " ")
                leaks.append(f"{where}: {keys[pk]} pk {pk} in …{snippet}…")
        missing = [e.route for e in all_endpoints() if e.route not in reached]
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertEqual(missing, [], "endpoints the scan did not open")
        self.assertEqual(leaks, [], "\n".join(leaks[:50]))

    def _collect(self):
        org = self.tenant.org
        admin, recruiter, candidate = Client(), Client(), Client()
        admin.force_login(org.admin.user)
        recruiter.force_login(org.recruiter.user)
        texts, problems, reached = [], [], set()
        for message in self.emails:
            alternatives = "".join(str(content) for content, _ in getattr(message, "alternatives", []))
            headers = " ".join(f"{k}: {v}" for k, v in message.message().items())
            texts.append((f"email {message.subject!r}", f"{headers}\n{message.body}\n{alternatives}"))

        # The candidate follows every link of every email (consent, withdrawal, portal, extension, invitation, reset,
        # verification); the tokens found open the other routes of the same flows.
        tokens = {}
        for message in self.emails:
            for link in LINK.findall(message.body):
                path = urlsplit(link).path
                try:
                    match = resolve(path)
                except Resolver404:
                    problems.append(f"an emailed link resolves nowhere: {link}")
                    continue
                tokens.setdefault(match.view_name, match.kwargs)
                tokens.setdefault(match.namespace, match.kwargs)
                texts += [(f"link {path} {part}", text) for part, text in response_texts(candidate.get(path))]

        for endpoint in all_endpoints():
            values = {}
            if "<pid:" in endpoint.route:  # a kind the world holds nothing of keeps its sample id (404 page)
                values["public_id"] = object_id_for(endpoint, org.organization)
            if "<str:token>" in endpoint.route:
                found = tokens.get(endpoint.name) or tokens.get(endpoint.name.split(":")[0]) or {}
                values.update({k: v for k, v in found.items() if k == "token"})
            if "<str:external_id>" in endpoint.route:
                model = endpoint.view.cls.model
                values["external_id"] = (
                    model.objects.for_operators()
                    .filter(organization=org.organization)
                    .values_list("external_id", flat=True)
                    .first()
                )
            path = path_with(endpoint, **{k: v for k, v in values.items() if v})
            statuses = set()
            for who, client in (("admin", admin), ("recruiter", recruiter)):
                if endpoint.name in ("account_logout", "admin:logout"):
                    continue  # GET only shows a confirmation; no data
                response = client.get(path)
                statuses.add(response.status_code)
                if response.status_code >= 500:
                    problems.append(f"{endpoint.route} as {who}: {response.status_code}")
                texts += [(f"{who} {path} {part}", text) for part, text in response_texts(response)]
            if values.get("public_id") and statuses == {404}:
                problems.append(f"{endpoint.route}: its object was not found, so its page was never scanned")
            reached.add(endpoint.route)
        return texts, reached, problems
