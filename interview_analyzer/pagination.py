"""Every API list is paginated (SEC-VAL), and its total is counted up to a bound (issue 17).

A page's rows cost the same whatever the size of the list: an index range of ``page_size`` rows. Its exact total does
not: ``COUNT(*)`` reads every row of the list, so at 100,000 candidates the count was most of the candidate list's
time and grew with the data. The total is therefore counted up to ``COUNT_LIMIT`` rows. A list within it reports its
exact ``count`` (``count_exact: true``); a longer one reports ``COUNT_LIMIT`` and ``count_exact: false`` ("more than
10,000"), and its pages still all work: ``next`` is there exactly when a row follows the page (the page reads one row
ahead), whatever the count says, and ``?page=last`` counts the whole list, the one request that needs it.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from interview_analyzer.tenancy import COUNT_LIMIT


class BoundedCountPaginator(Paginator):
    """Django's paginator, with the total counted up to ``COUNT_LIMIT`` rows and each page reading one row ahead."""

    count_limit = COUNT_LIMIT

    @cached_property
    def _bounded_count(self) -> tuple[int, bool]:
        # Without the list's ORDER BY (a count needs no sort); the LIMIT stops the index scan at the bound.
        bounded = self._unordered()[: self.count_limit + 1]
        counted = len(bounded) if isinstance(bounded, list) else bounded.count()
        return min(counted, self.count_limit), counted <= self.count_limit

    @property
    def count(self) -> int:
        return self._bounded_count[0]

    @property
    def count_is_exact(self) -> bool:
        return self._bounded_count[1]

    @cached_property
    def exact_count(self) -> int:
        return len(self.object_list) if isinstance(self.object_list, list) else self._unordered().count()

    def _unordered(self):
        return self.object_list if isinstance(self.object_list, list) else self.object_list.order_by()

    def validate_number(self, number) -> int:
        """Django's checks; past the bounded count a page number may still hold rows, which only ``page`` can tell."""
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return BoundedPage(rows[: self.per_page], number, self, followed=len(rows) > self.per_page)


class BoundedPage(Page):
    def __init__(self, object_list, number, paginator, *, followed: bool):
        super().__init__(object_list, number, paginator)
        self.followed = followed

    def has_next(self) -> bool:
        return self.followed


class DefaultPagination(PageNumberPagination):
    """Every list endpoint is paginated with a maximum page size (SEC-VAL); its total is bounded (module docstring)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = BoundedCountPaginator

    def get_page_number(self, request, paginator):
        page_number = request.query_params.get(self.page_query_param) or 1
        if page_number in self.last_page_strings:
            return max(1, -(-paginator.exact_count // paginator.per_page))
        return page_number

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"How many the list holds, counted up to {COUNT_LIMIT:,}: past that, {COUNT_LIMIT:,} and count_exact false."
        )
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": f"False when the list holds more than {COUNT_LIMIT:,}: follow next to the end.",
            },
            **{name: value for name, value in response["properties"].items() if name != "count"},
        }
        response["required"] = ["count", "count_exact", "results"]
        return response
