"""Uptake's own sample cmi5 package (for the browser tests) is a valid course structure."""

from pathlib import Path
from xml.etree import ElementTree

import xmlschema

import lms.courses.packages
from lms.demo.packages import DEMO_PACKAGES

SAMPLE = DEMO_PACKAGES / "cmi5-sample"
SCHEMA = Path(lms.courses.packages.__file__).parent / "schemas" / "CourseStructure.xsd"
NS = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"


def test_the_sample_course_structure_meets_the_cmi5_schema():
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(SAMPLE / "cmi5.xml"))


def test_the_sample_has_one_block_of_two_aus_on_its_own_page():
    root = ElementTree.parse(SAMPLE / "cmi5.xml").getroot()
    [block] = root.findall(f"{NS}block")
    units = [
        (au.get("moveOn"), au.get("masteryScore"), au.findtext(f"{NS}url"))
        for au in block.findall(f"{NS}au")
    ]
    assert units == [
        ("CompletedOrPassed", None, "index.html?unit=1"),
        ("Passed", "0.8", "index.html?unit=2"),
    ]
    assert (SAMPLE / "index.html").is_file()
