"""vcrpy is loaded only by runs that record or replay."""

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wonsan-2025-07"

_PROBE = """
import sys
from briefing import Options, build
from briefing.engines.openai import OpenAIEngine
from briefing.engines.replay import is_cassette_miss
build([sys.argv[1]], Options(engine="offline"))
assert not is_cassette_miss(RuntimeError("no cassette"))
print("vcr" in sys.modules)
"""


def test_a_run_without_record_or_replay_never_imports_vcrpy():
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "False"


def test_a_replay_imports_vcrpy_when_it_opens_the_cassette(tmp_path):
    probe = (
        "import sys\nfrom briefing.engines.replay import cassette\n"
        "with cassette(replay=__import__('pathlib').Path(sys.argv[1])):\n"
        "    print('vcr' in sys.modules)\n"
    )
    cassette_file = tmp_path / "empty.yaml"
    cassette_file.write_text("interactions: []\nversion: 1\n")
    run = subprocess.run(
        [sys.executable, "-c", probe, str(cassette_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "True"
