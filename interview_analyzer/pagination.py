from rest_framework.pagination import PageNumberPagination


class DefaultPagination(PageNumberPagination):
    """Every list endpoint is paginated with a maximum page size (SEC-VAL)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
