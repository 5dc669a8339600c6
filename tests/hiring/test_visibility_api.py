"""The visibility table through the API (ORG-4, ORG-5): each role × {own hiring, other hiring in the organization,
another organization} × each object kind, read through its detail endpoint. Visible is 200; anything else is the
same 404 as a missing object. The expected table is the queryset table's, so pages, API and querysets agree."""

import pytest
from rest_framework.test import APIClient

from tests.hiring.test_visibility_querysets import EXPECTED, KINDS

pytestmark = pytest.mark.django_db

COLLECTIONS = {
    "hiring": "hirings",
    "criterion": "criteria",
    "candidate": "candidates",
    "interview": "interviews",
    "decision": "decisions",
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", list(EXPECTED), ids=lambda r: r.value)
def test_api_visibility_table(acme_world, globex_world, role, kind):
    _model, own_attr, other_attr = KINDS[kind]
    client = APIClient()
    client.force_login(acme_world.org.member(role).user)
    sees_own, sees_other = EXPECTED[role][kind]
    cases = [
        (getattr(acme_world, own_attr), sees_own),
        (getattr(acme_world, other_attr), sees_other),
        (getattr(globex_world, own_attr), False),
        (getattr(globex_world, other_attr), False),
    ]
    prefix = cases[0][0].public_id.split("_")[0]
    missing = client.get(f"/api/v1/{COLLECTIONS[kind]}/{prefix}_{'0' * 22}/")
    assert missing.status_code == 404
    for obj, visible in cases:
        response = client.get(f"/api/v1/{COLLECTIONS[kind]}/{obj.public_id}/")
        assert response.status_code == (200 if visible else 404), (role, kind, obj.public_id, response.status_code)
        if visible:
            assert response.json()["id"] == obj.public_id
        else:
            assert response.json() == missing.json()  # the same answer as an object that does not exist
    listed = client.get(f"/api/v1/{COLLECTIONS[kind]}/", {"page_size": 100}).json()["results"]
    listed_ids = {row["id"] for row in listed}
    assert listed_ids == {obj.public_id for obj, visible in cases if visible}
