"""Input selection: files that are not articles, --include and --exclude globs."""

from __future__ import annotations

from pathlib import Path

from briefing.ingest import Selection, load


def _write(folder: Path, relative: str, text: str = "A story filed on Friday.") -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _reasons(result) -> dict[str, str]:
    return {item.path: item.reason for item in result.skipped}


def test_readme_license_changelog_provenance_and_dotfiles_are_skipped_by_default(tmp_path):
    corpus = tmp_path / "corpus"
    for name in ("README.md", "LICENSE", "CHANGELOG.txt", "PROVENANCE/story.md", ".env"):
        _write(corpus, name)
    _write(corpus, "story/01_outlet.txt")
    result = load(corpus)
    assert [a.source.path for a in result.articles] == ["corpus/story/01_outlet.txt"]
    assert _reasons(result) == {
        "corpus/.env": "hidden file, not read (name it in --include to read it)",
        "corpus/CHANGELOG.txt": "not an article (CHANGELOG file); name it in --include to read it",
        "corpus/LICENSE": "not an article (LICENSE file); name it in --include to read it",
        "corpus/PROVENANCE": "not an article (PROVENANCE folder); name it in --include to read it",
        "corpus/README.md": "not an article (README file); name it in --include to read it",
    }


def test_include_reads_a_default_skipped_folder_and_only_what_it_names(tmp_path):
    _write(tmp_path / "corpus", "PROVENANCE/story.md")
    _write(tmp_path / "corpus", "story/01_outlet.txt")
    result = load(tmp_path / "corpus", selection=Selection.of(include=["PROVENANCE"]))
    assert [a.source.path for a in result.articles] == ["corpus/PROVENANCE/story.md"]
    assert _reasons(result) == {"corpus/story/01_outlet.txt": "not matched by --include PROVENANCE"}


def test_exclude_matches_names_and_paths_under_the_argument(tmp_path):
    for name in ("a/keep.txt", "a/drop.json", "drafts/b.txt"):
        _write(tmp_path / "in", name)
    result = load(tmp_path / "in", selection=Selection.of(exclude=["*.json", "drafts"]))
    assert [a.source.path for a in result.articles] == ["in/a/keep.txt"]
    assert _reasons(result) == {
        "in/a/drop.json": "excluded by --exclude *.json",
        "in/drafts": "excluded by --exclude drafts",
    }


def test_one_path_given_as_a_string_is_one_input_not_its_characters(tmp_path):
    _write(tmp_path, "in/a.txt")
    result = load(str(tmp_path / "in"))
    assert [a.source.path for a in result.articles] == ["in/a.txt"]
    assert result.skipped == []
