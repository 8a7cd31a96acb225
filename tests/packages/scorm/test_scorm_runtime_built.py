"""`make assets` builds the SCORM runtime the player page loads: scorm-again's browser bundle,
which defines window.Scorm12API and window.Scorm2004API."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RUNTIME = ROOT / "lms" / "static" / "vendor" / "scorm-again" / "scorm-again.min.js"
PLAYER = ROOT / "lms" / "static" / "packages" / "scorm-player.js"


@pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not installed: `make assets` cannot build"
)
def test_make_assets_built_the_scorm_runtime():
    assert RUNTIME.is_file(), f"{RUNTIME} is missing: run `make assets`"
    bundle = RUNTIME.read_text(encoding="utf-8")
    assert "window.Scorm12API=" in bundle
    assert "window.Scorm2004API=" in bundle


def test_the_player_glue_puts_the_api_where_a_sco_looks_for_it():
    glue = PLAYER.read_text(encoding="utf-8")
    assert "window.API_1484_11 = api" in glue
    assert "window.API = api" in glue
    assert 'getElementById("scorm-settings")' in glue
