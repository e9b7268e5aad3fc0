"""Spec generation through the real openai client against an OpenAI-compatible stand-in on loopback."""

import pytest

from integrations.models import AiCall, AiProviderKey
from integrations.services import ai_key_save
from tests.stand_ins import Fail, OpenAIStandIn, Slow
from workspaces.models import Project
from workspaces.services.projects import project_create
from workspaces.specs.builtin import builtin_domain_model
from workspaces.specs.render import consistency_problems, read_documents

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION = "A task tracker where teams add tasks with due dates and mark them complete."
QUESTIONS = {
    "questions": [
        {
            "id": "auth",
            "question": "How do people sign in?",
            "type": "single_choice",
            "options": ["Email and password", "No sign-in"],
        },
        {"id": "realtime", "question": "Do changes appear live?", "type": "boolean"},
    ]
}


@pytest.fixture
def stand_in(settings):
    with OpenAIStandIn([QUESTIONS]) as server:
        settings.AI_PROVIDERS = {
            **settings.AI_PROVIDERS,
            "openai": {**settings.AI_PROVIDERS["openai"], "base_url": server.base_url},
        }
        yield server


@pytest.fixture
def project(auth_client, stand_in):
    ai_key_save(user=auth_client.user, provider="openai", api_key=OpenAIStandIn.API_KEY, model="gpt-stand-in")
    stand_in.requests.clear()
    return project_create(owner=auth_client.user, name="Tracker", description=DESCRIPTION)


def clarify(client, project, **body):
    return client.post(f"/api/v1/projects/{project.pk}/clarify", body, format="json")


def test_the_users_key_is_used_and_every_call_is_recorded(auth_client, project, stand_in):
    response = clarify(auth_client, project)

    assert response.status_code == 200
    assert response.json()["data"]["questions"] == QUESTIONS["questions"]
    [request] = stand_in.chat_requests()
    assert request["model"] == "gpt-stand-in"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["schema"]["required"] == ["questions"]
    assert "clarifying questions" in request["messages"][0]["content"]
    assert DESCRIPTION in request["messages"][1]["content"]

    call = AiCall.objects.get()
    assert (call.provider, call.model, call.purpose, call.outcome) == (
        "openai",
        "stand-in-model",
        "app_spec.questions",
        "ok",
    )
    assert (call.tokens_in, call.tokens_out, call.subject_type, call.subject_id) == (120, 80, "project", project.pk)
    counters = auth_client.get("/api/v1/usage").json()["data"]["counters"]
    assert counters == {"executions": 0, "aiRequests": 1, "aiTokensIn": 120, "aiTokensOut": 80, "executionsOverage": 0}
    assert AiProviderKey.objects.get().last_used_at is not None
    assert auth_client.get(f"/api/v1/projects/{project.pk}").json()["data"]["generation"]["provider"] == "openai"


def test_invalid_json_is_repaired_once(auth_client, project, stand_in):
    stand_in.replies = ["Sure! Here are some questions: ...", QUESTIONS]
    response = clarify(auth_client, project)

    assert response.status_code == 200
    assert response.json()["data"]["questions"] == QUESTIONS["questions"]
    first, repair = stand_in.chat_requests()
    assert repair["messages"][:2] == first["messages"]
    assert repair["messages"][2] == {"role": "assistant", "content": "Sure! Here are some questions: ..."}
    assert "The answer is not JSON" in repair["messages"][3]["content"]
    assert [call.outcome for call in AiCall.objects.order_by("created_at")] == ["invalid_output", "ok"]
    assert auth_client.get("/api/v1/usage").json()["data"]["counters"]["aiTokensIn"] == 240


def test_a_semantically_invalid_answer_is_repaired_too(auth_client, project, stand_in):
    duplicated = {"questions": [QUESTIONS["questions"][1], QUESTIONS["questions"][1]]}
    stand_in.replies = [duplicated, QUESTIONS]
    assert clarify(auth_client, project).status_code == 200
    assert "the id is used twice" in stand_in.chat_requests()[1]["messages"][3]["content"]


def test_invalid_output_twice_fails_the_generation(auth_client, project, stand_in, record_channel):
    events = record_channel(f"user:{auth_client.user.pk}")
    stand_in.replies = [{"questions": "none"}]
    response = clarify(auth_client, project)

    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "GENERATION_FAILED"
    assert error["message"].startswith("openai returned invalid output twice: questions: 'none' is not of type 'array'")
    assert error["details"] == {"provider": "openai"}
    stored = Project.objects.get()
    assert (stored.status, stored.generation_state) == ("draft", "failed")
    detail = auth_client.get(f"/api/v1/projects/{project.pk}").json()["data"]
    assert detail["generation"]["error"] == error["message"]
    assert [event["eventType"] for event in events.events()] == ["PROJECT_GENERATION_FAILED"]
    assert clarify(auth_client, project).status_code == 500, "a failed generation can be started again"


def test_a_rejected_key_fails_the_generation_and_is_marked_invalid(auth_client, project):
    AiProviderKey.objects.update(api_key="sk-revoked-key-0000")
    response = clarify(auth_client, project)

    assert response.status_code == 500
    assert response.json()["error"]["message"].startswith("openai rejected the API key (401)")
    key = AiProviderKey.objects.get()
    assert key.is_valid is False
    assert "401" in key.last_error


def test_a_timeout_fails_the_generation(auth_client, project, stand_in, settings):
    settings.AI_REQUEST_TIMEOUT_SECONDS = 0.5
    settings.AI_MAX_RETRIES = 0
    stand_in.replies = [Slow(2, QUESTIONS)]
    response = clarify(auth_client, project)

    assert response.status_code == 500
    assert response.json()["error"]["message"] == "openai did not answer within 0.5 seconds."
    assert AiCall.objects.get().outcome == "error"


def test_a_provider_error_is_reported(auth_client, project, stand_in, settings):
    settings.AI_MAX_RETRIES = 0
    stand_in.replies = [Fail(503, "overloaded")]
    response = clarify(auth_client, project)
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "openai answered HTTP 503: overloaded"


def test_the_spec_from_a_model_is_validated_and_rendered(auth_client, project, stand_in):
    clarify(auth_client, project)
    model = builtin_domain_model({"name": "Tracker", "description": DESCRIPTION, "answers": {}})
    stand_in.replies = [model]
    answers = [{"questionId": "auth", "answer": "Email and password"}, {"questionId": "realtime", "answer": False}]
    response = auth_client.post(f"/api/v1/projects/{project.pk}/answers", {"answers": answers}, format="json")

    assert response.status_code == 200
    spec = response.json()["data"]["spec"]
    assert (spec["provider"], spec["model"], spec["tokensIn"], spec["tokensOut"]) == (
        "openai",
        "stand-in-model",
        120,
        80,
    )
    assert consistency_problems(spec["documents"]) == []
    assert [entity["name"] for entity in read_documents(spec["documents"])["entities"]] == [
        entity["name"] for entity in model["entities"]
    ]
    request = stand_in.chat_requests()[-1]
    assert '"auth": "Email and password"' in request["messages"][1]["content"]


def test_a_model_with_an_inconsistent_domain_is_repaired(auth_client, project, stand_in):
    clarify(auth_client, project)
    model = builtin_domain_model({"name": "Tracker", "description": DESCRIPTION, "answers": {}})
    broken = {
        **model,
        "entities": [{**model["entities"][0], "relations": [{"name": "owner", "target": "Ghost", "required": True}]}],
    }
    stand_in.replies = [broken, model]
    response = auth_client.post(
        f"/api/v1/projects/{project.pk}/answers",
        {"answers": [{"questionId": "realtime", "answer": False}]},
        format="json",
    )
    assert response.status_code == 200
    assert "unknown entity Ghost" in stand_in.chat_requests()[-1]["messages"][3]["content"]


def test_the_request_can_choose_the_builtin_provider(auth_client, project, stand_in):
    response = clarify(auth_client, project, provider="builtin")
    assert response.status_code == 200
    assert stand_in.chat_requests() == []
    assert AiCall.objects.get().provider == "builtin"


def test_a_provider_without_any_key_is_refused_before_anything_runs(auth_client, project):
    response = clarify(auth_client, project, provider="xai")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"provider": ["No API key for xai."]}
    assert Project.objects.get().generation_state == "idle"


def test_an_operator_key_serves_users_without_one(api_client, token_for, stand_in, settings):
    from tests.factories import UserFactory

    settings.AI_PROVIDERS = {
        **settings.AI_PROVIDERS,
        "openai": {**settings.AI_PROVIDERS["openai"], "api_key": OpenAIStandIn.API_KEY},
    }
    settings.AI_DEFAULT_PROVIDER = "openai"
    user = UserFactory()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    project = project_create(owner=user, name="Tracker", description=DESCRIPTION)
    assert clarify(api_client, project).status_code == 200
    assert AiCall.objects.get().provider == "openai"


def test_the_project_setting_chooses_the_provider(auth_client, project, stand_in):
    AiProviderKey.objects.all().delete()
    response = auth_client.patch(f"/api/v1/projects/{project.pk}", {"aiProvider": "openai"}, format="json")
    assert response.status_code == 200
    refused = clarify(auth_client, project)
    assert refused.status_code == 400, "the project names openai and the user has no key for it"
    auth_client.patch(f"/api/v1/projects/{project.pk}", {"aiProvider": "builtin"}, format="json")
    assert clarify(auth_client, project).status_code == 200


def test_a_user_base_url_cannot_reach_private_hosts_at_call_time(auth_client, project, stand_in, settings):
    settings.AI_ALLOW_PRIVATE_BASE_URLS = True
    ai_key_save(
        user=auth_client.user, provider="custom", api_key=OpenAIStandIn.API_KEY, base_url=stand_in.base_url, model="m"
    )
    settings.AI_ALLOW_PRIVATE_BASE_URLS = False
    stand_in.requests.clear()

    response = clarify(auth_client, project, provider="custom")

    assert response.status_code == 500
    assert "not a public address" in response.json()["error"]["message"]
    assert stand_in.chat_requests() == []
