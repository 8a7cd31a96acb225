"""Reading a cmi5 course structure (cmi5.xml, cmi5 section 13) into a PackageSpec, checked
against CourseStructure.xsd and the rules the schema cannot say. Pure: no app, no database."""

import functools
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.etree.ElementTree import Element

import xmlschema

from lms.courses.packages.structure import (
    BlockSpec,
    PackageSpec,
    UnitSpec,
    XmlDocument,
    clean,
    is_absolute_iri,
    local_name,
    package_path,
    parse_xml,
    url_problem,
)

CMI5_NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
# cmi5 8.1: the LMS adds these to the launch URL, so an AU's own query must not use them.
LAUNCH_PARAMETERS = ("endpoint", "fetch", "actor", "registration", "activityId")
_SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "CourseStructure.xsd"


@functools.cache
def _cmi5_schema() -> xmlschema.XMLSchema:
    # The schema is kept beside this module: nothing is fetched, now or at validation.
    return xmlschema.XMLSchema(str(_SCHEMA_FILE), allow="sandbox", defuse="always")


def _q(name: str) -> str:
    return f"{{{CMI5_NAMESPACE}}}{name}"


def read_cmi5(xml: bytes, *, source: str = "cmi5.xml") -> PackageSpec:
    """Read a cmi5 course structure. It must follow CourseStructure.xsd, and beyond it
    (cmi5 3.0, 8.1, 13.1): every course, block, AU and objective id is an absolute IRI and
    unique in the structure; an AU's url is an http(s) URL or a path inside the package, and
    its query string leaves the launch parameters (endpoint, fetch, actor, registration,
    activityId) to the LMS; masteryScore is from 0 to 1. Titles and descriptions are the
    first English langstring, else the first. Whether relative URLs are allowed (not in a
    bare cmi5.xml) and present (in the zip) is the archive's to check."""
    document = parse_xml(xml, source)
    _check_cmi5_schema(document)
    return _Cmi5Reader(document).read()


def _check_cmi5_schema(document: XmlDocument) -> None:
    root = document.root
    if root.tag != _q("courseStructure"):
        raise document.error(
            root,
            f"<{local_name(root.tag)}>",
            f"is not a cmi5 course structure: the root element must be <courseStructure> "
            f"in the namespace {CMI5_NAMESPACE}",
        )
    error = next(_cmi5_schema().iter_errors(root), None)
    if error is not None:
        where = _without_namespaces(error.path or "").lstrip("/") or "courseStructure"
        if error.elem is not None and error.elem.get("id"):
            where += f" (id={error.elem.get('id')})"
        reason = _without_namespaces(error.reason or str(error))
        raise document.error(
            error.elem, where, f"does not follow the cmi5 schema (CourseStructure.xsd): {reason}"
        )


def _without_namespaces(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "", text)


class _Cmi5Reader:
    def __init__(self, document: XmlDocument):
        self.document = document
        self.seen: dict[str, str] = {}  # id -> the element that has it, for duplicates
        self.au_count = 0
        self.files: list[str] = []

    def read(self) -> PackageSpec:
        root = self.document.root
        course = root.find(_q("course"))
        course_id = self._id(course, f"course (id={clean(course.get('id'))})")
        for objective in root.iterfind(f"{_q('objectives')}/{_q('objective')}"):
            self._id(objective, f'objective "{clean(objective.get("id"))}"')
        return PackageSpec(
            standard="cmi5",
            publisher_id=course_id,
            title=_langstring(course, "title"),
            description=_langstring(course, "description"),
            children=self._children(root),
            referenced_files=tuple(dict.fromkeys(self.files)),
        )

    def _children(self, parent: Element) -> tuple[BlockSpec | UnitSpec, ...]:
        nodes: list[BlockSpec | UnitSpec] = []
        for elem in parent:
            if elem.tag == _q("au"):
                nodes.append(self._au(elem))
            elif elem.tag == _q("block"):
                nodes.append(self._block(elem))
        return tuple(nodes)

    def _id(self, elem: Element, label: str) -> str:
        value = clean(elem.get("id"))
        if not is_absolute_iri(value):
            raise self.document.error(
                elem,
                label,
                "its id is not an absolute IRI; cmi5 ids must start with a scheme, such as https://",
            )
        if value in self.seen:
            raise self.document.error(
                elem, label, f"has the same id as {self.seen[value]}; ids must be unique"
            )
        line = self.document.line(elem)
        self.seen[value] = f"{label} (line {line})" if line else label
        return value

    def _block(self, elem: Element) -> BlockSpec:
        block_id = self._id(elem, f'block "{clean(elem.get("id"))}"')
        return BlockSpec(
            publisher_id=block_id,
            title=_langstring(elem, "title"),
            description=_langstring(elem, "description"),
            children=self._children(elem),
        )

    def _au(self, elem: Element) -> UnitSpec:
        self.au_count += 1
        label = f"au[{self.au_count}] (id={clean(elem.get('id'))})"
        au_id = self._id(elem, label)
        url_elem = elem.find(_q("url"))
        url = clean(url_elem.text)
        problem = url_problem(url) or _launch_parameter_clash(url)
        if problem:
            raise self.document.error(url_elem, label, problem)
        if path := package_path(url):
            self.files.append(path)
        return UnitSpec(
            publisher_id=au_id,
            title=_langstring(elem, "title"),
            url=url,
            description=_langstring(elem, "description"),
            move_on=clean(elem.get("moveOn")) or "NotApplicable",
            mastery_score=self._mastery_score(elem, label),
            launch_method=clean(elem.get("launchMethod")) or "AnyWindow",
            launch_parameters=_optional_text(elem, "launchParameters"),
            entitlement_key=_optional_text(elem, "entitlementKey"),
            activity_type=clean(elem.get("activityType")) or None,
        )

    def _mastery_score(self, elem: Element, label: str) -> float | None:
        raw = elem.get("masteryScore")
        if raw is None:
            return None
        score = float(raw)  # the schema has checked it is a decimal
        if not 0 <= score <= 1:
            raise self.document.error(elem, label, f"masteryScore {raw} is not between 0 and 1")
        return score


def _launch_parameter_clash(url: str) -> str | None:
    names = {name for name, _value in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    clashes = [name for name in LAUNCH_PARAMETERS if name in names]
    if clashes:
        return (
            f"url '{url}' has '{clashes[0]}' in its query string, a name cmi5 keeps for the "
            f"launch parameters the LMS adds ({', '.join(LAUNCH_PARAMETERS)})"
        )
    return None


def _langstring(elem: Element, name: str) -> str:
    """The first English langstring (lang "en" or "en-..."), else the first."""
    strings = elem.findall(f"{_q(name)}/{_q('langstring')}")
    english = [s for s in strings if (s.get("lang") or "").lower().split("-")[0] == "en"]
    chosen = (english or strings or [None])[0]
    return clean(chosen.text) if chosen is not None else ""


def _optional_text(elem: Element, name: str) -> str | None:
    child = elem.find(_q(name))
    return None if child is None else clean(child.text)
