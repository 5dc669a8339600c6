"""Interviewer scorecards in Chromium (issue 14; AI-3, AI-4, ORG-4).

The demo interviewer signs in and finds "Scorecards to submit" on their home page; the scorecard opens pre-filled
from the AI analysis of the interview (its draft scores, notes and quoted turns); they change one rating and submit.
A second interviewer of the same candidate does not see that scorecard on the candidate's page (only the sentence
that they will after submitting their own), submits theirs, and then sees both side by side. The recruiter sees
both beside the approved AI score on the candidate page and on the comparison.

Screenshots land in var/screenshots/ (SCREENSHOT_DIR) for a person to look at.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ai_analysis.models import Review, Score, Scorecard
from hiring.models import Interview
from interview_analyzer.roles import Role
from tests.ai_analysis.test_pages import analysed
from tests.e2e.test_analysis_journey import demo_world
from tests.e2e.test_hiring_journey import console_errors, sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.hiring.factories import InterviewFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_interviewer_submits_a_prefilled_scorecard_and_another_sees_it_only_after_submitting_theirs(
    live_server, browser
):
    recruiter_login = demo_login("recruiter")
    world = demo_world(recruiter_login)
    Interview.objects.for_operators().filter(pk=world.interview.pk).update(
        scheduled_at=timezone.now() - timedelta(hours=3)
    )
    analysis = analysed(world)
    scores = list(Score.objects.for_operators().filter(analysis=analysis).order_by("pk"))
    Score.objects.for_operators().filter(pk=scores[0].pk).update(
        status=Review.APPROVED, reviewed_at=timezone.now(), value=4
    )
    first_login = demo_login("interviewer")
    second_user = UserFactory(full_name="Sam Second")
    second = MembershipFactory(organization=world.org.organization, user=second_user, role=Role.INTERVIEWER)
    second_interview = InterviewFactory(
        candidate=world.candidate,
        interviewer=second,
        organization=world.org.organization,
        scheduled_at=timezone.now() - timedelta(hours=1),
    )
    criteria = list(world.hiring.criteria.order_by("position", "pk"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # --- The first interviewer: home page, pre-filled scorecard, submit ---
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    sign_in(page, base, first_login)
    to_submit = page.locator("#scorecards-to-submit")
    expect(to_submit.get_by_role("heading", name="Scorecards to submit")).to_be_visible()
    expect(to_submit.locator('[data-role="to-submit-count"]')).to_have_text("1")
    page.screenshot(path=str(SCREENSHOTS / "scorecard-home.png"), full_page=True)
    to_submit.get_by_role("link", name="Write the scorecard of Robin Example").click()
    expect(page.get_by_role("heading", name="Interview scorecard")).to_be_visible()
    expect(page.get_by_text("Pre-filled from the AI analysis")).to_be_visible()
    first_box = page.locator(f"#criterion-{criteria[0].public_id}")
    expect(first_box.get_by_text("Approved AI score: 4/5")).to_be_visible()
    expect(first_box.get_by_label("Rating")).to_have_value("4")
    expect(page.locator(f"#criterion-{criteria[1].public_id}").get_by_label("Rating")).to_have_value("3")
    quoted = scores[0].evidence.get().turn
    expect(first_box.locator(f'input[value="{quoted.public_id}"]')).to_be_checked()
    page.screenshot(path=str(SCREENSHOTS / "scorecard-prefilled.png"), full_page=True)
    third_box = page.locator(f"#criterion-{criteria[2].public_id}")
    third_box.get_by_label("Rating").select_option("none")
    third_box.get_by_label("Note").fill("Nothing was said about Mandarin.")
    page.get_by_role("button", name="Submit my scorecard").click()
    # "No evidence" with the AI's quote still ticked is refused, saying why, and nothing is stored.
    expect(third_box.get_by_text("“No evidence” cannot rest on quotes")).to_be_visible()
    assert not Scorecard.objects.for_operators().exists()
    page.screenshot(path=str(SCREENSHOTS / "scorecard-refused.png"), full_page=True)
    for box in third_box.locator('input[type="checkbox"]').all():
        box.uncheck()
    page.get_by_role("button", name="Submit my scorecard").click()
    expect(page.get_by_text("Your scorecard is submitted.")).to_be_visible()
    submitted = page.locator("#submitted-scorecards")
    expect(submitted.get_by_text("Nothing was said about Mandarin.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "scorecard-submitted.png"), full_page=True)
    card = Scorecard.objects.for_operators().get(interview=world.interview)
    assert card.status == Scorecard.Status.SUBMITTED and card.author == world.org.interviewer
    assert [rating.value for rating in card.ratings.all()] == [4, 3, None]
    # The one refused submit logs its 400 as a console error; nothing else may (no CSP violation, no script error).
    assert [e for e in errors if "status of 400" not in e] == [], errors

    # --- The second interviewer: nothing of the first one's until they submitted their own ---
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other_errors = console_errors(other)
    sign_in(other, base, {"email": second_user.email, "password": PASSWORD})
    other.goto(f"{base}/candidates/{world.candidate.public_id}/")
    panel = other.locator("#scorecards")
    expect(panel.get_by_text("after you submitted your own")).to_be_visible()
    expect(panel.get_by_text(world.org.interviewer.user.display_name)).to_have_count(0)
    other.screenshot(path=str(SCREENSHOTS / "scorecard-before-own.png"), full_page=True)
    panel.get_by_role("link", name="Write your scorecard").click()
    expect(other.get_by_role("heading", name="Interview scorecard")).to_be_visible()
    expect(other.get_by_text("Rate each criterion from 1 to 5")).to_be_visible()  # no analysis of their interview
    assert other.locator(f"#id_value_{criteria[0].public_id}").input_value() == ""
    other.get_by_role("button", name="Submit my scorecard").click()
    expect(other.get_by_text("Choose a rating from 1 to 5, or “no evidence”.").first).to_be_visible()
    assert not Scorecard.objects.for_operators().filter(interview=second_interview).exists()
    for criterion, value in zip(criteria, ["5", "2", "none"], strict=True):
        other.locator(f"#criterion-{criterion.public_id}").get_by_label("Rating").select_option(value)
    other.get_by_role("button", name="Submit my scorecard").click()
    expect(other.get_by_text("Your scorecard is submitted.")).to_be_visible()
    other.goto(f"{base}/candidates/{world.candidate.public_id}/")
    table = other.locator("#scorecards table")
    expect(table.get_by_role("columnheader", name=world.org.interviewer.user.display_name)).to_be_visible()
    expect(table.get_by_role("columnheader", name="Sam Second")).to_be_visible()
    other.screenshot(path=str(SCREENSHOTS / "scorecard-after-own.png"), full_page=True)
    assert [e for e in other_errors if "status of 400" not in e] == [], other_errors

    # --- The recruiter: both beside the approved AI score, on the candidate page and the comparison ---
    recruiter = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(recruiter, base, recruiter_login)
    recruiter.goto(f"{base}/candidates/{world.candidate.public_id}/")
    row = recruiter.locator("#scorecards table tbody tr").first
    expect(row).to_contain_text(criteria[0].name)
    expect(row.locator("td")).to_have_text(["4", "4", "5"])
    recruiter.screenshot(path=str(SCREENSHOTS / "scorecard-recruiter-candidate.png"), full_page=True)
    recruiter.goto(f"{base}/hirings/{world.hiring.public_id}/compare")
    expect(recruiter.get_by_text("Interviewers: 4.5 (2 scorecards)")).to_be_visible()
    recruiter.screenshot(path=str(SCREENSHOTS / "scorecard-compare.png"), full_page=True)
