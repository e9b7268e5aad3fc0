import os
import time

import pytest

from runs.repositories import (
    Author,
    RepositoryError,
    branch_head,
    changed_paths,
    commit_files,
    commit_worktree,
    merge_branch,
    move_branch,
    read_file,
    repository_create,
    worktree_add,
    worktree_remove,
)
from tests.projects import git


def test_commits_land_in_a_bare_repository_and_keep_other_files():
    repo = repository_create("proj_test_commits")
    assert branch_head(repo) is None

    first = commit_files(
        repo,
        {"spec/SPEC.md": "# v1\n", "README.md": "hello\n"},
        message="First",
        author=Author("Ada", "ada@example.com"),
    )
    second = commit_files(repo, {"spec/SPEC.md": "# v2\n"}, message="Second", author=Author("Ada", "ada@example.com"))

    assert branch_head(repo) == second
    assert git(repo, "rev-parse", f"{second}^").strip() == first
    assert read_file(repo, "spec/SPEC.md") == "# v2\n"
    assert read_file(repo, "README.md") == "hello\n"
    assert read_file(repo, "spec/SPEC.md", ref=first) == "# v1\n"
    assert git(repo, "log", "-1", "--format=%an <%ae> / %cn", "main").strip() == "Ada <ada@example.com> / Blocksmith"
    assert git(repo, "log", "--format=%s", "main").split() == ["Second", "First"]


def test_git_failures_are_reported():
    repo = repository_create("proj_test_failures")
    with pytest.raises(RepositoryError, match="git show failed"):
        read_file(repo, "missing.md")


AUTHOR = Author("Ada", "ada@example.com")


@pytest.fixture
def repo_with_base(tmp_path):
    repo = repository_create(f"proj_wt_{tmp_path.name}")
    base = commit_files(repo, {"spec/SPEC.md": "# spec\n"}, message="Spec", author=AUTHOR)
    return repo, base


def test_a_worktree_added_again_starts_its_branch_over(repo_with_base, tmp_path):
    repo, base = repo_with_base
    worktree = tmp_path / "wt" / "task-001"

    worktree_add(repo, worktree, "feat/task-001-a", base)
    (worktree / "a.txt").write_text("a\n")
    assert changed_paths(worktree) == ["a.txt"]
    first = commit_worktree(worktree, message="first", author=AUTHOR)
    worktree_add(repo, worktree, "feat/task-001-a", base)

    assert branch_head(repo, "feat/task-001-a") == base
    assert not (worktree / "a.txt").exists()
    assert first != base
    worktree_remove(repo, worktree)
    assert not worktree.exists()
    assert git(repo, "worktree", "list").count("\n") == 1


def test_a_worktree_left_locked_or_half_made_by_a_killed_process_is_replaced(repo_with_base, tmp_path):
    repo, base = repo_with_base
    locked, stray = tmp_path / "locked", tmp_path / "stray"
    worktree_add(repo, locked, "feat/task-001-a", base)
    git(repo, "worktree", "lock", "--reason", "initializing", str(locked))
    stray.mkdir()
    (stray / "leftover.txt").write_text("x")

    worktree_add(repo, locked, "feat/task-001-a", base)
    worktree_add(repo, stray, "feat/task-002-b", base)

    assert (locked / "spec" / "SPEC.md").exists()
    assert not (stray / "leftover.txt").exists()
    assert (stray / "spec" / "SPEC.md").exists()


def test_a_branch_lock_left_by_a_killed_commit_does_not_block_the_retry(repo_with_base, tmp_path):
    repo, base = repo_with_base
    worktree = tmp_path / "task"
    worktree_add(repo, worktree, "feat/task-001-a", base)
    lock = repo / "refs" / "heads" / "feat" / "task-001-a.lock"
    lock.write_text("")
    stale = time.time() - 60
    os.utime(lock, (stale, stale))

    worktree_add(repo, worktree, "feat/task-001-a", base)

    assert not lock.exists()
    assert (worktree / "spec" / "SPEC.md").exists()


def test_merges_report_conflicting_paths_and_are_undone(repo_with_base, tmp_path):
    repo, base = repo_with_base
    for name, text in (("left", "L\n"), ("right", "R\n")):
        worktree_add(repo, tmp_path / name, f"feat/{name}", base)
        (tmp_path / name / "shared.txt").write_text(text)
        (tmp_path / name / f"{name}.txt").write_text(text)
        commit_worktree(tmp_path / name, message=name, author=AUTHOR)
    merged = tmp_path / "merge"
    worktree_add(repo, merged, "run/001", base)

    assert merge_branch(merged, "feat/left", message="Merge left") == []
    assert merge_branch(merged, "feat/right", message="Merge right") == ["shared.txt"]

    assert (merged / "shared.txt").read_text() == "L\n"
    assert not (merged / "right.txt").exists()
    assert changed_paths(merged) == []
    assert git(repo, "log", "--format=%s", "-1", "run/001").strip() == "Merge left"


def test_moving_a_branch_is_a_compare_and_swap(repo_with_base):
    repo, base = repo_with_base
    newer = commit_files(repo, {"README.md": "x\n"}, message="More", author=AUTHOR, branch="feat/x")

    assert move_branch(repo, "main", newer, "0" * 40) is False
    assert branch_head(repo) == base
    assert move_branch(repo, "main", newer, base) is True
    assert branch_head(repo) == newer
