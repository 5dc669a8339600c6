"""The fairness report pages and CSV (FAIR-1): admins only, aggregates only, the counts behind every figure.

The world (conftest): Woman 7 candidates, 5 interviewed, 1 hired; Man 5, all interviewed, 3 hired; Non-binary 1;
"Prefer not to say" 0; No answer 5, applied only. 18 candidates.

- Interview: Woman 5/7 = 71.4 %, Man 5/5 = 100 % (reference); Woman's ratio 0.714 < 0.8: flagged.
- Hired: Woman 1/7 = 14.3 %, Man 3/5 = 60 %; ratio (1/7)/(3/5) = 5/21 = 0.238: flagged.
- Non-binary (1) and "Prefer not to say" (0) are both fewer than 5: hidden; two hidden cells in the row, and the
  organization's row (one hiring) hides the same two: a cycle, so nothing more is hidden.
- Scores of "System design": all ten sorted 2 2 3 3 4 4 4 5 5 5 plus Non-binary's 5 → eleven: 2 2 3 3 4 4 4 5 5 5 5,
  median 4 (the sixth). Woman at or above 4: 4, 5 → 2/5 = 40 %; Man 4, 4, 5, 5 → 4/5 = 80 % (reference);
  Woman's ratio 0.5: flagged.
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from fairness.models import SelfIdentification, SelfIdentificationCategory
from interview_analyzer.roles import Role
from tests.hiring.factories import HiringFactory

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def report_urls(world):
    return [
        reverse("fairness:report"),
        reverse("fairness:report_csv"),
        reverse("fairness:hiring_report", args=[world.hiring.public_id]),
        reverse("fairness:hiring_report_csv", args=[world.hiring.public_id]),
        reverse("fairness:settings"),
    ]


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_below_admin_every_fairness_page_is_a_404_and_nothing_changes(acme, world, role):
    before = (
        SelfIdentificationCategory.objects.for_operators().count(),
        SelfIdentification.objects.for_operators().count(),
    )
    client = client_for(acme.member(role))
    for url in report_urls(world):
        assert client.get(url).status_code == 404, url
    gender = world.gender
    response = client.post(
        reverse("fairness:category_edit", args=[gender.public_id]),
        {f"{gender.public_id}-name": "Changed", f"{gender.public_id}-options": "A\nB"},
    )
    assert response.status_code == 404
    assert (
        SelfIdentificationCategory.objects.for_operators().count(),
        SelfIdentification.objects.for_operators().count(),
    ) == before
    gender.refresh_from_db()
    assert gender.name == "Gender"


def test_another_organizations_admin_gets_a_404_for_this_hiring_and_sees_none_of_its_figures(world, globex):
    client = client_for(globex.admin)
    for url in report_urls(world)[2:4]:
        assert client.get(url).status_code == 404
    page = client.get(reverse("fairness:report")).content.decode()
    assert "Platform engineer" not in page and "Woman" not in page  # Globex has its own (suggested, off) categories
    response = client.post(
        reverse("fairness:category_edit", args=[world.gender.public_id]),
        {f"{world.gender.public_id}-name": "Changed", f"{world.gender.public_id}-options": "A\nB"},
    )
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get(reverse("fairness:report"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_hiring_report_shows_the_hand_worked_figures_with_their_counts(acme, world):
    page = client_for(acme.admin).get(reverse("fairness:hiring_report", args=[world.hiring.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "13 of 18 candidates answered at least one question." in html
    assert "71.4 %" in html and "(5/7)" in html and "100.0 %" in html and "(5/5)" in html
    assert "14.3 %" in html and "(1/7)" in html and "60.0 %" in html and "(3/5)" in html
    assert "ratio 0.71" in html and "ratio 0.24" in html and "below four fifths" in html
    assert "40.0 %" in html and "(2/5)" in html and "80.0 %" in html and "(4/5)" in html and "ratio 0.50" in html
    assert html.count("fewer than 5") >= 2
    # The chart: inline SVG with a text alternative naming the figures.
    assert '<svg role="img"' in html and "<desc" in html
    assert "Interview: Woman 71.4 % (5/7) (below four fifths); Man 100.0 % (5/5)" in html
    # Only aggregates: no candidate's name is on the page.
    assert "Woman candidate" not in html and "Non-binary candidate" not in html


def rows_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_every_figure_with_its_counts_and_hidden_groups_say_why(acme, world):
    response = client_for(acme.admin).get(reverse("fairness:hiring_report_csv", args=[world.hiring.public_id]))
    rows = rows_of(response)
    key = {(r["measure"], r["line"], r["group"]): r for r in rows}
    woman = key[("stage", "interview", "Woman")]
    assert (woman["n"], woman["N"], woman["rate_percent"], woman["impact_ratio"], woman["four_fifths_flag"]) == (
        "5", "7", "71.4", "0.714", "yes"
    )  # fmt: skip
    man = key[("stage", "hired", "Man")]
    assert (man["n"], man["N"], man["rate_percent"], man["reference"], man["four_fifths_flag"]) == (
        "3", "5", "60.0", "yes", ""
    )  # fmt: skip
    assert key[("stage", "hired", "Woman")]["impact_ratio"] == "0.238"
    for group in ("Non-binary", "Prefer not to say"):
        hidden = key[("stage", "hired", group)]
        assert (hidden["n"], hidden["N"], hidden["rate_percent"], hidden["note"]) == (
            "",
            "",
            "",
            "fewer than 5 candidates",
        )
    score = key[("score_at_or_above_median", "System design", "Woman")]
    assert (score["n"], score["N"], score["rate_percent"], score["impact_ratio"]) == ("2", "5", "40.0", "0.500")
    assert key[("applied", "Applied", "No answer")]["N"] == "5"
    assert {r["scope"] for r in rows} == {world.hiring.public_id}


def test_the_organization_report_counts_every_hiring_and_hides_a_group_small_in_one_hiring(acme, world):
    """A second hiring with 2 women only: the organization's Woman (9) minus this hiring's (7) would show the
    other hiring's 2, so its report hides Woman and a partner; the organization's report shows the sums."""
    from tests.fairness.conftest import answer
    from tests.hiring.factories import CandidateFactory

    other = HiringFactory(owner=acme.recruiter, organization=acme.organization, title="Data analyst")
    for index in range(2):
        answer(CandidateFactory(hiring=other, name=f"Analyst {index}"), world.gender, world.options["Woman"])
    for index in range(6):
        answer(CandidateFactory(hiring=other, name=f"Analyst man {index}"), world.gender, world.options["Man"])
    client = client_for(acme.admin)
    rows = rows_of(client.get(reverse("fairness:report_csv")))
    key = {(r["measure"], r["line"], r["group"]): r for r in rows}
    assert key[("applied", "Applied", "Woman")]["N"] == "9"
    assert key[("applied", "Applied", "Man")]["N"] == "11"
    other_rows = rows_of(client.get(reverse("fairness:hiring_report_csv", args=[other.public_id])))
    other_key = {(r["measure"], r["line"], r["group"]): r for r in other_rows}
    assert other_key[("applied", "Applied", "Woman")]["note"] == "fewer than 5 candidates"
    # The first hiring's Woman (7) is shown; then the organization's 9 minus 7 would give 2: something else
    # must be hidden so that it cannot be worked out (the first hiring's Woman, or the organization's).
    first = {
        (r["measure"], r["line"], r["group"]): r
        for r in rows_of(client.get(reverse("fairness:hiring_report_csv", args=[world.hiring.public_id])))
    }
    shown_first, shown_org = first[("applied", "Applied", "Woman")]["N"], key[("applied", "Applied", "Woman")]["N"]
    assert not (shown_first and shown_org), "organization minus the first hiring would give the second's Woman"
