"""An organization with a row of every kind an endpoint can name, for the matrix rows that need real objects (TST-1).

``build_tenant(org)`` fills an organization (a ``tests.conftest.Org`` of people) through the real services and the
shared fixture builders: hirings, criteria with a question, a consenting candidate with a CV, an interview with a
recording, its analysis, turns, scores, feedback and a scorecard, a decision, a retention clock with an expiry
warning, an ATS connector with its key and external ids, a webhook endpoint with a delivery, a pending invitation,
API keys, a deletion record, the organization's own AI endpoint with an evaluation (BYO-1), its self-identification
categories (FAIR-1) and a passkey of its admin (MFA-1: the passkey list shows a real one, linked by reference, ORG-6).
``object_id_for(endpoint, organization)`` picks, for an endpoint with a public-id segment,
the tenant's object of the kind that endpoint takes.
"""

import contextlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import TestCase, override_settings
from django.utils.text import slugify

from accounts.models import ApiKey, Invitation, Membership
from accounts.services import create_api_key, invite_member
from ai_analysis import provider_settings
from ai_analysis.models import OrganizationAIProvider, ProviderEvaluation
from consent import services as consent_services
from fairness.models import SelfIdentificationCategory
from integrations import services as integration_services
from integrations.models import ExternalCandidate, ExternalHiring, WebhookEndpoint
from interview_analyzer.tenancy import TenantModel
from retention import services as retention_services

# Page routes whose object segment names no API route (the API routes give the rest: see ``model_for``).
PAGE_ONLY_SEGMENTS = {
    "members": Membership,
    "invitations": Invitation,
    "api-keys": ApiKey,
    "endpoints": WebhookEndpoint,
    "evaluations": ProviderEvaluation,
    "categories": SelfIdentificationCategory,
}


@dataclass
class Tenant:
    org: object  # tests.conftest.Org
    candidate: object  # the consenting candidate with every kind of row (tests/retention/world.full_candidate)
    raw_keys: dict = field(default_factory=dict)  # scope name ("read", "write", "ats", "all") -> raw API key
    external_hiring_id: str = ""
    external_candidate_id: str = ""
    secrets: list = field(default_factory=list)  # words only this organization's data contains

    @property
    def organization(self):
        return self.org.organization


def tenant_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, TenantModel) and any(f.name == "public_id" for f in m._meta.fields)
    ]


def tenant_public_ids(organization) -> dict[str, list[str]]:
    """Every public id of the organization's tenant rows, by model label."""
    return {
        model._meta.label: list(
            model.objects.for_operators().filter(organization=organization).values_list("public_id", flat=True)
        )
        for model in tenant_models()
    }


def tenant_snapshot(organization, *, ignore=("last_used_at",)) -> dict:
    """Every value of every tenant row of the organization (minus bookkeeping of reads, e.g. a key's last use)."""
    snapshot = {}
    for model in tenant_models():
        rows = model.objects.for_operators().filter(organization=organization).order_by("pk").values()
        snapshot[model._meta.label] = [{k: v for k, v in row.items() if k not in ignore} for row in rows]
    return snapshot


def build_tenant(org, *, tag: str, step=contextlib.nullcontext) -> Tenant:
    """``tag`` makes this organization's words distinctive (``tenant.secrets``), so a body that carries them is
    proof of a leak. Each step runs inside ``step()``: pass ``captureOnCommitCallbacks(execute=True)`` to send the
    emails of each step after it, as its commit would."""
    from hiring import services as hiring_services
    from tests.hiring.factories import CriterionFactory, HiringFactory
    from tests.retention.world import full_candidate

    organization = org.organization
    organization.plan = "enterprise"  # API keys, and a per-key limit the matrix's requests stay under (KEY-7)
    organization.save()
    hiring = HiringFactory(owner=org.recruiter, organization=organization, title=f"Hiring {tag}")
    CriterionFactory(hiring=hiring, name=f"Criterion {tag}")
    hiring_services.add_question(actor=org.recruiter, criterion=hiring.criteria.first(), text=f"Question {tag}?")

    ats_key, ats_raw = create_api_key(actor=org.admin, name="ATS", scopes=["ats"], allowed_cidrs=[])
    integration_services.save_connector(
        actor=org.admin, enabled=True, kind="greenhouse", allowed_hosts=["hooks.ats.example"], api_key=ats_key
    )
    with step():
        person = full_candidate(
            org.recruiter, name=f"Candidate {tag}", email=f"candidate-{tag}@mail.test", hiring=hiring
        )
    with step():  # the interviewer submits the scorecard (a draft is its author's alone; admins see it submitted)
        from ai_analysis.models import Scorecard
        from ai_analysis.scorecards import submit_scorecard

        for scorecard in Scorecard.objects.for_operators().filter(interview__candidate=person.candidate):
            submit_scorecard(actor=org.recruiter, scorecard=scorecard)
    with step():  # the organization's self-identification categories (FAIR-1), as an admin starts them
        from fairness import services as fairness_services

        fairness_services.suggest_categories(actor=org.admin)
    with step():  # a second, undecided candidate for the pages and endpoints that act on an open candidacy
        consent_services.add_candidate(
            actor=org.recruiter, hiring=hiring, name=f"Second {tag}", email=f"second-{tag}@mail.test"
        )
    with step():  # an erased candidate leaves its deletion record (RET-5)
        gone = consent_services.add_candidate(
            actor=org.recruiter, hiring=hiring, name=f"Erased {tag}", email=f"erased-{tag}@mail.test"
        )
    with step():
        retention_services.erase_candidate(
            gone, reason="Asked to be forgotten", trigger="staff_request", actor=org.admin
        )
    with step():
        invite_member(actor=org.admin, email=f"pending-{tag}@mail.test", role="recruiter")
    external_hiring = ExternalHiring.objects.create(
        organization=organization, kind="greenhouse", external_id=f"JOB-{tag}", hiring=hiring
    )
    external_candidate = ExternalCandidate.objects.for_operators().get(candidate=person.candidate)
    ExternalCandidate.objects.for_operators().filter(pk=external_candidate.pk).update(kind="greenhouse")

    # The organization's own AI endpoint (BYO-1), with its key, and a finished golden-set evaluation of it. Rows
    # written directly: the service would resolve the endpoint's host, and the matrix needs no network.
    own_model = OrganizationAIProvider.objects.create(
        organization=organization,
        base_url="https://models.ai.example/v1",
        model=f"model-{tag}",
        api_key_secret=provider_settings.encrypt_key(f"sk-own-model-{tag}"),
    )
    ProviderEvaluation.objects.create(
        organization=organization,
        provider=own_model,
        config_version=own_model.config_version,
        kind=own_model.kind,
        base_url=own_model.base_url,
        model=own_model.model,
        status="done",
    )

    # The admin's passkey (MFA-1), as allauth's registration stores it: its pages name it by reference (ORG-6).
    from tests.accounts.soft_authenticator import stored_passkey

    stored_passkey(org.admin.user, f"Passkey {tag}")

    raw_keys = {"ats": ats_raw}
    for name, scopes in {"read": ["read"], "write": ["write"], "all": ["read", "write", "ats"]}.items():
        raw_keys[name] = create_api_key(actor=org.admin, name=f"{name} key", scopes=scopes, allowed_cidrs=[])[1]
    return Tenant(
        org=org,
        candidate=person.candidate,
        raw_keys=raw_keys,
        external_hiring_id=external_hiring.external_id,
        external_candidate_id=external_candidate.external_id,
        secrets=[
            *person.secrets,
            f"Hiring {tag}",
            f"Criterion {tag}",
            f"Second {tag}",
            f"sk-own-model-{tag}",
            f"Passkey {tag}",
        ],
    )


def _api_segment_models() -> dict[str, type[models.Model]]:
    """The object segment of every API route with a public id -> the model its view set serves."""
    from tests.security.urls_under_test import all_endpoints

    found = {}
    for endpoint in all_endpoints():
        model = getattr(getattr(endpoint.view, "cls", None), "model", None)
        segment = pid_segment(endpoint.route)
        if model is not None and segment:
            found.setdefault(segment, model)
    return found


def pid_segment(route: str) -> str:
    """The path segment before the first ``<pid:…>``: ``candidates`` for ``candidates/<pid:public_id>/edit``."""
    match = re.search(r"([\w-]+)/<pid:", route)
    return match.group(1) if match else ""


def model_for(endpoint) -> type[models.Model] | None:
    """The model whose public id an endpoint's ``<pid:…>`` segment takes (None: the endpoint takes none)."""
    if "<pid:" not in endpoint.route:
        return None
    model = getattr(getattr(endpoint.view, "cls", None), "model", None)
    if model is not None:
        return model
    segment = pid_segment(endpoint.route)
    named = {slugify(m._meta.verbose_name_plural): m for m in tenant_models()}  # "categories", "api-keys"…
    return _api_segment_models().get(segment) or PAGE_ONLY_SEGMENTS.get(segment) or named.get(segment)


def routes_without_an_object(endpoints, organization) -> list[str]:
    """Object routes the organization holds nothing for: the matrix tries them with a never-issued id only, so a
    foreign-object check there proves little. ``build_tenant`` should create a row of that kind."""
    return [e.route for e in endpoints if "<pid:" in e.route and object_id_for(e, organization) is None]


def object_id_for(endpoint, organization) -> str | None:
    """A public id of the organization's object of the kind ``endpoint`` takes, or None if it has none."""
    model = model_for(endpoint)
    if model is None:
        return None
    rows = model.objects.for_operators().filter(organization=organization)
    if model is Membership:
        rows = rows.filter(role="recruiter")  # not the admin whose key or session is calling
    return rows.order_by("pk").values_list("public_id", flat=True).first()


class TenantWorldTestCase(TestCase):
    """Built once per class (``setUpTestData``), each test rolled back: the matrix stays fast (TST-1). Uploads go to
    a temporary directory unless the run is Azure-backed (Azurite in CI)."""

    @classmethod
    def setUpClass(cls):
        cls._media = None
        if not settings.AZURE_STORAGE_CONNECTION_STRING:
            cls._media = tempfile.mkdtemp(prefix="security-matrix-")
            storages = {**settings.STORAGES}
            storages["default"] = {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": cls._media},
            }
            cls._storage = override_settings(STORAGES=storages)
            cls._storage.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        if cls._media:
            cls._storage.disable()
            shutil.rmtree(cls._media, ignore_errors=True)
