"""The two AI requests of the spec lifecycle, the same for every provider.

A language model gets the instructions below; the built-in provider runs the handler registered for
the same purpose (`workspaces.specs.builtin`). Either way the answer must satisfy the schema and the
semantic checks of `workspaces.specs.schema`.
"""

from typing import Any

from integrations.ai.base import StructuredRequest
from workspaces.specs.schema import DOMAIN_MODEL_SCHEMA, QUESTIONS_SCHEMA, domain_model_problems, questions_problems

QUESTIONS_PURPOSE = "app_spec.questions"
DOMAIN_MODEL_PURPOSE = "app_spec.domain_model"

QUESTIONS_INSTRUCTIONS = """\
You turn a short description of a web application into a precise specification. First, ask the
clarifying questions whose answers the description leaves open — and only those: how people sign in,
which roles exist, which core entities the app manages and how they relate, whether changes must
appear live, which integrations are needed, how many people will use it, and anything else that is
ambiguous. Ask at most 10 questions. Prefer single_choice or multi_choice questions with concrete
options; use boolean for yes/no and text only when options cannot be listed. Question ids are short
snake_case words, unique."""

DOMAIN_MODEL_INSTRUCTIONS = """\
You turn an application description, the answers to clarifying questions and any feedback into the
application's domain model. Rules:
- entities: PascalCase names, snake_case plural for URL paths (not auth or users); fields have snake_case names, a type
  (string, text, integer, decimal, boolean, date, datetime, email, enum), required and unique flags;
  enum fields list their values (snake_case); never declare id, created_at or updated_at.
- relations are "belongs to" links: a name (snake_case, stored as <name>_id) and the target entity;
  required relations must not form a cycle.
- auth.method is email_password or none (with none, roles is ["public"]); with sign-in, roles include
  admin (the first account, who manages the others); access lists, per entity
  and operation (read, create, update, delete), the roles allowed; read and create allow at least one role.
- actions are domain operations beyond create/update/delete (e.g. complete a task, return a loan): the
  fields they set (use "$now" for a datetime or "$today" for a date), the values fields must currently
  have for the action to be allowed ("requires"), and the roles allowed.
- app.features lists what users can do; non_functional, integrations and assumptions are short sentences.
- When a previous model and feedback are given, revise the previous model to honour the feedback and
  record what changed in revision_notes."""


def questions_request(*, name: str, description: str) -> StructuredRequest:
    return StructuredRequest(
        purpose=QUESTIONS_PURPOSE,
        instructions=QUESTIONS_INSTRUCTIONS,
        input={"name": name, "description": description},
        schema=QUESTIONS_SCHEMA,
        validate=questions_problems,
    )


def domain_model_request(
    *,
    name: str,
    description: str,
    questions: list[dict[str, Any]],
    answers: dict[str, Any],
    feedback: list[str],
    previous_model: dict[str, Any] | None,
) -> StructuredRequest:
    return StructuredRequest(
        purpose=DOMAIN_MODEL_PURPOSE,
        instructions=DOMAIN_MODEL_INSTRUCTIONS,
        input={
            "name": name,
            "description": description,
            "questions": questions,
            "answers": answers,
            "feedback": feedback,
            "previous_model": previous_model,
        },
        schema=DOMAIN_MODEL_SCHEMA,
        validate=domain_model_problems,
    )
