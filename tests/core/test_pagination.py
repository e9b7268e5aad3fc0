import pytest

from accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_tokens(auth_client):
    for n in range(44):
        api_token_create(user=auth_client.user, name=f"t{n:02d}")
    return auth_client  # 45 tokens with the fixture's own


def test_pages_cover_every_item_exactly_once(many_tokens):
    seen = []
    page = 1
    while True:
        body = many_tokens.get("/api/v1/auth/tokens", {"page": page, "pageSize": 20}).json()
        seen += [item["id"] for item in body["data"]]
        if not body["pagination"]["hasMore"]:
            break
        page += 1
    assert body["pagination"] == {"page": 3, "pageSize": 20, "total": 45, "totalPages": 3, "hasMore": False}
    assert len(seen) == len(set(seen)) == 45


def test_newest_first(many_tokens):
    names = [item["name"] for item in many_tokens.get("/api/v1/auth/tokens", {"pageSize": 3}).json()["data"]]
    assert names == ["t43", "t42", "t41"]


def test_page_size_accepts_snake_case_and_caps_at_100(many_tokens):
    body = many_tokens.get("/api/v1/auth/tokens", {"page_size": 100}).json()
    assert len(body["data"]) == 45
    assert body["pagination"]["pageSize"] == 100


def test_a_page_past_the_end_is_empty(many_tokens):
    body = many_tokens.get("/api/v1/auth/tokens", {"page": 9}).json()
    assert body["data"] == []
    assert body["pagination"]["hasMore"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": 0}, "page"), ({"page": "x"}, "page"), ({"pageSize": 101}, "pageSize"), ({"pageSize": 0}, "pageSize")],
)
def test_bad_paging_parameters_are_400(many_tokens, params, field):
    response = many_tokens.get("/api/v1/auth/tokens", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in response.json()["error"]["details"]
