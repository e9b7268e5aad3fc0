import subprocess

import pytest

from runs.repositories import Author, RepositoryError, branch_head, commit_files, read_file, repository_create


def git(repo, *args) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True).stdout


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
