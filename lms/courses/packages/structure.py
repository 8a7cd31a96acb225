"""A package's course structure, read from cmi5.xml (cmi5 section 13) or imsmanifest.xml
(SCORM 1.2 and 2004): the course, its blocks and its launchable units, as plain values.
Pure: no app, no database. The readers are `read_cmi5` and `read_scorm_manifest`; the tree
is stored as JSON with `as_json` and read back with `from_json`."""

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import xmlschema
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")


class PackageError(ValueError):
    """The package cannot be imported; the message names the file and the element (and the
    line, where the XML parser gives one)."""


@dataclass(frozen=True)
class UnitSpec:
    """A cmi5 AU or a SCORM SCO."""

    publisher_id: str  # cmi5 AU id (an IRI); SCORM item identifier
    title: str
    url: str  # relative to the package root, or absolute (cmi5 only), query string kept
    description: str = ""
    move_on: str = "NotApplicable"  # one of MOVE_ON; SCORM units: "CompletedOrPassed"
    mastery_score: float | None = None  # 0..1
    launch_method: str = "AnyWindow"  # or "OwnWindow"
    launch_parameters: str | None = None
    entitlement_key: str | None = None
    activity_type: str | None = None
    # SCORM only: "sco" (talks to the SCORM API) or "asset" (does not; complete once
    # launched). None for a cmi5 AU.
    scorm_type: str | None = None


@dataclass(frozen=True)
class BlockSpec:
    """A cmi5 block: a group of AUs and blocks, satisfied when all of them are."""

    publisher_id: str
    title: str
    description: str = ""
    children: tuple["BlockSpec | UnitSpec", ...] = ()


@dataclass(frozen=True)
class PackageSpec:
    standard: str  # "cmi5" | "scorm12" | "scorm2004"
    publisher_id: str  # cmi5 course id; SCORM manifest identifier
    title: str
    description: str = ""
    children: tuple[BlockSpec | UnitSpec, ...] = ()
    # The files the structure's relative URLs name, each as a path inside the package
    # (SCORM resources' files, cmi5 relative AU URLs without their query strings).
    referenced_files: tuple[str, ...] = field(default=())

    @property
    def units(self) -> tuple[UnitSpec, ...]:
        """Every unit, in document order."""
        return tuple(_units_in(self.children))


def _units_in(children) -> list[UnitSpec]:
    found = []
    for child in children:
        found.extend(_units_in(child.children) if isinstance(child, BlockSpec) else [child])
    return found


# --- URLs -------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")


def is_absolute_iri(value: str) -> bool:
    """An absolute IRI has a scheme ("https:", "urn:") and no spaces (cmi5 3.0: ids are
    IRIs, and a fragment like "example.com/au/1" is not one)."""
    return bool(_IRI.match(value))


def is_absolute_url(url: str) -> bool:
    return bool(_SCHEME.match(url))


def package_path(url: str) -> str | None:
    """The file inside the package that a relative URL names (its path, percent-decoded,
    without query or fragment, "./" dropped), or None for an absolute URL."""
    if is_absolute_url(url):
        return None
    parts = [part for part in unquote(urlsplit(url).path).split("/") if part not in ("", ".")]
    return "/".join(parts)


def url_problem(url: str) -> str | None:
    """Why a unit's URL cannot be launched, or None. Absolute URLs must be http(s) with a
    host; relative ones must stay inside the package (no leading "/", no "..", no "\\")."""
    if not url or any(ch.isspace() for ch in url):
        return f"url '{url}' is not a valid URL (it is empty or contains spaces)"
    parts = urlsplit(url)
    if is_absolute_url(url):
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return f"url '{url}' is not a web address: absolute URLs must start http:// or https://"
        return None
    if url.startswith("/") or "\\" in url:
        return f"url '{url}' must be relative to the package root (no leading '/' or '\\')"
    if ".." in unquote(parts.path).split("/"):
        return f"url '{url}' points outside the package ('..')"
    if not package_path(url):
        return f"url '{url}' names no file"
    return None


# --- XML --------------------------------------------------------------------------------


class _Document:
    """A parsed XML file that remembers where each element started, for error messages."""

    def __init__(self, root: Element, lines: dict[int, int], source: str):
        self.root, self._lines, self.source = root, lines, source

    def line(self, elem: Element | None) -> int | None:
        return None if elem is None else self._lines.get(id(elem))

    def error(self, elem: Element | None, label: str, problem: str) -> PackageError:
        line = self.line(elem)
        where = f"{label}, line {line}" if line else label
        return PackageError(f"{self.source}: {where}: {problem}")


class _LineRecorder(TreeBuilder):
    def __init__(self):
        super().__init__()
        self.expat = None
        self.lines: dict[int, int] = {}
        self._keep: list[Element] = []  # keeps ids stable while the tree is built

    def start(self, tag, attrs):
        elem = super().start(tag, attrs)
        self.lines[id(elem)] = self.expat.CurrentLineNumber
        self._keep.append(elem)
        return elem


def parse_xml(xml: bytes, source: str) -> _Document:
    """Parse without entities, external references or network access (defusedxml)."""
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder)
    recorder.expat = parser.parser
    try:
        parser.feed(xml)
        root = parser.close()
    except DefusedXmlException:
        raise PackageError(
            f"{source}: declares XML entities or external references, which Uptake does not "
            "read for safety; remove the DOCTYPE's entities"
        ) from None
    except ParseError as exc:
        line, _column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise PackageError(f"{source}: line {line}: is not well-formed XML ({reason})") from None
    return _Document(root, recorder.lines, source)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def clean(text: str | None) -> str:
    """cmi5 13.1: leading and trailing whitespace is removed on import."""
    return (text or "").strip()


# --- JSON -------------------------------------------------------------------------------


def as_json(spec: PackageSpec) -> dict:
    """The package's tree as JSON values, for CoursePackage.structure."""
    data = {f.name: getattr(spec, f.name) for f in dataclasses.fields(PackageSpec)}
    data["children"] = [_node_as_json(child) for child in spec.children]
    data["referenced_files"] = list(spec.referenced_files)
    return data


def _node_as_json(node: BlockSpec | UnitSpec) -> dict:
    if isinstance(node, UnitSpec):
        return {"kind": "unit", **dataclasses.asdict(node)}
    values = {f.name: getattr(node, f.name) for f in dataclasses.fields(BlockSpec)}
    values["children"] = [_node_as_json(child) for child in node.children]
    return {"kind": "block", **values}


def from_json(data: dict) -> PackageSpec:
    """The inverse of `as_json`. Keys a newer Uptake added and this one does not know are
    ignored; keys missing take the field's default."""
    values = _known(PackageSpec, data)
    values["children"] = tuple(_node_from_json(child) for child in data.get("children", ()))
    values["referenced_files"] = tuple(data.get("referenced_files", ()))
    return PackageSpec(**values)


def _node_from_json(data: dict) -> BlockSpec | UnitSpec:
    if data["kind"] == "unit":
        return UnitSpec(**_known(UnitSpec, data))
    values = _known(BlockSpec, data)
    values["children"] = tuple(_node_from_json(child) for child in data.get("children", ()))
    return BlockSpec(**values)


def _known(cls, data: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in names}


# --- cmi5 -------------------------------------------------------------------------------

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


def _check_cmi5_schema(document: _Document) -> None:
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
    def __init__(self, document: _Document):
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


# --- SCORM ------------------------------------------------------------------------------


def read_scorm_manifest(xml: bytes, *, source: str = "imsmanifest.xml") -> PackageSpec:
    """Read a SCORM 1.2 or 2004 manifest: the version from metadata/schemaversion ("1.2";
    "2004 ..." or "CAM 1.3"), else from the ADL namespaces. The course is the default
    organization (its `default`, else the first). An item with child items is a block; a
    leaf item that refers to a resource is a unit (a parent item that refers to one is a
    block whose first child is that unit, both with the item's identifier). A unit's URL is
    the resource's href under any xml:base, with the item's `parameters` added as SCORM CAM
    says. Resources are SCOs (they talk to the SCORM API) or assets (adlcp:scormtype
    "asset": they do not, so the LMS counts them complete once launched, move_on
    "Completed"); a resource with no scormtype is taken as a SCO; an asset without href
    launches nothing and is left out.

    When a SCO counts as done (move_on):
    - SCORM 1.2: lesson_status passed or completed, "CompletedOrPassed"; with an
      adlcp:masteryscore (0-100, kept as 0..1) the SCO reports passed or failed, "Passed".
    - SCORM 2004: completion_status completed, "Completed"; with a primary objective
      satisfiedByMeasure="true" its minNormalizedMeasure is the mastery score (default 1.0,
      below 0 read as 0) and the SCO must also pass, "CompletedAndPassed". Sequencing kept
      in a sequencingCollection is not read.

    referenced_files: each unit's file and the files listed by its resource and by the
    resources it depends on."""
    return _ScormReader(parse_xml(xml, source)).read()


def _scorm_children(elem: Element | None, name: str) -> list[Element]:
    if elem is None:
        return []
    return [child for child in elem if local_name(child.tag).lower() == name.lower()]


def _scorm_child(elem: Element | None, name: str) -> Element | None:
    return next(iter(_scorm_children(elem, name)), None)


def _scorm_text(elem: Element | None, name: str) -> str:
    child = _scorm_child(elem, name)
    return "" if child is None else clean(child.text)


def _scorm_attr(elem: Element, name: str) -> str:
    """An attribute by its local name in any namespace (adlcp:scormtype, scormType)."""
    for key, value in elem.attrib.items():
        if local_name(key).lower() == name.lower():
            return clean(value)
    return ""


def _scorm_standard(document: _Document) -> str:
    root = document.root
    version = _scorm_text(_scorm_child(root, "metadata"), "schemaversion")
    if version == "1.2":
        return "scorm12"
    if "2004" in version or "CAM 1.3" in version:
        return "scorm2004"
    namespaces = {
        name[1:].split("}")[0]
        for elem in root.iter()
        for name in (elem.tag, *elem.attrib)
        if name.startswith("{")
    }
    if any("adlcp_rootv1p2" in ns or "imscp_rootv1p1p2" in ns for ns in namespaces):
        return "scorm12"
    if any("adlcp_v1p3" in ns or "imsss" in ns for ns in namespaces):
        return "scorm2004"
    raise document.error(
        root,
        "manifest",
        f"does not say which SCORM version it is (metadata/schemaversion is '{version}'; "
        "expected '1.2' or '2004 ...')",
    )


def _joined(base: str, href: str) -> str:
    # Unencoded spaces are common in SCORM hrefs; encode them rather than refuse the package.
    return urljoin(base, quote(href, safe="/?&=#%:+;,@!$'()*~"))


def _with_parameters(url: str, parameters: str) -> str:
    """SCORM CAM: a leading "?" or "&" is dropped; the rest joins the href's query with "&",
    or starts one with "?"; parameters that start with "#" are a fragment, used only when
    the href has none."""
    if not parameters:
        return url
    address, hash_mark, fragment = url.partition("#")
    if parameters.startswith("#"):
        return url if hash_mark else url + parameters
    parameters = parameters.lstrip("?&")
    if not parameters:
        return url
    joiner = "" if address.endswith(("?", "&")) else "&" if "?" in address else "?"
    return f"{address}{joiner}{parameters}{hash_mark}{fragment}"


class _ScormReader:
    def __init__(self, document: _Document):
        self.document = document
        root = document.root
        if local_name(root.tag) != "manifest":
            raise document.error(
                root,
                f"<{local_name(root.tag)}>",
                "is not a content package manifest: the root element must be <manifest>",
            )
        self.standard = _scorm_standard(document)
        resources = _scorm_child(root, "resources")
        self.resources_base = urljoin(
            _scorm_attr(root, "base"), _scorm_attr(resources, "base") if resources else ""
        )
        self.resources = {
            clean(r.get("identifier")): r for r in _scorm_children(resources, "resource")
        }
        self.items_seen: set[str] = set()
        self.files: list[str] = []

    def read(self) -> PackageSpec:
        root = self.document.root
        identifier = clean(root.get("identifier"))
        if not identifier:
            raise self.document.error(root, "manifest", "has no identifier")
        organization = self._default_organization()
        children = self._items(organization)
        spec = PackageSpec(
            standard=self.standard,
            publisher_id=identifier,
            title=_scorm_text(organization, "title") or identifier,
            children=children,
            referenced_files=tuple(dict.fromkeys(self.files)),
        )
        if not spec.units:
            label = f'organization "{clean(organization.get("identifier"))}"'
            raise self.document.error(organization, label, "has no item that launches anything")
        return spec

    def _default_organization(self) -> Element:
        holder = _scorm_child(self.document.root, "organizations")
        organizations = _scorm_children(holder, "organization")
        if not organizations:
            raise self.document.error(
                holder, "organizations", "the manifest defines no organization to launch"
            )
        default = clean(holder.get("default"))
        if not default:
            return organizations[0]
        for organization in organizations:
            if clean(organization.get("identifier")) == default:
                return organization
        raise self.document.error(
            holder,
            "organizations",
            f'the default organization "{default}" is not defined in the manifest',
        )

    def _items(self, parent: Element) -> tuple[BlockSpec | UnitSpec, ...]:
        nodes = (self._item(item) for item in _scorm_children(parent, "item"))
        return tuple(node for node in nodes if node is not None)

    def _item(self, item: Element) -> BlockSpec | UnitSpec | None:
        identifier = clean(item.get("identifier"))
        label = f'item "{identifier}"'
        if not identifier:
            raise self.document.error(item, "item", "has no identifier")
        if identifier in self.items_seen:
            raise self.document.error(item, label, "appears twice; identifiers must be unique")
        self.items_seen.add(identifier)
        unit = self._unit(item, identifier, label) if item.get("identifierref") else None
        if not _scorm_children(item, "item"):
            return unit
        children = (unit, *self._items(item)) if unit else self._items(item)
        if not children:
            return None
        return BlockSpec(identifier, _scorm_text(item, "title") or identifier, children=children)

    def _unit(self, item: Element, identifier: str, label: str) -> UnitSpec | None:
        reference = clean(item.get("identifierref"))
        resource = self.resources.get(reference)
        if resource is None:
            raise self.document.error(
                item,
                label,
                f'refers to resource "{reference}", which the manifest does not define',
            )
        scorm_type = (_scorm_attr(resource, "scormtype") or "sco").lower()
        resource_label = f'resource "{reference}"'
        if scorm_type not in ("sco", "asset"):
            raise self.document.error(
                resource, resource_label, f"scormtype '{scorm_type}' is neither sco nor asset"
            )
        href = clean(resource.get("href"))
        if not href:
            if scorm_type == "sco":
                raise self.document.error(resource, resource_label, "is a SCO with no href")
            return None
        url = _with_parameters(
            self._url(resource, href, resource_label), clean(item.get("parameters"))
        )
        self._collect_files(resource, set())
        mastery_score, move_on = self._completion(item, label, scorm_type)
        return UnitSpec(
            publisher_id=identifier,
            title=_scorm_text(item, "title") or identifier,
            url=url,
            move_on=move_on,
            mastery_score=mastery_score,
            launch_parameters=_scorm_text(item, "datafromlms") or None,
            scorm_type=scorm_type,
        )

    def _url(self, resource: Element, href: str, label: str) -> str:
        """The href under the manifest's, resources' and resource's xml:base; refuses one
        that leaves the package or is no web address."""
        base = urljoin(self.resources_base, _scorm_attr(resource, "base"))
        for part in (base, href):
            if not is_absolute_url(part) and ".." in unquote(part).replace("\\", "/").split("/"):
                raise self.document.error(
                    resource, label, f"'{part}' points outside the package ('..')"
                )
        url = _joined(base, href)
        if problem := url_problem(url):
            raise self.document.error(resource, label, problem)
        if path := package_path(url):
            self.files.append(path)
        return url

    def _collect_files(self, resource: Element, visited: set[str]) -> None:
        identifier = clean(resource.get("identifier"))
        if identifier in visited:
            return
        visited.add(identifier)
        label = f'resource "{identifier}"'
        for file in _scorm_children(resource, "file"):
            self._url(resource, clean(file.get("href")), f"{label} file")
        for dependency in _scorm_children(resource, "dependency"):
            reference = clean(dependency.get("identifierref"))
            if reference not in self.resources:
                raise self.document.error(
                    dependency,
                    label,
                    f'depends on resource "{reference}", which the manifest does not define',
                )
            self._collect_files(self.resources[reference], visited)

    def _completion(self, item: Element, label: str, scorm_type: str) -> tuple[float | None, str]:
        """(mastery score, move_on); the docstring of read_scorm_manifest says why."""
        if scorm_type == "asset":
            return None, "Completed"
        if self.standard == "scorm12":
            raw = _scorm_text(item, "masteryscore")
            if not raw:
                return None, "CompletedOrPassed"
            return self._number(item, label, "adlcp:masteryscore", raw, 0, 100) / 100, "Passed"
        objectives = _scorm_child(_scorm_child(item, "sequencing"), "objectives")
        primary = _scorm_child(objectives, "primaryObjective")
        if primary is None or _scorm_attr(primary, "satisfiedByMeasure").lower() != "true":
            return None, "Completed"
        raw = _scorm_text(primary, "minNormalizedMeasure") or "1.0"
        measure = self._number(primary, label, "imsss:minNormalizedMeasure", raw, -1, 1)
        return max(measure, 0.0), "CompletedAndPassed"

    def _number(self, elem: Element, label: str, name: str, raw: str, low, high) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise self.document.error(
                elem, label, f"{name} '{raw}' is not a number from {low} to {high}"
            )
        return value
