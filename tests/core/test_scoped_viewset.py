"""The base of tenant-scoped viewsets cannot be bypassed by a subclass by accident."""

import pytest

from accounts.models import ApiToken
from core.api.views import ScopedViewSet
from tests.factories import UserFactory


@pytest.mark.parametrize("method", ["get_queryset", "get_object", "get_permissions", "get_authenticators"])
def test_overriding_a_scoping_method_fails_at_class_creation(method):
    with pytest.raises(TypeError, match=method):
        type(
            "LeakyViewSet",
            (ScopedViewSet,),
            {"queryset": ApiToken.objects.all(), "owner_field": "user", method: lambda self: None},
        )


def test_a_queryset_without_an_owner_field_fails_at_class_creation():
    with pytest.raises(TypeError, match="owner_field"):
        type("UnscopedViewSet", (ScopedViewSet,), {"queryset": ApiToken.objects.all()})


def test_lists_hold_only_the_users_rows(auth_client, token_for):
    token_for(UserFactory(), name="someone else's")
    ids = {item["id"] for item in auth_client.get("/api/v1/auth/tokens").json()["data"]}
    assert ids == set(ApiToken.objects.filter(user=auth_client.user).values_list("id", flat=True))
