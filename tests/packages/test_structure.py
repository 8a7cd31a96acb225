"""Reading cmi5.xml and SCORM manifests into PackageSpec (no app)."""

import time

import pytest

from lms.courses.packages.cmi5_xml import read_cmi5
from lms.courses.packages.scorm_manifest import read_scorm_manifest
from lms.courses.packages.structure import (
    BlockSpec,
    PackageError,
    PackageSpec,
    UnitSpec,
    as_json,
    from_json,
)
from tests.packages.fixtures.builders import au, block, cmi5, objective, scorm12, scorm2004

B = "https://example.com/block/"
A = "https://example.com/au/"


def refusal(read, xml: bytes, **kwargs) -> str:
    with pytest.raises(PackageError) as caught:
        read(xml, **kwargs)
    return str(caught.value)


# --- cmi5: happy paths ------------------------------------------------------------------


def test_a_cmi5_structure_with_nested_blocks_reads_in_document_order():
    xml = cmi5(
        block(
            B + "1",
            au(A + "1", "one/index.html?lang=en", title="First"),
            block(B + "2", au(A + "2", "two.html#start", title="Second"), title="Inner"),
            title="Outer",
        ),
        au(A + "3", "https://cdn.example.com/three", title="Third"),
    )

    spec = read_cmi5(xml)

    assert spec.standard == "cmi5"
    assert spec.publisher_id == "https://example.com/course/1"
    assert (spec.title, spec.description) == ("Course", "All")
    outer = spec.children[0]
    assert (outer.publisher_id, outer.title) == (B + "1", "Outer")
    assert outer.children[1].title == "Inner"
    assert [unit.publisher_id for unit in spec.units] == [A + "1", A + "2", A + "3"]
    assert spec.referenced_files == ("one/index.html", "two.html")


def test_an_au_keeps_every_attribute_it_declares():
    xml = cmi5(
        au(
            A + "1",
            "  index.html?x=1  ",
            attrs='moveOn="CompletedAndPassed" masteryScore="0.8" launchMethod="OwnWindow"'
            ' activityType="http://adlnet.gov/expapi/activities/lesson"',
            extra='<launchParameters> {"mode": 1} </launchParameters>'
            "<entitlementKey>key-9</entitlementKey>",
        )
    )

    assert read_cmi5(xml).units[0] == UnitSpec(
        publisher_id=A + "1",
        title="Unit",
        url="index.html?x=1",
        description="About",
        move_on="CompletedAndPassed",
        mastery_score=0.8,
        launch_method="OwnWindow",
        launch_parameters='{"mode": 1}',
        entitlement_key="key-9",
        activity_type="http://adlnet.gov/expapi/activities/lesson",
    )


def test_the_schema_defaults_apply_when_an_au_says_nothing():
    unit = read_cmi5(cmi5(au())).units[0]

    assert (unit.move_on, unit.launch_method, unit.mastery_score) == (
        "NotApplicable",
        "AnyWindow",
        None,
    )
    assert (unit.launch_parameters, unit.entitlement_key, unit.activity_type) == (None, None, None)


def test_the_english_title_is_chosen_else_the_first():
    titled = (
        f'<au id="{A}1"><title><langstring lang="de-DE">Einheit</langstring>'
        '<langstring lang="en-GB">Unit</langstring></title>'
        '<description><langstring lang="fr">Sur</langstring></description>'
        "<url>a.html</url></au>"
    )

    unit = read_cmi5(cmi5(titled)).units[0]

    assert (unit.title, unit.description) == ("Unit", "Sur")


def test_a_thousand_aus_import_quickly():
    xml = cmi5(*(au(f"{A}{n}", f"https://example.com/{n}") for n in range(1000)))

    started = time.perf_counter()
    spec = read_cmi5(xml)

    assert len(spec.units) == 1000
    assert spec.units[999].publisher_id == A + "999"
    assert time.perf_counter() - started < 5


def test_elements_of_other_namespaces_are_allowed_and_not_fetched():
    extension = (
        '<ext:note xmlns:ext="https://example.com/ext" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="https://example.com/ext http://198.51.100.1/ext.xsd">x</ext:note>'
    )

    assert len(read_cmi5(cmi5(au(extra=extension))).units) == 1


# --- cmi5: refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xml", "where"),
    [
        (
            cmi5(course_id="example.com/course/1"),
            "cmi5.xml: course (id=example.com/course/1), line 3",
        ),
        (cmi5(block("example.com/b", au())), 'cmi5.xml: block "example.com/b", line 4'),
        (cmi5(au("example.com/au/1")), "cmi5.xml: au[1] (id=example.com/au/1), line 4"),
        (
            cmi5(au(), objectives=f"<objectives>{objective('o/1')}</objectives>"),
            'cmi5.xml: objective "o/1", line 4',
        ),
    ],
)
def test_every_id_must_be_an_absolute_iri(xml, where):
    message = refusal(read_cmi5, xml)

    assert (
        message
        == f"{where}: its id is not an absolute IRI; cmi5 ids must start with a scheme, such as https://"
    )


@pytest.mark.parametrize(
    ("children", "objectives", "message"),
    [
        (
            [block(B + "1", au(A + "1")), block(B + "1", au(A + "2"))],
            "",
            f'block "{B}1", line 4: has the same id as block "{B}1" (line 4)',
        ),
        (
            [au(A + "1"), au(A + "1")],
            "",
            f"au[2] (id={A}1), line 4: has the same id as au[1] (id={A}1) (line 4)",
        ),
        (
            [au(A + "1")],
            f"<objectives>{objective(B + 'o')}{objective(B + 'o')}</objectives>",
            f'objective "{B}o", line 4: has the same id as objective "{B}o" (line 4)',
        ),
        (
            [block(A + "1", au(A + "1"))],
            "",
            f'au[1] (id={A}1), line 4: has the same id as block "{A}1" (line 4)',
        ),
    ],
)
def test_ids_are_unique_across_the_structure(children, objectives, message):
    assert refusal(read_cmi5, cmi5(*children, objectives=objectives)) == (
        f"cmi5.xml: {message}; ids must be unique"
    )


def test_a_course_id_may_not_be_reused_by_an_au():
    message = refusal(read_cmi5, cmi5(au("https://example.com/course/1")))

    assert "has the same id as course (id=https://example.com/course/1) (line 3)" in message


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.com index.html", "is not a valid URL (it is empty or contains spaces)"),
        ("ftp://example.com/a.html", "is not a web address: absolute URLs must start http://"),
        ("javascript:alert(1)", "is not a web address"),
        ("/index.html", "must be relative to the package root (no leading '/' or '\\')"),
        ("../outside.html", "points outside the package ('..')"),
        ("a\\b.html", "must be relative to the package root"),
    ],
)
def test_an_au_url_must_be_launchable(url, problem):
    message = refusal(read_cmi5, cmi5(au(A + "1", url)), source="course/cmi5.xml")

    assert message.startswith(f"course/cmi5.xml: au[1] (id={A}1), line 4: url '{url}' {problem}")


@pytest.mark.parametrize("name", ["endpoint", "fetch", "actor", "registration", "activityId"])
def test_an_au_url_may_not_use_a_launch_parameter(name):
    url = f"index.html?lang=en&amp;{name}=x"

    message = refusal(read_cmi5, cmi5(au(A + "1", url)))

    assert message.startswith(
        f"cmi5.xml: au[1] (id={A}1), line 4: url 'index.html?lang=en&{name}=x' has '{name}'"
        " in its query string, a name cmi5 keeps for the launch parameters"
    )


def test_a_similar_query_name_is_not_a_launch_parameter():
    assert read_cmi5(cmi5(au(url="index.html?endpoints=1"))).units[0].url == (
        "index.html?endpoints=1"
    )


def test_a_mastery_score_above_one_breaks_the_schema():
    message = refusal(read_cmi5, cmi5(au(attrs='masteryScore="1.5"')))

    assert message.startswith(
        "cmi5.xml: courseStructure/au (id=https://example.com/au/1), line 4: does not follow"
        " the cmi5 schema (CourseStructure.xsd): attribute masteryScore='1.5'"
    )


def test_an_au_without_a_title_breaks_the_schema():
    xml = cmi5(f'<au id="{A}1"><url>a.html</url></au>')

    message = refusal(read_cmi5, xml)

    assert message.startswith(f"cmi5.xml: courseStructure/au (id={A}1), line 4: does not follow")
    assert "Tag 'title' expected" in message


def test_another_root_element_is_named():
    message = refusal(read_cmi5, b"<manifest/>")

    assert message.startswith("cmi5.xml: <manifest>, line 1: is not a cmi5 course structure")


def test_malformed_xml_gives_its_line():
    assert refusal(read_cmi5, b"<a>\n<b></a>").startswith(
        "cmi5.xml: line 2: is not well-formed XML (mismatched tag)"
    )


def test_entities_are_refused():
    xml = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>'

    assert refusal(read_cmi5, xml).startswith("cmi5.xml: declares XML entities")


def test_external_entities_are_refused():
    xml = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'

    assert refusal(read_cmi5, xml).startswith("cmi5.xml: declares XML entities")


# --- SCORM ------------------------------------------------------------------------------


def test_a_scorm_12_manifest_reads_the_default_organization():
    xml = scorm12(
        '<item identifier="intro" identifierref="r1" parameters="?page=2">'
        "<title>Intro</title><adlcp:masteryscore>80</adlcp:masteryscore>"
        "<adlcp:datafromlms>start=1</adlcp:datafromlms></item>"
        '<item identifier="notes" identifierref="r2"><title>Notes</title></item>'
        '<item identifier="quiz" identifierref="r3"><title>Quiz</title></item>',
        '<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="intro/index.html">'
        '<file href="intro/index.html"/><file href="intro/app.js"/>'
        '<dependency identifierref="shared"/></resource>'
        '<resource identifier="r2" type="webcontent" adlcp:scormtype="asset" href="notes.pdf"/>'
        '<resource identifier="r3" type="webcontent" adlcp:scormtype="sco" href="quiz.html?v=2"/>'
        '<resource identifier="shared" type="webcontent" adlcp:scormtype="asset">'
        '<file href="shared/style.css"/></resource>',
    )

    spec = read_scorm_manifest(xml)

    assert (spec.standard, spec.publisher_id, spec.title) == (
        "scorm12",
        "com.example.s12",
        "Fire safety",
    )
    assert spec.children == (
        UnitSpec(
            publisher_id="intro",
            title="Intro",
            url="intro/index.html?page=2",
            move_on="Passed",
            mastery_score=0.8,
            launch_parameters="start=1",
            scorm_type="sco",
        ),
        UnitSpec("notes", "Notes", "notes.pdf", move_on="Completed", scorm_type="asset"),
        UnitSpec("quiz", "Quiz", "quiz.html?v=2", move_on="CompletedOrPassed", scorm_type="sco"),
    )
    assert spec.referenced_files == (
        "intro/index.html",
        "intro/app.js",
        "shared/style.css",
        "notes.pdf",
        "quiz.html",
    )


def test_scorm_12_is_known_by_its_namespaces_without_schemaversion():
    xml = scorm12(
        '<item identifier="a" identifierref="r1"><title>A</title></item>',
        '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"/>',
    )
    xml = xml.replace(b"<schemaversion>1.2</schemaversion>", b"")

    assert read_scorm_manifest(xml).standard == "scorm12"


def test_a_scorm_2004_manifest_with_sequencing_mastery_and_nested_items():
    xml = scorm2004(
        '<item identifier="chapter1"><title>Chapter 1</title>'
        '  <item identifier="lesson1" identifierref="r1"><title>Lesson 1</title>'
        "    <imsss:sequencing><imsss:objectives>"
        '      <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">'
        "        <imsss:minNormalizedMeasure>0.75</imsss:minNormalizedMeasure>"
        "      </imsss:primaryObjective></imsss:objectives></imsss:sequencing>"
        "  </item>"
        '  <item identifier="section"><title>Section</title>'
        '    <item identifier="lesson2" identifierref="r2" parameters="#p3">'
        "      <title>L2</title></item>"
        "  </item>"
        '  <item identifier="empty"><title>Nothing to launch</title><item identifier="e1"/></item>'
        "</item>",
        '<resource identifier="r1" adlcp:scormType="sco" href="index.html" xml:base="lesson1/">'
        '<file href="index.html"/></resource>'
        '<resource identifier="r2" adlcp:scormType="sco" href="My Lesson.html"/>',
    )

    spec = read_scorm_manifest(xml)

    assert (spec.standard, spec.title) == ("scorm2004", "Ladders")
    assert spec.children == (
        BlockSpec(
            "chapter1",
            "Chapter 1",
            children=(
                UnitSpec(
                    "lesson1",
                    "Lesson 1",
                    "lesson1/index.html",
                    move_on="CompletedAndPassed",
                    mastery_score=0.75,
                    scorm_type="sco",
                ),
                BlockSpec(
                    "section",
                    "Section",
                    children=(
                        UnitSpec(
                            "lesson2",
                            "L2",
                            "My%20Lesson.html#p3",
                            move_on="Completed",
                            scorm_type="sco",
                        ),
                    ),
                ),
            ),
        ),
    )
    assert spec.referenced_files == ("lesson1/index.html", "My Lesson.html")


def test_satisfied_by_measure_without_a_measure_needs_a_full_score():
    xml = scorm2004(
        '<item identifier="a" identifierref="r1"><title>A</title><imsss:sequencing>'
        '<imsss:objectives><imsss:primaryObjective satisfiedByMeasure="true"/>'
        "</imsss:objectives></imsss:sequencing></item>",
        '<resource identifier="r1" adlcp:scormType="sco" href="a.html"/>',
    )

    unit = read_scorm_manifest(xml).units[0]

    assert (unit.mastery_score, unit.move_on) == (1.0, "CompletedAndPassed")


@pytest.mark.parametrize(
    ("href", "parameters", "url"),
    [
        ("a.html", "x=1", "a.html?x=1"),
        ("a.html?v=2", "?x=1", "a.html?v=2&x=1"),
        ("a.html?v=2", "&amp;x=1", "a.html?v=2&x=1"),
        ("a.html#top", "x=1", "a.html?x=1#top"),
        ("a.html#top", "#other", "a.html#top"),
        ("a.html", "#other", "a.html#other"),
    ],
)
def test_item_parameters_join_the_href_as_scorm_cam_says(href, parameters, url):
    xml = scorm2004(
        f'<item identifier="a" identifierref="r1" parameters="{parameters}">'
        "<title>A</title></item>",
        f'<resource identifier="r1" adlcp:scormType="sco" href="{href}"/>',
    )

    assert read_scorm_manifest(xml).units[0].url == url


def test_a_parent_item_with_its_own_resource_launches_it_first():
    xml = scorm12(
        '<item identifier="ch" identifierref="r1"><title>Chapter</title>'
        '<item identifier="a" identifierref="r1"><title>A</title></item></item>',
        '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"/>',
    )

    chapter = read_scorm_manifest(xml).children[0]

    assert [type(node).__name__ for node in chapter.children] == ["UnitSpec", "UnitSpec"]
    assert [node.publisher_id for node in chapter.children] == ["ch", "a"]


def test_an_asset_without_href_is_left_out():
    xml = scorm12(
        '<item identifier="a" identifierref="r1"><title>A</title></item>'
        '<item identifier="b" identifierref="r2"><title>B</title></item>',
        '<resource identifier="r1" adlcp:scormtype="asset"/>'
        '<resource identifier="r2" adlcp:scormtype="sco" href="b.html"/>',
    )

    assert [unit.publisher_id for unit in read_scorm_manifest(xml).units] == ["b"]


@pytest.mark.parametrize(
    ("items", "resources", "message"),
    [
        (
            '<item identifier="intro" identifierref="r9"><title>I</title></item>',
            "",
            'item "intro", line 11: refers to resource "r9", which the manifest does not define',
        ),
        (
            '<item identifier="a" identifierref="r1"><title>A</title></item>',
            '<resource identifier="r1" adlcp:scormtype="sco"/>',
            'resource "r1", line 14: is a SCO with no href',
        ),
        (
            '<item identifier="a" identifierref="r1"><title>A</title></item>',
            '<resource identifier="r1" adlcp:scormtype="sco" href="../x.html"/>',
            "resource \"r1\", line 14: '../x.html' points outside the package ('..')",
        ),
        (
            '<item identifier="a" identifierref="r1"><title>A</title></item>',
            '<resource identifier="r1" adlcp:scormtype="sco" href="a.html">'
            '<dependency identifierref="nope"/></resource>',
            'resource "r1", line 14: depends on resource "nope", which the manifest does not'
            " define",
        ),
        (
            '<item identifier="a" identifierref="r1"><title>A</title>'
            "<adlcp:masteryscore>120</adlcp:masteryscore></item>",
            '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"/>',
            "item \"a\", line 11: adlcp:masteryscore '120' is not a number from 0 to 100",
        ),
        (
            '<item identifier="a" identifierref="r1"><title>A</title></item>'
            '<item identifier="a" identifierref="r1"><title>A</title></item>',
            '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"/>',
            'item "a", line 11: appears twice; identifiers must be unique',
        ),
    ],
)
def test_scorm_refusals_name_the_element(items, resources, message):
    assert refusal(read_scorm_manifest, scorm12(items, resources)) == f"imsmanifest.xml: {message}"


def test_an_undefined_default_organization_is_refused():
    xml = scorm12("", "").replace(b'default="org1"', b'default="org7"')

    assert refusal(read_scorm_manifest, xml) == (
        'imsmanifest.xml: organizations, line 6: the default organization "org7" is not defined'
        " in the manifest"
    )


def test_an_organization_with_nothing_to_launch_is_refused():
    assert refusal(read_scorm_manifest, scorm12("", "")) == (
        'imsmanifest.xml: organization "org1", line 10: has no item that launches anything'
    )


def test_a_manifest_of_unknown_version_is_refused():
    xml = b'<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"/>'

    assert refusal(read_scorm_manifest, xml).startswith(
        "imsmanifest.xml: manifest, line 1: does not say which SCORM version it is"
    )


# --- JSON -------------------------------------------------------------------------------


def test_the_json_round_trip_is_exact():
    spec = PackageSpec(
        standard="cmi5",
        publisher_id="https://example.com/c",
        title="C",
        description="D",
        children=(
            BlockSpec(
                B + "1",
                "B",
                "BD",
                children=(
                    UnitSpec(
                        A + "1", "U", "a.html?x=1", "UD", "Passed", 0.5, "OwnWindow", "p", "k", "t"
                    ),
                    BlockSpec(B + "2", "Inner", children=(UnitSpec(A + "2", "V", "https://x/v"),)),
                ),
            ),
            UnitSpec("sco", "S", "s.html", move_on="Completed", scorm_type="asset"),
        ),
        referenced_files=("a.html", "s.html"),
    )

    data = as_json(spec)

    assert from_json(data) == spec
    assert data["children"][0]["kind"] == "block"
    assert data["children"][0]["children"][0] == {
        "kind": "unit",
        "publisher_id": A + "1",
        "title": "U",
        "url": "a.html?x=1",
        "description": "UD",
        "move_on": "Passed",
        "mastery_score": 0.5,
        "launch_method": "OwnWindow",
        "launch_parameters": "p",
        "entitlement_key": "k",
        "activity_type": "t",
        "scorm_type": None,
    }
    assert data["referenced_files"] == ["a.html", "s.html"]


def test_json_survives_serialisation_as_text():
    import json

    spec = read_cmi5(cmi5(block(B + "1", au(A + "1")), au(A + "2", "https://e.com/x")))

    assert from_json(json.loads(json.dumps(as_json(spec)))) == spec


def test_a_title_uses_xml_text_unescaped():
    spec = read_cmi5(cmi5(au(title="Fish &amp; chips")))

    assert spec.units[0].title == "Fish & chips"
