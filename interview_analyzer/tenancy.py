"""Tenant isolation and record-level visibility (ORG-5, ORG-4).

Every tenant-owned model inherits ``TenantModel``: it carries its organization, and its default manager's one
read entry point is ``visible_to(member)``, which applies the organization filter and then the model's record-level
rule for the member's role (``restrict_to``). Views fetch single objects only through ``get_visible_or_404``, so an
object of another organization answers exactly like one that does not exist.
"""

from django.db import models
from django.http import Http404
from django.utils import formats

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


# Totals on pages and API lists are counted up to this many rows (issue 17): past it a count reads "10,000+". An exact
# COUNT(*) reads every row it counts, so on a large organization's dashboard the counts were what grew with the data.
COUNT_LIMIT = 10_000


class CountAtLeast(int):
    """A count that stopped at ``COUNT_LIMIT``: it compares and pluralises as ``COUNT_LIMIT + 1`` (so "more than
    the rows shown" and plural forms stay right) and prints as "10,000+" in the active language's digits."""

    def __new__(cls):
        return super().__new__(cls, COUNT_LIMIT + 1)

    def __str__(self):
        return f"{formats.number_format(COUNT_LIMIT, force_grouping=True)}+"

    def __format__(self, spec):
        return str(self)


def bounded(count: int) -> int:
    """``count`` as counted up to ``COUNT_LIMIT + 1`` rows: itself, or ``CountAtLeast`` past the limit."""
    return CountAtLeast() if count > COUNT_LIMIT else count


class CountOf(models.Subquery):
    """``COUNT(*)`` of a queryset as a scalar subquery (0 when it is empty), so that several totals of a page share one
    query and a list carries its own total (the dashboard's panels). ``up_to``: stop after that many rows and one
    more (read the result through ``bounded``)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = models.IntegerField()

    def __init__(self, queryset, *, up_to: int | None = None):
        counted = queryset.order_by().values("pk")
        super().__init__(counted if up_to is None else counted[: up_to + 1])


def first_rows_and_total(rows, limit: int, *, of) -> tuple[list, int]:
    """The first ``limit`` of ``rows`` and how many ``of`` holds in all (up to ``COUNT_LIMIT``: ``bounded``), for a
    list that is usually short (analyses awaiting review, failed analyses, data expiring soon): one that came back
    shorter than ``limit`` is everything, so its total costs nothing; only a full one asks ``COUNT(*)`` of ``of``
    (the same filter, without the rows' joins and annotations). ``CountOf`` inside the list's query would save that
    round trip but compile the filter twice on every request, the larger cost for a list that is rarely full (issue
    17's dashboard)."""
    shown = list(rows[:limit])
    if len(shown) < limit:
        return shown, len(shown)
    return shown, bounded(of.order_by()[: COUNT_LIMIT + 1].count())


def counts_for(member, **querysets) -> dict[str, int]:
    """Several counts in one round trip, each up to ``COUNT_LIMIT`` (``bounded``): each queryset a ``CountOf`` read
    off the member's organization row."""
    organizations = type(member.organization)._default_manager
    totals = {name: CountOf(queryset, up_to=COUNT_LIMIT) for name, queryset in querysets.items()}
    counted = organizations.filter(pk=member.organization_id).values(**totals).get()
    return {name: bounded(count) for name, count in counted.items()}
