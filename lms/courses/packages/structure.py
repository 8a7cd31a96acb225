"""A package's course structure, read from cmi5.xml (cmi5 section 13) or imsmanifest.xml
(SCORM 1.2 and 2004): the course, its blocks and its launchable units, as plain values.
Pure: no app, no database. The readers are `cmi5_xml.read_cmi5` and
`scorm_manifest.read_scorm_manifest`; the tree is stored as JSON with `as_json` and read back
with `from_json`."""

import dataclasses
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

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


class XmlDocument:
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


def parse_xml(xml: bytes, source: str) -> XmlDocument:
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
    return XmlDocument(root, recorder.lines, source)


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
