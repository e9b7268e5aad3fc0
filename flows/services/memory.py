"""Per-flow memory (seed ProjectMemory / MemoryEntry): a JSON key-value store sized by plan.

`used_bytes` is kept exact: every write locks the flow's memory row, replaces the entry's size in
the total and refuses (413) a write that would pass the plan's `memory_bytes`. Each entry has a
`version` for compare-and-set: a write naming `expected_version` succeeds only if the entry is at
that version (0: only if it does not exist yet), else 409 with the current version.
"""

import json
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import status

from core.api.exceptions import ApplicationError, Conflict, Forbidden, ValidationFailed
from core.api.throttling import plan_for
from flows.models import Flow, FlowMemory, MemoryEntry

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


class MemoryLimitExceeded(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "PAYLOAD_TOO_LARGE"


def memory_max_bytes(flow: Flow) -> int | None:
    """The owner's plan limit: 0 when the plan has no memory, None when unlimited."""
    return plan_for(flow.owner.tier)["limits"]["memory_bytes"]


def entry_size(key: str, value: Any) -> int:
    return len(key.encode()) + len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def check_key(key: str) -> None:
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            "key: 1-200 characters of letters, digits, '_', '.', ':' and '-'.",
            details={"key": ["1-200 characters of letters, digits, '_', '.', ':' and '-'."]},
        )


def memory_of(flow: Flow) -> FlowMemory:
    memory, _ = FlowMemory.objects.get_or_create(flow=flow)
    return memory


def memory_set_enabled(*, flow: Flow, enabled: bool) -> FlowMemory:
    if enabled and memory_max_bytes(flow) == 0:
        raise Forbidden("Project memory needs a paid plan (paid 10 MB, pro 100 MB).", details={"tier": flow.owner.tier})
    memory = memory_of(flow)
    memory.enabled = enabled
    memory.save(update_fields=["enabled", "updated_at"])
    return memory


def _locked_enabled_memory(flow: Flow) -> FlowMemory:
    memory_of(flow)
    memory = FlowMemory.objects.select_for_update().get(flow=flow)
    if not memory.enabled:
        raise Conflict("Memory is disabled for this flow; enable it first.", code="MEMORY_DISABLED")
    return memory


def _check_version(entry: MemoryEntry | None, expected_version: int | None) -> None:
    if expected_version is None:
        return
    current = entry.version if entry is not None else 0
    if current != expected_version:
        raise Conflict(
            f"The entry is at version {current}, not {expected_version}; read it again and retry.",
            details={"currentVersion": current},
        )


@transaction.atomic
def memory_write(*, flow: Flow, key: str, value: Any, expected_version: int | None = None) -> MemoryEntry:
    check_key(key)
    memory = _locked_enabled_memory(flow)
    entry = MemoryEntry.objects.filter(memory=memory, key=key).first()
    _check_version(entry, expected_version)
    size = entry_size(key, value)
    used = memory.used_bytes - (entry.size_bytes if entry else 0) + size
    limit = memory_max_bytes(flow)
    if limit is not None and used > limit:
        raise MemoryLimitExceeded(
            f"This write would use {used} bytes of the flow's {limit}-byte memory.",
            details={"usedBytes": memory.used_bytes, "maxBytes": limit, "entryBytes": size},
        )
    now = timezone.now()
    if entry is None:
        entry = MemoryEntry.objects.create(memory=memory, key=key, value=value, size_bytes=size, updated_at=now)
    else:
        entry.value, entry.size_bytes, entry.version, entry.updated_at = value, size, entry.version + 1, now
        entry.save(update_fields=["value", "size_bytes", "version", "updated_at"])
    FlowMemory.objects.filter(pk=memory.pk).update(used_bytes=used, updated_at=now)
    return entry


@transaction.atomic
def memory_delete(*, flow: Flow, key: str, expected_version: int | None = None) -> bool:
    """Delete an entry; False when there was none."""
    check_key(key)
    memory = _locked_enabled_memory(flow)
    entry = MemoryEntry.objects.filter(memory=memory, key=key).first()
    _check_version(entry, expected_version)
    if entry is None:
        return False
    entry.delete()
    FlowMemory.objects.filter(pk=memory.pk).update(used_bytes=memory.used_bytes - entry.size_bytes)
    return True


def memory_read(*, flow: Flow, key: str) -> MemoryEntry | None:
    check_key(key)
    return MemoryEntry.objects.filter(memory__flow=flow, key=key).first()


@transaction.atomic
def memory_clear(*, flow: Flow) -> None:
    memory = FlowMemory.objects.select_for_update().filter(flow=flow).first()
    if memory is not None:
        memory.entries.all().delete()
        FlowMemory.objects.filter(pk=memory.pk).update(used_bytes=0)
