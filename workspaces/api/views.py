from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api.responses import envelope_response, error_envelope_response
from core.api.schema import error_response
from core.api.views import ScopedViewSet
from runs.selectors import with_latest_run
from workspaces.api.filters import ProjectFilter
from workspaces.api.serializers import (
    AnswersRequestSerializer,
    ArchivedSerializer,
    ClarifyRequestSerializer,
    ClarifyResultSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    RegenerateRequestSerializer,
    SpecResultSerializer,
    SpecVersionSerializer,
    SpecVersionSummarySerializer,
)
from workspaces.models import GenerationKind, GenerationState, Project
from workspaces.services.projects import (
    project_approve,
    project_archive,
    project_create,
    project_generation_start,
    project_update,
)

GENERATING_ACTIONS = ("clarify", "answers", "regenerate")
CONFLICT = error_response("CONFLICT: the project's status (in details) does not allow this.")
GENERATION_FAILED = error_response(
    "GENERATION_FAILED: the provider failed or answered invalid output twice; the message names why."
)
STILL_GENERATING = (
    "Still generating: the project is in the `running` generation sub-state; follow it with GET /projects/{id} "
    "or the PROJECT_GENERATION_* events on user:<id>."
)


def _clarify_result(project: Project) -> dict:
    return ClarifyResultSerializer({"status": project.status, "questions": project.questions}).data


def _spec_result(project: Project) -> dict:
    return SpecResultSerializer(
        {"status": project.status, "spec": project.spec_versions.order_by("-version").first()}
    ).data


class GenerationJob:
    """A started generation: its outcome is the result (200) or GENERATION_FAILED (500) once it ends."""

    def __init__(self, project: Project, result):
        self.project_id = project.pk
        self.token = project.generation_token
        self.result = result
        self.wait_seconds = settings.AI_SYNC_WAIT_SECONDS
        self.channel = None

    def outcome(self):
        project = Project.objects.get(pk=self.project_id)
        if project.generation_token != self.token:
            return envelope_response(ProjectSerializer(project).data, status=status.HTTP_202_ACCEPTED)
        if project.generation_state == GenerationState.RUNNING:
            return None
        if project.generation_state == GenerationState.FAILED:
            return error_envelope_response(
                "GENERATION_FAILED",
                project.generation_error,
                {"provider": project.generation_params.get("provider", "")},
                500,
            )
        return envelope_response(self.result(project))


@extend_schema_view(
    list=extend_schema(
        summary="List projects", description="Archived projects are listed only with `status=archived`."
    ),
    retrieve=extend_schema(summary="Get a project with its questions, answers and current spec"),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Project.objects.all()
    owner_field = "owner"
    filterset_class = ProjectFilter

    @property
    def throttle_scope(self) -> str | None:
        return "generation" if self.action in GENERATING_ACTIONS else None

    def scope_queryset(self, queryset):
        return with_latest_run(queryset)

    def get_serializer_class(self):
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def filter_queryset(self, queryset):
        # The list filters (which hide archived projects) must not hide a project asked for by id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _start(self, request, kind: GenerationKind, serializer_class, result):
        project = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_generation_start(project=project, kind=kind, **serializer.validated_data)
        response = Response(ProjectSerializer(project).data, status=status.HTTP_202_ACCEPTED)
        response.pending_job = GenerationJob(project, result)
        return response

    @extend_schema(
        summary="Create a project", request=ProjectCreateSerializer, responses={201: ProjectDetailSerializer}
    )
    def create(self, request):
        serializer = ProjectCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_create(owner=request.user, **serializer.validated_data)
        return Response(ProjectDetailSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename, redescribe or choose the AI provider",
        request=ProjectUpdateSerializer,
        responses={200: ProjectDetailSerializer, 409: CONFLICT},
    )
    def partial_update(self, request, pk=None):
        project = self.get_object()
        serializer = ProjectUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_update(project=project, **serializer.validated_data)
        return Response(ProjectDetailSerializer(project).data)

    @extend_schema(summary="Archive a project (nothing is deleted)", responses={200: ArchivedSerializer})
    def destroy(self, request, pk=None):
        project = project_archive(project=self.get_object())
        return Response(ArchivedSerializer({"id": project.pk, "status": project.status}).data)

    @extend_schema(
        summary="Generate clarifying questions",
        request=ClarifyRequestSerializer,
        responses={200: ClarifyResultSerializer, 202: ProjectSerializer, 409: CONFLICT, 500: GENERATION_FAILED},
        description=f"200 with the questions when ready within AI_SYNC_WAIT_SECONDS. 202: {STILL_GENERATING}",
    )
    def clarify(self, request, pk=None):
        return self._start(request, GenerationKind.CLARIFY, ClarifyRequestSerializer, _clarify_result)

    @extend_schema(
        summary="Answer the questions and generate the spec",
        request=AnswersRequestSerializer,
        responses={200: SpecResultSerializer, 202: ProjectSerializer, 409: CONFLICT, 500: GENERATION_FAILED},
        description=f"Every answer is checked against its question first (400 naming it). 202: {STILL_GENERATING}",
    )
    def answers(self, request, pk=None):
        return self._start(request, GenerationKind.ANSWERS, AnswersRequestSerializer, _spec_result)

    @extend_schema(
        summary="Generate a new spec version, taking feedback into account",
        request=RegenerateRequestSerializer,
        responses={200: SpecResultSerializer, 202: ProjectSerializer, 409: CONFLICT, 500: GENERATION_FAILED},
        description=f"202: {STILL_GENERATING}",
    )
    def regenerate(self, request, pk=None):
        return self._start(request, GenerationKind.REGENERATE, RegenerateRequestSerializer, _spec_result)

    @extend_schema(
        summary="Approve the spec in review", request=None, responses={200: SpecResultSerializer, 409: CONFLICT}
    )
    def approve(self, request, pk=None):
        project = self.get_object()
        project_approve(project=project)
        project.refresh_from_db()
        return Response(_spec_result(project))

    @extend_schema(
        summary="A spec version (the current one by default)",
        parameters=[OpenApiParameter("version", int, description="The version number; the latest when omitted.")],
        responses=SpecVersionSerializer,
    )
    def spec(self, request, pk=None):
        versions = self.get_object().spec_versions.all()
        raw = request.query_params.get("version")
        if raw is None:
            spec = versions.order_by("-version").first()
        elif not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"version": [f"Must be a positive integer; got {raw!r}."]})
        else:
            spec = versions.filter(version=int(raw)).first()
        if spec is None:
            raise NotFound(
                "This project has no spec yet." if raw is None else f"This project has no spec version {raw}."
            )
        return Response(SpecVersionSerializer(spec).data)

    @extend_schema(
        summary="The project's spec versions, newest first", responses=SpecVersionSummarySerializer(many=True)
    )
    def spec_versions(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().spec_versions.order_by("-version"))
        return self.get_paginated_response(SpecVersionSummarySerializer(page, many=True).data)
