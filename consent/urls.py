from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    # The candidate's one-time consent link, and later their withdrawal portal (CON-2, CON-5). No sign-in.
    path("consent/<str:token>/", views.candidate_link, name="link"),
    # A recruiter adds a candidate: the consent request is created and emailed with them (CON-1).
    path("hirings/<pid:public_id>/candidates/new", views.candidate_add, name="candidate_add"),
    # A recruiter's "send a new link" button on the candidate page (CON-6).
    path("consents/<pid:public_id>/resend/", views.resend, name="resend"),
]
