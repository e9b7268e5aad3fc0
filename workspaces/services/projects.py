"""Writes for app-build projects: the status machine and the spec lifecycle.

    draft → clarifying → spec_review → approved → building → built | failed;  archived from any state

Generating questions or a spec is a Celery job (`project_generation_start` enqueues it,
`project_generation_run` does it). While it runs the project is in the `running` generation
sub-state and refuses other changes to its spec (409). A request that does not fit the current
status answers 409 CONFLICT with the status in `details` and changes nothing.
"""

import json
import logging
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.api.exceptions import Conflict, ValidationFailed
from core.realtime.publish import publish_on_commit, user_event
from integrations.ai.base import GenerationFailed
from integrations.ai.providers import provider_resolve
from integrations.services import ai_structured
from runs.repositories import Author, commit_files, repository_create
from workspaces.models import GenerationKind, GenerationState, Project, ProjectStatus, SpecVersion
from workspaces.specs.build import build_app_spec
from workspaces.specs.render import consistency_problems, render_documents
from workspaces.specs.requests import domain_model_request, questions_request
from workspaces.tasks import project_generation_task

logger = logging.getLogger(__name__)

MAX_TEXT_ANSWER = 2000
# Which statuses each kind of generation may start from.
GENERATION_FROM = {
    GenerationKind.CLARIFY: (ProjectStatus.DRAFT, ProjectStatus.CLARIFYING),
    GenerationKind.ANSWERS: (ProjectStatus.CLARIFYING,),
    GenerationKind.REGENERATE: (ProjectStatus.SPEC_REVIEW,),
}
DESCRIPTION_EDITABLE = (ProjectStatus.DRAFT, ProjectStatus.CLARIFYING, ProjectStatus.SPEC_REVIEW)


def _conflict(project: Project, message: str) -> Conflict:
    return Conflict(message, details={"status": project.status, "generation": project.generation_state})


def _refuse_while_generating(project: Project) -> None:
    if project.generation_state == GenerationState.RUNNING:
        raise _conflict(project, "The project is generating; wait for it to finish.")


@transaction.atomic
def project_create(*, owner: User, name: str, description: str, ai_provider: str = "") -> Project:
    project = Project(owner=owner, name=name, description=description, ai_provider=ai_provider)
    project.repo_path = str(repository_create(project.pk))
    project.save()
    return project


@transaction.atomic
def project_update(
    *, project: Project, name: str | None = None, description: str | None = None, ai_provider: str | None = None
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == ProjectStatus.ARCHIVED:
        raise _conflict(project, "An archived project cannot be changed.")
    if description is not None and description != project.description:
        if project.status not in DESCRIPTION_EDITABLE:
            raise _conflict(project, f"The description is fixed once the project is {project.status}.")
        _refuse_while_generating(project)
        project.description = description
    if name is not None:
        project.name = name
    if ai_provider is not None:
        project.ai_provider = ai_provider
    project.save()
    return project


@transaction.atomic
def project_archive(*, project: Project) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.ARCHIVED:
        project.status = ProjectStatus.ARCHIVED
        project.archived_at = timezone.now()
        project.save(update_fields=["status", "archived_at", "updated_at"])
    return project


def answers_validate(*, questions: list[dict[str, Any]], answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Check every answer against its question; returns question id → answer, or raises naming each bad answer."""
    by_id = {question["id"]: question for question in questions}
    accepted: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []
    for index, item in enumerate(answers):
        question_id, answer = item.get("question_id"), item.get("answer")
        question = by_id.get(question_id)
        if question is None:
            problems.append({"index": index, "questionId": question_id, "error": "No such question."})
            continue
        if question_id in accepted:
            problems.append({"index": index, "questionId": question_id, "error": "Answered twice."})
            continue
        error = _answer_error(question, answer)
        if error:
            problems.append({"index": index, "questionId": question_id, "error": error})
        else:
            accepted[question_id] = answer
    if problems:
        first = problems[0]
        raise ValidationFailed(
            f"answers[{first['index']}] ({first['questionId']}): {first['error']}", details={"answers": problems}
        )
    return accepted


def _answer_error(question: dict[str, Any], answer: Any) -> str | None:
    kind, options = question["type"], question.get("options") or []
    if kind == "boolean":
        return None if isinstance(answer, bool) else "Expected true or false."
    if kind == "text":
        if not isinstance(answer, str) or not answer.strip():
            return "Expected a non-empty text."
        return None if len(answer) <= MAX_TEXT_ANSWER else f"At most {MAX_TEXT_ANSWER} characters."
    if kind == "single_choice":
        if not isinstance(answer, str):
            return "Expected one of the options, as a string."
        return None if answer in options else f"{answer!r} is not one of the options: {', '.join(options)}."
    if not isinstance(answer, list) or not answer or not all(isinstance(choice, str) for choice in answer):
        return "Expected a non-empty list of options."
    unknown = [choice for choice in answer if choice not in options]
    if unknown:
        return f"{', '.join(map(repr, unknown))} not among the options: {', '.join(options)}."
    return "Each option at most once." if len(set(answer)) != len(answer) else None


@transaction.atomic
def project_generation_start(
    *,
    project: Project,
    kind: GenerationKind,
    provider: str | None = None,
    answers: list[dict[str, Any]] | None = None,
    feedback: str = "",
) -> Project:
    """Check the request fits the project's state, record it, and enqueue the job after commit."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _refuse_while_generating(project)
    if project.status not in GENERATION_FROM[kind]:
        allowed = " or ".join(GENERATION_FROM[kind])
        raise _conflict(project, f"This needs the project to be {allowed}; it is {project.status}.")
    if kind == GenerationKind.ANSWERS:
        project.answers = answers_validate(questions=project.questions, answers=answers or [])
    chosen = provider_resolve(user=project.owner, requested=provider, preferred=project.ai_provider or None)
    project.generation_state = GenerationState.RUNNING
    project.generation_kind = kind
    project.generation_token = uuid.uuid4().hex
    project.generation_started_at = timezone.now()
    project.generation_params = {"provider": chosen.name, "feedback": feedback}
    project.generation_error = ""
    project.save()
    token = project.generation_token
    transaction.on_commit(lambda: project_generation_task.delay(project.pk, token))
    return project


def project_generation_run(*, project_id: str, token: str) -> None:
    """Do the AI work of a started generation; a job whose token is stale does nothing (idempotent)."""
    project = Project.objects.select_related("owner").filter(pk=project_id).first()
    if project is None or project.generation_token != token or project.generation_state != GenerationState.RUNNING:
        return
    kind, params = project.generation_kind, project.generation_params
    try:
        provider = provider_resolve(user=project.owner, requested=params["provider"])
        if kind == GenerationKind.CLARIFY:
            request = questions_request(name=project.name, description=project.description)
        else:
            previous = project.spec_versions.order_by("-version").first()
            feedback = [version.feedback for version in project.spec_versions.order_by("version") if version.feedback]
            if params["feedback"]:
                feedback.append(params["feedback"])
            request = domain_model_request(
                name=project.name,
                description=project.description,
                questions=project.questions,
                answers=project.answers,
                feedback=feedback,
                previous_model=previous.domain_model if previous and kind == GenerationKind.REGENERATE else None,
            )
        result = ai_structured(user=project.owner, provider=provider, request=request, subject=("project", project.pk))
    except (GenerationFailed, ValidationFailed) as exc:
        project_generation_fail(project_id=project_id, token=token, message=exc.message)
        return
    if kind == GenerationKind.CLARIFY:
        _questions_ready(project_id=project_id, token=token, questions=result.data["questions"])
    else:
        _spec_ready(
            project_id=project_id, token=token, model=result.data, usage=result.usage, feedback=params["feedback"]
        )


@transaction.atomic
def _locked_current(project_id: str, token: str) -> Project | None:
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None or project.generation_token != token or project.generation_state != GenerationState.RUNNING:
        return None
    return project


def _notify(project: Project, event_type: str, **payload: Any) -> None:
    publish_on_commit(
        f"user:{project.owner_id}",
        user_event(
            event_type, {"projectId": project.pk, "kind": project.generation_kind, "status": project.status, **payload}
        ),
    )


@transaction.atomic
def project_generation_fail(*, project_id: str, token: str, message: str) -> None:
    """Record that the generation identified by `token` failed (no-op if another one replaced it)."""
    project = _locked_current(project_id, token)
    if project is None:
        return
    project.generation_state = GenerationState.FAILED
    project.generation_error = message
    project.save(update_fields=["generation_state", "generation_error", "updated_at"])
    _notify(project, "PROJECT_GENERATION_FAILED", error=message)


@transaction.atomic
def _questions_ready(*, project_id: str, token: str, questions: list[dict[str, Any]]) -> None:
    project = _locked_current(project_id, token)
    if project is None:
        return
    project.questions = questions
    project.answers = {}
    project.status = ProjectStatus.CLARIFYING
    project.generation_state = GenerationState.IDLE
    project.save()
    _notify(project, "PROJECT_GENERATION_COMPLETED", questions=len(questions))


@transaction.atomic
def _spec_ready(*, project_id: str, token: str, model: dict[str, Any], usage: dict[str, Any], feedback: str) -> None:
    project = _locked_current(project_id, token)
    if project is None:
        return
    version = (project.spec_versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    app_spec = build_app_spec(model)
    documents = render_documents(app_spec, version)
    problems = consistency_problems(documents)
    if problems:
        # The documents are derived from a validated model, so this is a defect in our code.
        logger.error("Inconsistent spec documents for %s: %s", project_id, problems)
        project.generation_state = GenerationState.FAILED
        project.generation_error = f"The generated documents disagree: {problems[0]}"
        project.save(update_fields=["generation_state", "generation_error", "updated_at"])
        _notify(project, "PROJECT_GENERATION_FAILED", error=project.generation_error)
        return
    SpecVersion.objects.create(
        project=project,
        version=version,
        documents=documents,
        domain_model=model,
        app_spec=app_spec,
        answers=project.answers,
        feedback=feedback,
        provider=usage["provider"],
        model_name=usage["model"],
        tokens_in=usage["tokens_in"],
        tokens_out=usage["tokens_out"],
        ai_calls=usage["calls"],
    )
    project.status = ProjectStatus.SPEC_REVIEW
    project.generation_state = GenerationState.IDLE
    project.save()
    _notify(project, "PROJECT_GENERATION_COMPLETED", specVersion=version)


@transaction.atomic
def project_approve(*, project: Project) -> SpecVersion:
    """Approve the latest spec and commit its documents to the project repository under spec/."""
    project = Project.objects.select_for_update().select_related("owner").get(pk=project.pk)
    _refuse_while_generating(project)
    if project.status != ProjectStatus.SPEC_REVIEW:
        raise _conflict(project, f"Only a spec in review can be approved; the project is {project.status}.")
    spec = project.spec_versions.order_by("-version").first()
    files = {f"spec/{name}": text for name, text in spec.documents.items()}
    files["spec/spec.json"] = json.dumps(spec.app_spec, indent=2, sort_keys=False) + "\n"
    owner = project.owner
    spec.commit_sha = commit_files(
        Path(project.repo_path),
        files,
        message=f"Approve spec v{spec.version} of {project.name}",
        author=Author(name=owner.name or owner.email, email=owner.email),
    )
    spec.approved_at = timezone.now()
    spec.save(update_fields=["approved_at", "commit_sha"])
    project.status = ProjectStatus.APPROVED
    project.save(update_fields=["status", "updated_at"])
    return spec


def project_generations_sweep() -> int:
    """Fail generations stuck past the job time limit (a worker died mid-job); returns how many."""
    deadline = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stuck = Project.objects.filter(generation_state=GenerationState.RUNNING, generation_started_at__lt=deadline)
    count = 0
    for project_id, token in stuck.values_list("pk", "generation_token"):
        project_generation_fail(
            project_id=project_id, token=token, message="The generation did not finish in time; start it again."
        )
        count += 1
    return count
