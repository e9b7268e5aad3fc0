from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from integrations.ai.providers import provider_names
from workspaces.models import Project, ProjectStatus, SpecVersion


def _provider_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=provider_names(), **kwargs)


class GenerationSerializer(serializers.Serializer):
    state = serializers.CharField(source="generation_state", help_text="idle, running (generating) or failed.")
    kind = serializers.CharField(source="generation_kind", help_text="clarify, answers or regenerate.")
    provider = serializers.CharField(
        source="generation_params.provider", default="", help_text="The provider of the last job."
    )
    started_at = serializers.DateTimeField(source="generation_started_at", allow_null=True)
    error = serializers.CharField(source="generation_error", help_text="Why the last job failed.")


class LatestRunSerializer(serializers.Serializer):
    id = serializers.CharField()
    run_number = serializers.IntegerField()
    status = serializers.CharField()


class ProjectSerializer(serializers.ModelSerializer):
    ai_provider = serializers.CharField()
    generation = GenerationSerializer(source="*")
    latest_run = serializers.SerializerMethodField(help_text="The newest build run, or null.")

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "status",
            "ai_provider",
            "generation",
            "latest_run",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LatestRunSerializer(allow_null=True))
    def get_latest_run(self, project) -> dict | None:
        if not hasattr(project, "latest_run_id"):
            # Not loaded through with_latest_run (a project just created or changed).
            run = project.runs.order_by("-run_number").only("id", "run_number", "status").first()
            return LatestRunSerializer(run).data if run else None
        if project.latest_run_id is None:
            return None
        return {
            "id": project.latest_run_id,
            "run_number": project.latest_run_number,
            "status": project.latest_run_status,
        }


class SpecVersionSummarySerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_name")

    class Meta:
        model = SpecVersion
        fields = [
            "version",
            "feedback",
            "provider",
            "model",
            "tokens_in",
            "tokens_out",
            "approved_at",
            "commit_sha",
            "created_at",
        ]
        read_only_fields = fields


class SpecVersionSerializer(SpecVersionSummarySerializer):
    documents = serializers.DictField(
        child=serializers.CharField(), help_text="SPEC.md, DATA.md, ROUTES.md, ACCEPTANCE.md."
    )

    class Meta(SpecVersionSummarySerializer.Meta):
        fields = [*SpecVersionSummarySerializer.Meta.fields, "documents"]
        read_only_fields = fields


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    question = serializers.CharField()
    type = serializers.ChoiceField(choices=["single_choice", "multi_choice", "boolean", "text"])
    options = serializers.ListField(child=serializers.CharField(), required=False)


class AnswerSerializer(serializers.Serializer):
    question_id = serializers.CharField(max_length=60)
    answer = serializers.JSONField(
        help_text="A string (single choice, text), a list of strings (multi choice) or a boolean."
    )


def answers_as_list(answers: dict) -> list[dict]:
    # Question ids are data, not field names: a list keeps them out of the camelCase conversion.
    return [{"question_id": question_id, "answer": answer} for question_id, answer in answers.items()]


class ProjectDetailSerializer(ProjectSerializer):
    questions = QuestionSerializer(many=True)
    answers = serializers.SerializerMethodField()
    spec = serializers.SerializerMethodField(help_text="The current spec version, or null before the first one.")

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "repo_path", "questions", "answers", "spec"]
        read_only_fields = fields

    def get_answers(self, project) -> list[dict]:
        return AnswerSerializer(answers_as_list(project.answers), many=True).data

    def get_spec(self, project) -> dict | None:
        current = project.spec_versions.order_by("-version").first()
        return SpecVersionSerializer(current).data if current else None


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(min_length=1, max_length=10_000)
    ai_provider = _provider_field(required=False, allow_blank=True, default="")


class ProjectUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200, required=False)
    description = serializers.CharField(min_length=1, max_length=10_000, required=False)
    ai_provider = _provider_field(required=False, allow_blank=True)


class ClarifyRequestSerializer(serializers.Serializer):
    provider = _provider_field(required=False, help_text="Overrides the project's provider for this request.")


class AnswersRequestSerializer(ClarifyRequestSerializer):
    answers = AnswerSerializer(many=True, allow_empty=False)


class RegenerateRequestSerializer(ClarifyRequestSerializer):
    feedback = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ClarifyResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    questions = QuestionSerializer(many=True)


class SpecResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    spec = SpecVersionSerializer()


class ArchivedSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField()
