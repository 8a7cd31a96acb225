"""Reading a SCORM 1.2 or 2004 manifest (imsmanifest.xml) into a PackageSpec: the default
organization, its items and resources, mastery. Pure: no app, no database."""

from urllib.parse import quote, unquote, urljoin
from xml.etree.ElementTree import Element

from lms.courses.packages.structure import (
    BlockSpec,
    PackageSpec,
    UnitSpec,
    XmlDocument,
    clean,
    is_absolute_url,
    local_name,
    package_path,
    parse_xml,
    url_problem,
)


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


def _scorm_standard(document: XmlDocument) -> str:
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
    def __init__(self, document: XmlDocument):
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
