"""Base classes for every API view.

* `ApiViewMixin` counts rate limits before permissions, and also when authentication fails, so
  guessing tokens is rate limited and every API response carries the rate-limit headers.
* `ScopedViewSet` is the base of every tenant-scoped viewset. Its queryset is always filtered to
  the requesting user through `owner_field`, and subclasses cannot override the methods that
  would bypass that (PostHog's fail-closed pattern): they refine with `scope_queryset()`.
"""

from rest_framework import viewsets
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView


class ApiViewMixin:
    def perform_authentication(self, request) -> None:
        try:
            request.user  # noqa: B018 - evaluating it authenticates the request
        finally:
            self.check_throttles(request)

    def check_throttles(self, request) -> None:
        if getattr(request, "_throttles_checked", False):
            return
        request._throttles_checked = True
        super().check_throttles(request)


class BaseAPIView(ApiViewMixin, APIView):
    pass


class ScopedViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Subclasses set `queryset` and `owner_field` (the lookup from the model to its owning user)."""

    owner_field: str = ""
    _sealed = ("get_queryset", "get_object", "get_permissions", "get_authenticators")

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        overridden = [name for name in cls._sealed if name in cls.__dict__]
        if overridden:
            raise TypeError(
                f"{cls.__name__} overrides {', '.join(overridden)}; tenant-scoped viewsets refine the "
                "queryset with scope_queryset() instead, so scoping to the user cannot be bypassed."
            )
        if "queryset" in cls.__dict__ and not cls.owner_field:
            raise TypeError(f"{cls.__name__} sets a queryset but no owner_field to scope it by.")

    def get_permissions(self):
        return [IsAuthenticated(), *(permission() for permission in self.permission_classes)]

    def get_queryset(self):
        user = self.request.user
        if not user or not user.is_authenticated:
            raise NotAuthenticated()
        queryset = self.queryset.all().filter(**{self.owner_field: user})
        return self.scope_queryset(queryset)

    def scope_queryset(self, queryset):
        """Refine the already user-scoped queryset (filters, annotations, select_related)."""
        return queryset


class ApiNotFoundView(BaseAPIView):
    """Answers every unknown /api/ path, so unknown routes get the envelope and rate-limit headers."""

    permission_classes = [AllowAny]
    schema = None

    def handle(self, request, *args, **kwargs):
        raise NotFound(f"No API route matches {request.method} {request.path}.")

    get = post = put = patch = delete = head = options = handle
