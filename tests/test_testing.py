"""`briefing.testing` as a user's own suite uses it: the README's example passes when run by
pytest from outside this repository, and every public name is in the README's table."""

from __future__ import annotations

import os
import subprocess
import sys

import briefing.testing

from .corpus import REPO

SECTION = "## Testing code that uses briefing"


def readme_section() -> str:
    """The README's section on `briefing.testing`, up to the next section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


def readme_example() -> str:
    """The Python example of that section."""
    return readme_section().split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_passes_as_a_users_test_outside_the_repository(tmp_path):
    (tmp_path / "test_harbour.py").write_text(readme_example(), encoding="utf-8")
    keep = {"PATH", "HOME", "TIKTOKEN_CACHE_DIR", "LANG", "TMPDIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_harbour.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_every_public_name_is_in_the_readme_table():
    section = readme_section()
    missing = [name for name in briefing.testing.__all__ if f"`{name}" not in section]
    assert missing == []
