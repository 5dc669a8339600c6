"""Tenant isolation through ``visible_to(member)`` and ``get_visible_or_404`` (ORG-5)."""

import pytest
from django.apps import apps
from django.http import Http404

from accounts.models import Membership, Organization
from interview_analyzer.tenancy import TenantModel, TenantQuerySet, get_visible_or_404
from interview_analyzer.viewsets import TenantViewSet

pytestmark = pytest.mark.django_db
PRODUCT_APPS = {"accounts", "hiring", "consent", "retention", "ai_analysis", "billing", "integrations"}


def test_a_member_sees_only_their_own_organization(acme, globex):
    visible = set(Membership.objects.visible_to(acme.interviewer))
    assert visible == {acme.admin, acme.recruiter, acme.hiring_manager, acme.interviewer}
    assert not visible & {globex.admin, globex.recruiter}
    assert list(Organization.objects.visible_to(acme.interviewer)) == [acme.organization]


def test_another_organizations_object_is_the_same_404_as_a_missing_one(acme, globex):
    with pytest.raises(Http404) as foreign:
        get_visible_or_404(Membership, acme.admin, globex.recruiter.public_id)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(Membership, acme.admin, "mem_" + "0" * 22)
    assert str(foreign.value) == str(missing.value)
    assert get_visible_or_404(Membership, acme.admin, acme.recruiter.public_id) == acme.recruiter


def test_no_member_or_an_inactive_member_sees_nothing(acme):
    assert not Membership.objects.visible_to(None).exists()
    acme.recruiter.is_active = False
    acme.recruiter.save()
    assert not Membership.objects.visible_to(acme.recruiter).exists()
    assert not Organization.objects.visible_to(acme.recruiter).exists()


def test_every_model_with_an_organization_is_a_tenant_model_with_a_scoped_queryset():
    """Enumerated, not listed: a new tenant model without the base fails here the day it is written."""
    offenders = []
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if "organization" not in fields or model._meta.app_label not in PRODUCT_APPS:
            continue
        if not issubclass(model, TenantModel) or not isinstance(model._default_manager.all(), TenantQuerySet):
            offenders.append(model._meta.label)
    assert offenders == []


def test_the_api_base_refuses_a_subclass_that_overrides_get_queryset():
    with pytest.raises(TypeError):

        class Leaky(TenantViewSet):
            model = Membership

            def get_queryset(self):
                return Membership.objects.all()
