"""One article path: only the pipeline stores an article, and one builder makes its candidate.

Read from the source, like test_docs: a module that imported the store's article writer
(storage.articles.add_article) or the story store (news.stories.store.store_candidate), or
built a Candidate by hand, would be a second path beside news.pipeline.Pipeline.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "news", "storage", "scripts", "tests")

# The pipeline's store stage, and the storage tests of the writer itself.
ARTICLE_WRITER_USERS = {
    "news/stories/store.py",
    "tests/test_storage_concurrency.py",
    "tests/test_storage_models.py",
    "tests/test_textclean.py",
}
STORY_STORE_USERS = {"news/pipeline.py", "news/stories/__init__.py"}  # and its re-export
CANDIDATE_BUILDERS = {"news/stories/candidate.py"}


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if ".venv" not in path.parts:
                found.append((path.relative_to(REPO).as_posix(), ast.parse(path.read_text())))
    return found


def _uses(tree: ast.Module, module: str, name: str) -> bool:
    """Whether ``tree`` imports ``name`` from ``module``, or reaches it as an attribute of
    that module imported whole (``import storage.articles``, ``from storage import articles``)."""
    package, _, leaf = module.rpartition(".")
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            if any(a.name == name for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and node.module == package:
            aliases.update(a.asname or a.name for a in node.names if a.name == leaf)
        elif isinstance(node, ast.Import):
            aliases.update(a.asname or a.name for a in node.names if a.name == module)
    return any(
        isinstance(node, ast.Attribute) and node.attr == name and ast.unparse(node.value) in aliases
        for node in ast.walk(tree)
    )


def _builds_candidate(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Candidate")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Candidate")
        )
        for node in ast.walk(tree)
    )


def test_only_the_pipelines_store_stage_calls_the_article_writer() -> None:
    users = {name for name, tree in _sources() if _uses(tree, "storage.articles", "add_article")}
    assert users <= ARTICLE_WRITER_USERS, sorted(users - ARTICLE_WRITER_USERS)


def test_only_the_pipeline_stores_a_candidate() -> None:
    users = {
        name
        for name, tree in _sources()
        if _uses(tree, "news.stories.store", "store_candidate")
        or _uses(tree, "news.stories", "store_candidate")
    }
    assert users == STORY_STORE_USERS


def test_candidates_are_built_in_one_place() -> None:
    builders = {name for name, tree in _sources() if _builds_candidate(tree)}
    assert builders == CANDIDATE_BUILDERS


def test_the_guard_sees_each_way_of_reaching_the_writer() -> None:
    ways = [
        "from storage.articles import add_article",
        "from storage.articles import add_article as write",
        "import storage.articles\nstorage.articles.add_article",
        "from storage import articles\narticles.add_article",
        "from storage import articles as a\na.add_article",
    ]
    assert [_uses(ast.parse(code), "storage.articles", "add_article") for code in ways] == [
        True
    ] * len(ways)
    assert not _uses(
        ast.parse("from tests.factories import add_article"), "storage.articles", "add_article"
    )
