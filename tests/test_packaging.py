"""What the wheel ships: pyproject's package list and data patterns against the folders, and
the root prompts/ and templates/ found through the installed packages."""

import fnmatch
import importlib
import tomllib
from pathlib import Path

from briefing.engines import prompting

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def _package_folder(package: str) -> Path:
    mapped = SETUPTOOLS.get("package-dir", {})
    return ROOT / mapped.get(package, package.replace(".", "/"))


def test_every_package_folder_is_listed_in_pyproject():
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "briefing").rglob("__init__.py")
    }
    listed = set(SETUPTOOLS["packages"])
    assert on_disk - listed == set()
    assert {p for p in listed if not (_package_folder(p) / "__init__.py").is_file()} == set()


def test_every_data_file_of_a_package_matches_its_package_data():
    patterns = SETUPTOOLS["package-data"]
    missing = []
    for package in SETUPTOOLS["packages"]:
        folder = _package_folder(package)
        data = [p for p in folder.iterdir() if p.is_file() and p.suffix not in {".py", ".pyc"}]
        missing += [
            str(path.relative_to(ROOT))
            for path in data
            if not any(fnmatch.fnmatch(path.name, p) for p in patterns.get(package, []))
        ]
    assert missing == []


def test_prompts_and_templates_at_the_root_are_what_the_loaders_find():
    render = importlib.import_module("briefing.render")
    prompt_files = {p.name for p in (ROOT / "prompts").glob("*.j2")}
    template_files = {p.name for p in (ROOT / "templates").glob("*.j2")}
    assert prompt_files and template_files
    assert prompt_files <= set(prompting._templates.list_templates())
    assert template_files <= set(render._ENV.list_templates())
