"""Tenant isolation and record-level visibility (ORG-5, ORG-4).

Every tenant-owned model inherits ``TenantModel``: it carries its organization, and its default manager's one
read entry point is ``visible_to(member)``, which applies the organization filter and then the model's record-level
rule for the member's role (``restrict_to``). Views fetch single objects only through ``get_visible_or_404``, so an
object of another organization answers exactly like one that does not exist.
"""

from django.db import models
from django.http import Http404

from interview_analyzer.public_ids import is_public_id


class TenantQuerySet(models.QuerySet):
    def visible_to(self, member):
        """Rows of the member's organization that the member's role may see; nothing for no or inactive member."""
        if member is None or not getattr(member, "is_active", False) or not member.organization_id:
            return self.none()
        return self.filter(organization_id=member.organization_id).restrict_to(member)

    def restrict_to(self, member):
        """Record-level rule (ORG-4). The organization filter has been applied; models narrow it further."""
        return self

    def for_operators(self):
        """Every organization's rows: only for platform operators in the Django admin and for system jobs."""
        return self.all()


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


class TenantModel(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True


def get_visible_or_404(model, member, public_id, *, queryset=None):
    """The one way to fetch an object a member may see (ORG-5): the same 404 for missing and foreign objects."""
    if not is_public_id(public_id):
        raise Http404
    base = queryset if queryset is not None else model.objects.all()
    try:
        return base.visible_to(member).get(public_id=public_id)
    except model.DoesNotExist:
        raise Http404 from None


class CountOf(models.Subquery):
    """``COUNT(*)`` of a queryset as a scalar subquery (0 when it is empty), so that several totals of a page share one
    query and a list carries its own total (the dashboard's panels)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = models.IntegerField()

    def __init__(self, queryset):
        super().__init__(queryset.order_by().values("pk"))


def first_rows_and_total(rows, limit: int, *, of) -> tuple[list, int]:
    """The first ``limit`` of ``rows`` and how many ``of`` holds in all, for a list that is usually short (analyses
    awaiting review, failed analyses): one that came back shorter than ``limit`` is everything, so its total costs
    nothing; only a full one asks ``COUNT(*)`` of ``of`` (the same filter, without the rows' joins and annotations).
    ``CountOf`` inside the list's query would save that round trip but compile the filter twice on every request,
    the larger cost for a list that is rarely full (issue 17's dashboard)."""
    shown = list(rows[:limit])
    return shown, (len(shown) if len(shown) < limit else of.count())


def counts_for(member, **querysets) -> dict[str, int]:
    """Several counts in one round trip: each queryset a ``CountOf`` read off the member's organization row."""
    organizations = type(member.organization)._default_manager
    totals = {name: CountOf(queryset) for name, queryset in querysets.items()}
    return organizations.filter(pk=member.organization_id).values(**totals).get()
