"""Builds written by a language model: the real openai client against an OpenAI-compatible stand-in.

The stand-in answers like a careful model would (`BuildModel`): the built-in generator's plan and
files, computed from the request it receives. Each test then bends one answer to exercise a failure path.
"""

import pytest

from integrations.models import AiCall
from integrations.services import ai_key_save
from runs.generator import builtin
from runs.generator.requests import builtin_decomposition
from runs.models import Run, RunEvent
from tests.projects import approved_project
from tests.stand_ins import BuildModel, OpenAIStandIn, build_request

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN_MAIN = "raise RuntimeError('the model got this wrong')\n"


def break_main(data: dict, answer: dict) -> dict:
    """The model's first answer for app/main.py does not even import."""
    for operation in answer["operations"]:
        if operation["path"] == "app/main.py":
            operation["content"] = BROKEN_MAIN
    return answer


def correct_files(spec: dict) -> dict[str, str]:
    files = {}
    for task in builtin.decompose(spec)["tasks"]:
        files.update(builtin.task_files(spec, task))
    return files


@pytest.fixture
def stand_in(settings):
    with OpenAIStandIn([{}]) as server:
        settings.AI_PROVIDERS = {
            **settings.AI_PROVIDERS,
            "openai": {**settings.AI_PROVIDERS["openai"], "base_url": server.base_url},
        }
        yield server


@pytest.fixture
def project(auth_client, stand_in):
    project = approved_project(auth_client)
    ai_key_save(user=auth_client.user, provider="openai", api_key=OpenAIStandIn.API_KEY, model="gpt-stand-in")
    stand_in.requests.clear()
    return project


def build(client, project) -> Run:
    response = client.post(f"/api/v1/projects/{project['id']}/runs", {"provider": "openai"}, format="json")
    assert response.status_code == 201, response.content
    return Run.objects.get(pk=response.json()["data"]["id"])


def events(run: Run, type: str) -> list[RunEvent]:
    return list(RunEvent.objects.filter(run=run, type=type).order_by("seq"))


def test_a_model_plans_and_writes_the_app_through_file_operations(auth_client, project, stand_in):
    stand_in.replies = [BuildModel()]

    run = build(auth_client, project)

    assert run.status == "succeeded", run.error
    assert run.provider == "openai"
    tasks = run.tasks.count()
    purposes = [build_request(body)[0] for body in stand_in.chat_requests()]
    assert purposes == ["build_decompose"] + ["build_task"] * tasks
    assert {body["model"] for body in stand_in.chat_requests()} == {"gpt-stand-in"}
    assert run.tokens_used == (1 + tasks) * 200
    calls = AiCall.objects.filter(subject_type="run", subject_id=run.pk)
    assert calls.count() == 1 + tasks
    assert set(calls.values_list("purpose", flat=True)) == {"build.decompose", "build.task"}
    assert run.verification_result["passed"] is True
    assert run.repair_rounds == 0


def test_a_task_writing_outside_its_path_scope_fails_with_a_clear_event(auth_client, project, stand_in):
    def trespass(data, answer):
        if data["task"]["slug"] == "data":
            answer["operations"].append({"path": "app/main.py", "action": "create", "content": "x = 1\n"})
        return answer

    stand_in.replies = [BuildModel(task_answer=trespass)]

    run = build(auth_client, project)

    assert run.status == "failed"
    failed = events(run, "TASK_FAILED")
    assert len(failed) == 1
    assert failed[0].task.slug == "data"
    assert failed[0].payload == {
        "error": "The task wrote outside its path scope: app/main.py.",
        "paths": ["app/main.py"],
    }
    assert run.error.startswith("Task task-002 (data) failed: The task wrote outside its path scope: app/main.py")
    assert failed[0].task.result == {}, "nothing was committed"
    assert events(run, "RUN_FAILED")[0].payload["error"] == run.error
    assert auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]["status"] == "failed"


@pytest.mark.parametrize(
    ("bend", "problem"),
    [
        (lambda plan: plan["tasks"][0]["dependencies"].append(plan["tasks"][1]["id"]), "have a cycle"),
        (lambda plan: plan["tasks"][1]["pathScope"].append("app/core/db.py"), "both claim"),
        (lambda plan: plan["tasks"][1]["pathScope"].append("../outside"), "unsafe path scope"),
    ],
)
def test_a_decomposition_with_cycles_or_overlaps_is_rejected(auth_client, project, stand_in, bend, problem):
    def bad_plan(data):
        plan = builtin_decomposition(data)
        bend(plan)
        return plan

    stand_in.replies = [BuildModel(plan=bad_plan)]

    run = build(auth_client, project)

    assert run.status == "failed"
    assert run.error.startswith("Decomposition failed: openai returned invalid output twice")
    assert problem in run.error
    assert run.tasks.count() == 0
    second = stand_in.chat_requests()[1]["messages"][-1]["content"]
    assert problem in second, "the problem was sent back once for repair"


def test_failed_verification_is_fed_back_and_repaired(auth_client, project, stand_in):
    def repair(data):
        return {
            "operations": [
                {"path": "app/main.py", "action": "update", "content": correct_files(data["spec"])["app/main.py"]}
            ]
        }

    model = BuildModel(task_answer=break_main, repair_answer=repair)
    stand_in.replies = [model]

    run = build(auth_client, project)

    assert run.status == "succeeded", run.error
    assert run.repair_rounds == 1
    assert len(model.repair_inputs) == 1
    sent = model.repair_inputs[0]
    assert sent["files"]["app/main.py"] == BROKEN_MAIN
    assert {criterion["status"] for criterion in sent["failedCriteria"]} == {"failed"}
    assert len(sent["failedCriteria"]) == len(run.spec_version.app_spec["acceptance"])
    assert "the model got this wrong" in sent["testOutput"]
    assert "app/main.py" in sent["allowedPathScopes"]
    completed = events(run, "VERIFICATION_COMPLETED")
    assert [event.payload["passed"] for event in completed] == [False, True]
    assert [event.payload["round"] for event in completed] == [0, 1]
    modified = events(run, "FILE_MODIFIED")
    assert [(event.payload["path"], event.task_id) for event in modified] == [("app/main.py", None)]
    assert run.verification_result["passed"] is True


def test_repairs_are_bounded(auth_client, project, stand_in, settings):
    settings.RUN_REPAIR_ROUNDS = 1

    model = BuildModel(task_answer=break_main)
    stand_in.replies = [model]

    run = build(auth_client, project)

    assert run.status == "failed"
    assert run.error.startswith("Verification failed:")
    assert len(model.repair_inputs) == 1
    assert [event.payload["passed"] for event in events(run, "VERIFICATION_COMPLETED")] == [False, False]


def test_a_repair_outside_the_tasks_scopes_fails_the_run(auth_client, project, stand_in):
    stand_in.replies = [
        BuildModel(
            task_answer=break_main,
            repair_answer=lambda data: {"operations": [{"path": "spec/SPEC.md", "action": "update", "content": "x"}]},
        )
    ]

    run = build(auth_client, project)

    assert run.status == "failed"
    assert run.error == "The repair wrote outside its path scope: spec/SPEC.md."


def test_spending_past_the_token_budget_fails_the_run(auth_client, project, stand_in, settings):
    settings.RUN_TOKEN_BUDGET = 500
    stand_in.replies = [BuildModel()]

    run = build(auth_client, project)

    assert run.status == "failed"
    exceeded = events(run, "BUDGET_EXCEEDED")
    assert len(exceeded) == 1
    assert exceeded[0].payload == {"tokenBudget": 500, "tokensUsed": 600}
    assert "token budget of 500 is spent" in run.error
    assert run.tokens_used == 600
    assert len(stand_in.chat_requests()) == 3, "no call after the budget was spent"
