"""Small packages built in the tests: a cmi5 zip, a SCORM 1.2 zip, and broken ones."""

import io
import zipfile

COURSE_ID = "https://example.com/courses/fire-safety"
AU_IDS = (
    "https://example.com/courses/fire-safety/au/1",
    "https://example.com/courses/fire-safety/au/2",
)


def cmi5_xml(*au_ids: str, title: str = "Fire safety") -> bytes:
    units = "".join(
        f"""
  <au id="{au_id}" moveOn="CompletedOrPassed" masteryScore="0.8">
    <title><langstring lang="en">Unit {number}</langstring></title>
    <description><langstring lang="en">Part {number}.</langstring></description>
    <url>unit{number}.html</url>
  </au>"""
        for number, au_id in enumerate(au_ids or AU_IDS, start=1)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{COURSE_ID}">
    <title><langstring lang="en">{title}</langstring></title>
    <description><langstring lang="en">What to do when the alarm rings.</langstring></description>
  </course>{units}
</courseStructure>""".encode()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def cmi5_zip(*au_ids: str, title: str = "Fire safety") -> bytes:
    count = len(au_ids or AU_IDS)
    pages = {f"unit{n}.html": b"<!doctype html><title>AU</title>" for n in range(1, count + 1)}
    return zipped({"cmi5.xml": cmi5_xml(*au_ids, title=title), **pages})


SCORM12_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.typing" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Typing basics</title>
      <item identifier="item1" identifierref="res1"><title>Home row</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="sco.html">
      <file href="sco.html"/>
    </resource>
  </resources>
</manifest>"""


def scorm12_zip() -> bytes:
    return zipped({"imsmanifest.xml": SCORM12_MANIFEST, "sco.html": b"<!doctype html><p>SCO"})
