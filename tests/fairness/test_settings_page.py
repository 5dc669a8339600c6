"""The admins' self-identification settings (FAIR-1): suggested categories (off), adding and changing one, an
answer removed is retired (answers given keep counting), bad input a form error that changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from fairness.models import SelfIdentificationCategory, SelfIdentificationOption

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(acme):
    client = Client()
    client.force_login(acme.admin.user)
    return client


def test_the_page_suggests_categories_that_are_off_until_an_admin_turns_them_on(acme, admin_client):
    html = admin_client.get(reverse("fairness:settings")).content.decode()
    assert "Gender" in html and "Age band" in html and "Disability" in html
    categories = SelfIdentificationCategory.objects.visible_to(acme.admin)
    assert categories.count() == 3 and not categories.filter(enabled=True).exists()


def test_an_admin_adds_a_category_and_retires_an_answer(acme, admin_client):
    response = admin_client.post(
        reverse("fairness:settings"), {"new-name": "Region", "new-enabled": "on", "new-options": "North\nSouth\n"}
    )
    assert response.status_code == 302
    region = SelfIdentificationCategory.objects.visible_to(acme.admin).get(name="Region")
    assert region.enabled and [o.label for o in region.options.all()] == ["North", "South"]
    prefix = region.public_id
    response = admin_client.post(
        reverse("fairness:category_edit", args=[region.public_id]),
        {f"{prefix}-name": "Region", f"{prefix}-enabled": "on", f"{prefix}-options": "South\nEast"},
    )
    assert response.status_code == 302
    options = {
        o.label: o.active for o in SelfIdentificationOption.objects.visible_to(acme.admin).filter(category=region)
    }
    assert options == {"North": False, "South": True, "East": True}


def test_one_answer_is_a_form_error_and_nothing_is_stored(acme, admin_client):
    response = admin_client.post(reverse("fairness:settings"), {"new-name": "Region", "new-options": "Only one"})
    assert response.status_code == 400
    assert "Give at least two answers, one a line." in response.content.decode()
    assert not SelfIdentificationCategory.objects.visible_to(acme.admin).filter(name="Region").exists()
