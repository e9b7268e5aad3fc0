"""Helpers for app-build projects in tests: the spec lifecycle over the API, and their git repositories."""

import os
import subprocess

# The demo descriptions: the built-in provider's examples; "library" is the one scripts/demo.py builds.
DESCRIPTIONS = {
    "tracker": "A project management tool where teams create projects and add tasks with due dates and priorities. "
    "Tasks can be assigned to members and marked complete. Members comment on tasks.",
    "library": "A library lending system. Librarians manage books and members. "
    "Members borrow books and return them; loans have due dates.",
    "shop": "An online shop where customers browse products by category, add them to a cart and place orders. "
    "Products have prices and stock levels. Orders are paid and shipped. Customers can review products.",
    "clinic": "A clinic booking system. Patients book appointments with doctors at one of our clinics. "
    "Receptionists manage the schedule and can cancel appointments.",
    "events": "Organisers publish events with a start time, a location and a capacity; people register and can cancel.",
}


def default_answers(questions: list[dict]) -> list[dict]:
    answers = []
    for question in questions:
        if question["type"] == "multi_choice":
            answers.append({"questionId": question["id"], "answer": question["options"][:-1] or question["options"]})
        elif question["type"] == "single_choice":
            answers.append({"questionId": question["id"], "answer": question["options"][0]})
        elif question["type"] == "boolean":
            answers.append({"questionId": question["id"], "answer": True})
    return answers


def approved_project(client, description: str = DESCRIPTIONS["library"], name: str = "Lending library") -> dict:
    """A project created, clarified, answered (first options) and approved with the built-in provider."""
    project = client.post("/api/v1/projects", {"name": name, "description": description}, format="json").json()["data"]
    path = f"/api/v1/projects/{project['id']}"
    questions = client.post(f"{path}/clarify", {"provider": "builtin"}, format="json").json()["data"]["questions"]
    answers = {"answers": default_answers(questions), "provider": "builtin"}
    response = client.post(f"{path}/answers", answers, format="json")
    assert response.status_code == 200, response.content
    response = client.post(f"{path}/approve", format="json")
    assert response.status_code == 200, response.content
    return client.get(path).json()["data"]


def git(repo, *args: str, input: bytes | None = None, env: dict | None = None) -> str:
    """Run git on a bare project repository; its output as text."""
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        input=input,
        capture_output=True,
        check=True,
        env={**os.environ, **(env or {})},
    ).stdout.decode()
