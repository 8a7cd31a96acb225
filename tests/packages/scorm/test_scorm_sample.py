"""Uptake's own SCORM 1.2 sample package (lms/demo/packages/scorm12-sample), which the
player's browser tests launch: its manifest reads as two SCOs, and every file it names is there."""

from lms.courses.packages.scorm_manifest import read_scorm_manifest
from lms.demo.packages import DEMO_PACKAGES

SAMPLE = DEMO_PACKAGES / "scorm12-sample"


def test_the_sample_is_two_scos_the_second_with_a_mastery_score():
    spec = read_scorm_manifest((SAMPLE / "imsmanifest.xml").read_bytes())
    assert spec.standard == "scorm12"
    assert [(u.publisher_id, u.title, u.url, u.mastery_score) for u in spec.units] == [
        ("welcome", "Welcome", "welcome.html", None),
        ("check", "Check", "check.html", 0.8),
    ]
    assert all((SAMPLE / name).is_file() for name in spec.referenced_files)
