"""The start page: what needs each person, the moment they sign in (OPS-3, ORG-2).

Visitors get the landing page. A signed-in member lands on the page of their work, at ``/`` itself: recruiters,
hiring managers and admins on the pipeline dashboard (with the queue of drafts awaiting review; admins also see
the organization's health), interviewers on their interviews. Someone without an organization, or not verified
yet, sees the welcome card that says what to do next.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from hiring.views.interviews import render_my_interviews
from hiring.views.pipeline_dashboard import render_dashboard
from interview_analyzer.permissions import member_may
from interview_analyzer.roles import Role


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    member = request.member
    if member_may(member, Role.HIRING_MANAGER):
        return render_dashboard(request, home=True)
    if member_may(member, Role.INTERVIEWER):
        return render_my_interviews(request, home=True)
    return render(request, "home.html", {"member": member})
