"""The built-in provider's specs: useful, distinct per description, and consistent across the four documents."""

import re

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.projects import DESCRIPTIONS
from workspaces.specs import lexicon
from workspaces.specs.build import build_app_spec
from workspaces.specs.builtin import builtin_domain_model, builtin_questions
from workspaces.specs.render import consistency_problems, read_documents, render_documents
from workspaces.specs.schema import DOMAIN_MODEL_SCHEMA, QUESTIONS_SCHEMA, domain_model_problems, questions_problems


def spec_for(description: str, answers: dict | None = None, feedback: list[str] | None = None, name: str = "App"):
    model = builtin_domain_model(
        {"name": name, "description": description, "answers": answers or {}, "feedback": feedback or []}
    )
    assert list(Draft202012Validator(DOMAIN_MODEL_SCHEMA).iter_errors(model)) == []
    assert domain_model_problems(model) == []
    documents = render_documents(build_app_spec(model), 1)
    assert consistency_problems(documents) == []
    return model, documents


def entities(model) -> dict:
    return {entity["name"]: entity for entity in model["entities"]}


@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_every_description_gives_valid_questions_and_a_consistent_spec(name):
    questions = builtin_questions({"name": name, "description": DESCRIPTIONS[name]})
    assert list(Draft202012Validator(QUESTIONS_SCHEMA).iter_errors(questions)) == []
    assert questions_problems(questions) == []
    _, documents = spec_for(DESCRIPTIONS[name])
    data = read_documents(documents)
    routes = {(route["method"], route["path"]) for route in data["routes"]}
    for entity in data["entities"]:
        base = f"/{entity['plural']}"
        assert {("GET", base), ("POST", base), ("GET", f"{base}/{{id}}")} <= routes
        for field in entity["fields"]:
            assert field["name"] in documents["DATA.md"]
    covered = {route_id for criterion in data["acceptance"] for route_id in criterion["routes"]}
    assert covered == {route["id"] for route in data["routes"]}, "every route has a criterion"
    for criterion in data["acceptance"]:
        assert re.fullmatch(r"AC-\d{3}", criterion["id"])
        assert criterion["id"] in documents["ACCEPTANCE.md"]
        assert all(step["expect"]["status"] for step in criterion["steps"])


def test_the_specs_are_distinct_and_fit_their_domains():
    models = {name: spec_for(description)[0] for name, description in DESCRIPTIONS.items()}
    assert len({tuple(sorted(entities(model))) for model in models.values()}) == len(models)

    tracker = entities(models["tracker"])
    assert {"Project", "Task", "Member", "Comment"} <= set(tracker)
    task_fields = {field["name"]: field for field in tracker["Task"]["fields"]}
    assert task_fields["due_date"]["type"] == "date"
    assert task_fields["priority"]["values"] == ["low", "medium", "high"]
    assert {(relation["name"], relation["target"]) for relation in tracker["Task"]["relations"]} >= {
        ("project", "Project"),
        ("assignee", "Member"),
    }
    assert [action["name"] for action in tracker["Task"]["actions"]] == ["complete"]

    library = entities(models["library"])
    assert set(library) == {"Book", "Member", "Loan"}
    assert {(relation["target"], relation["required"]) for relation in library["Loan"]["relations"]} == {
        ("Book", True),
        ("Member", True),
    }
    assert library["Loan"]["actions"][0]["sets"] == {"returned_on": "$today"}
    assert models["library"]["auth"]["roles"] == ["admin", "librarian", "member"]
    assert models["library"]["auth"]["default_role"] == "member"
    assert library["Book"]["access"]["create"] == ["admin", "librarian"], "librarians manage books; members do not"
    assert "member" in library["Loan"]["access"]["create"], "members borrow"

    shop = entities(models["shop"])
    assert {"Product", "Category", "Customer", "Order", "OrderItem", "Review"} <= set(shop)
    assert {field["name"]: field["type"] for field in shop["Product"]["fields"]}["price"] == "decimal"
    assert {action["name"] for action in shop["Order"]["actions"]} == {"pay", "ship"}
    assert "customer" in shop["OrderItem"]["access"]["create"], "whoever places orders adds their items"

    clinic = entities(models["clinic"])
    assert {"Patient", "Doctor", "Appointment", "Clinic"} <= set(clinic)
    assert [action["name"] for action in clinic["Appointment"]["actions"]] == ["cancel"]
    assert models["clinic"]["auth"]["default_role"] == "patient"
    assert "doctor" not in clinic["Appointment"]["access"]["create"]

    events = entities(models["events"])
    assert {"Event", "Registration"} <= set(events)
    assert {"starts_at", "location", "capacity"} <= {field["name"] for field in events["Event"]["fields"]}


def test_the_same_input_gives_the_same_documents():
    assert spec_for(DESCRIPTIONS["shop"])[1] == spec_for(DESCRIPTIONS["shop"])[1]


def test_answers_steer_the_model():
    answers = {
        "entities": ["Projects", "Tasks"],
        "auth": "No sign-in (a public API)",
        "relation_task_project": False,
        "realtime": True,
        "integrations": ["Email notifications"],
        "scale": "The public (more than 5,000 users)",
        "notes": "Track invoices for each project.",
    }
    model, documents = spec_for(DESCRIPTIONS["tracker"], answers)
    found = entities(model)
    assert set(found) == {"Project", "Task", "Invoice"}, "chosen entities, plus what the notes asked for"
    assert "project" not in {relation["name"] for relation in found["Task"]["relations"]}
    assert model["auth"] == {"method": "none", "roles": ["public"], "default_role": "public"}
    assert "/auth/login" not in documents["ROUTES.md"]
    assert model["realtime"] is True
    assert model["integrations"] == ["Email notifications"]
    assert "Built for the public (more than 5,000 users)." in model["non_functional"]


def test_roles_from_answers():
    model, documents = spec_for(DESCRIPTIONS["library"], {"roles": ["Admin", "Member"]})
    assert model["auth"]["roles"] == ["admin", "member"]
    assert "| PATCH | `/users/{id}` | token | admin |" in documents["ROUTES.md"]


def test_feedback_edits_the_model():
    model, _ = spec_for(
        DESCRIPTIONS["library"],
        feedback=["Add a barcode field to books.", "Remove members.", "Rename loans to checkouts."],
    )
    found = entities(model)
    assert "barcode" in {field["name"] for field in found["Book"]["fields"]}
    assert "Member" not in found
    assert "Checkout" in found
    assert {relation["target"] for relation in found["Checkout"]["relations"]} == {"Book"}
    assert model["revision_notes"][:3] == [
        "v2: Add a barcode field to books.",
        "v3: Remove members.",
        "v4: Rename loans to checkouts.",
    ]


def test_the_consistency_check_notices_disagreement():
    _, documents = spec_for(DESCRIPTIONS["library"])
    data = read_documents(documents)
    data["entities"] = [entity for entity in data["entities"] if entity["name"] != "Book"]
    broken = {**documents, "DATA.md": "# Data\n\n```yaml\n" + yaml.safe_dump({"entities": data["entities"]}) + "```\n"}
    problems = consistency_problems(broken)
    assert "SPEC.md and DATA.md list different entities." in problems
    assert any("unknown entity Book" in problem for problem in problems)


_VOCABULARY = sorted(
    {word for template in lexicon.ENTITIES for word in template.words}
    | {word for words in lexicon.ROLE_WORDS.values() for word in words}
    | {
        "manage",
        "track",
        "with",
        "and",
        "has",
        "borrow",
        "return",
        "cancel",
        "complete",
        "publish",
        "widgets",
        "gizmos",
        "a",
        "the",
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.sampled_from(_VOCABULARY), st.text(alphabet="abcdefghij", min_size=1, max_size=8)),
        min_size=1,
        max_size=40,
    )
)
@example(words=["department"])  # an entity whose only field is unique still gets an update criterion
def test_any_description_gives_a_valid_consistent_spec(words):
    spec_for(" ".join(words) + ".")
