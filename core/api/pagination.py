"""Page-number pagination in the envelope of DESIGN.md §4.

`?page=` (from 1) and `?pageSize=` (also `page_size`; default 20, at most 100). A page past the
end is an empty page, not an error; a malformed or out-of-range value is a 400.
"""

import math

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api.envelope import Envelope

DEFAULT_PAGE_SIZE = api_settings.PAGE_SIZE
MAX_PAGE_SIZE = 100


def _positive_int(request, names: tuple[str, ...], default: int, maximum: int | None = None) -> int:
    raw = next((request.query_params[name] for name in names if name in request.query_params), None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        bound = f"between 1 and {maximum}" if maximum else "a positive integer"
        raise ValidationError({names[0]: [f"Must be {bound}; got {raw!r}."]})
    return value


class EnvelopePagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.page = _positive_int(request, ("page",), 1)
        self.page_size = _positive_int(request, ("pageSize", "page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        self.total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        start = (self.page - 1) * self.page_size
        return list(queryset[start : start + self.page_size])

    def get_paginated_response(self, data):
        total_pages = math.ceil(self.total / self.page_size) if self.total else 0
        return Response(
            Envelope(
                success=True,
                data=data,
                pagination={
                    "page": self.page,
                    "pageSize": self.page_size,
                    "total": self.total,
                    "totalPages": total_pages,
                    "hasMore": self.page < total_pages,
                },
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["success", "data", "pagination"],
            "properties": {
                "success": {"type": "boolean", "enum": [True]},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "required": ["page", "pageSize", "total", "totalPages", "hasMore"],
                    "properties": {
                        "page": {"type": "integer", "minimum": 1},
                        "pageSize": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                        "total": {"type": "integer", "minimum": 0},
                        "totalPages": {"type": "integer", "minimum": 0},
                        "hasMore": {"type": "boolean"},
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": "pageSize",
                "in": "query",
                "required": False,
                "description": f"Items per page (at most {MAX_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
            },
        ]
