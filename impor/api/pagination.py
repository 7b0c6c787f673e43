"""Pages of 50 rows whose count stops at a cap, as on the list pages: counting a
million assets on every request would cost more than reading the page."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from impor.lists import CappedCountPaginator


class CappedCountPagination(PageNumberPagination):
    """`count` is exact up to `CappedCountPaginator.count_cap`; beyond it `count` is the
    cap plus one and `count_capped` is true."""

    django_paginator_class = CappedCountPaginator
    page_size = 50

    def get_paginated_response(self, data) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {"type": "boolean", "example": False}
        response["required"].append("count_capped")
        return response
