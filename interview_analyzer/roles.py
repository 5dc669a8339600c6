"""The four ordered roles of a membership (ORG-1, ORG-2), on floor 0 so permissions can order them without
importing accounts; ``accounts.Membership.role`` stores them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Listed from least to most privileged; ``rank`` follows this order."""

    INTERVIEWER = "interviewer", _("Interviewer")
    HIRING_MANAGER = "hiring_manager", _("Hiring manager")
    RECRUITER = "recruiter", _("Recruiter")
    ADMIN = "admin", _("Admin")

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)

    def at_least(self, other: "Role | str") -> bool:
        return self.rank >= Role(other).rank


ROLE_ORDER = [Role.INTERVIEWER, Role.HIRING_MANAGER, Role.RECRUITER, Role.ADMIN]
