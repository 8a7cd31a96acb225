"""An uploaded package, opened: a zip with cmi5.xml or imsmanifest.xml at its root, or a bare
cmi5.xml (cmi5 14). Every entry's name is checked before anything is written (no absolute
paths, drive letters, "..", symbolic links or duplicates), the sizes are held to `Limits`,
and every file the structure names must be in the zip. Pure: no app, no database."""

import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lms.courses.packages.cmi5_xml import read_cmi5
from lms.courses.packages.scorm_manifest import read_scorm_manifest
from lms.courses.packages.structure import (
    PackageError,
    PackageSpec,
    is_absolute_url,
    package_path,
)

MB = 1024 * 1024
CMI5_FILE = "cmi5.xml"
SCORM_FILE = "imsmanifest.xml"
MAX_STRUCTURE_BYTES = 20 * MB  # a structure file bigger than this is not a course outline
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """What an upload may be: its size, the size of its files unpacked (which also stops a
    small zip that unpacks to gigabytes), and how many files it holds."""

    max_bytes: int = 500 * MB
    max_unpacked_bytes: int = 2048 * MB
    max_files: int = 10_000


@dataclass(frozen=True)
class OpenedPackage:
    spec: PackageSpec
    sha256: str  # hex digest of the uploaded bytes: the files' directory name
    is_bare_structure: bool  # a cmi5.xml without a zip: nothing to extract
    _data: bytes = field(repr=False, default=b"")
    _entries: tuple[tuple[str, str], ...] = field(repr=False, default=())  # (zip name, path)

    def extract_to(self, directory: Path) -> None:
        """Write the package's files into `directory`, which must not exist yet. They are
        written to a hidden sibling and renamed into place, so nobody is ever served half a
        package. A directory that exists already holds these files (it is named for their
        SHA-256) and is left as it is; so is a bare structure, which has no files."""
        if self.is_bare_structure or directory.exists():
            return
        directory.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            partial.chmod(0o755)  # mkdtemp makes it private; the files are served from it
            self._write_files(partial)
            os.rename(partial, directory)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
            if not directory.exists():  # another upload of the same package got there first
                raise
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise

    def _write_files(self, root: Path) -> None:
        with zipfile.ZipFile(io.BytesIO(self._data)) as archive:
            for name, path in self._entries:
                target = root.joinpath(*path.split("/"))
                if not target.resolve().is_relative_to(root.resolve()):
                    raise PackageError(f"'{name}' would be written outside the package")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out, length=MB)


def read_package(data: bytes, filename: str, *, limits: Limits = Limits()) -> OpenedPackage:
    """Open an upload: a zip (by its content, whatever its name) or a bare cmi5.xml. A bare
    cmi5.xml must give every AU an absolute URL (cmi5 14.2), there being no files for a
    relative one to name."""
    if len(data) > limits.max_bytes:
        raise PackageError(
            f"{filename}: is {_megabytes(len(data))}, more than the {_megabytes(limits.max_bytes)}"
            " a package may be (max_bytes)"
        )
    digest = hashlib.sha256(data).hexdigest()
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _read_zip(data, filename, limits, digest)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        spec = read_cmi5(data, source=filename)
        _check_all_absolute(spec, filename)
        return OpenedPackage(spec=spec, sha256=digest, is_bare_structure=True)
    if filename.lower().endswith(".zip"):
        raise PackageError(f"{filename}: is not a zip file; it cannot be opened as one")
    raise PackageError(f"{filename}: is neither a zip package nor a cmi5.xml course structure")


def _check_all_absolute(spec: PackageSpec, filename: str) -> None:
    for number, unit in enumerate(spec.units, start=1):
        if not is_absolute_url(unit.url):
            raise PackageError(
                f"{filename}: au[{number}] (id={unit.publisher_id}): url '{unit.url}' is "
                "relative, but a cmi5.xml uploaded without a zip has no files for it to name; "
                "give an absolute URL or upload a zip (cmi5 14.2)"
            )


def _read_zip(data: bytes, filename: str, limits: Limits, digest: str) -> OpenedPackage:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise PackageError(f"{filename}: is not a readable zip file ({exc})") from None
    with archive:
        entries = _checked_entries(archive.infolist(), filename, limits)
        paths = {path: name for name, path in entries}
        spec = _read_structure(archive, paths, filename)
    _check_referenced_files(spec, set(paths), filename)
    files = tuple((name, path) for name, path in entries if not name.endswith("/"))
    return OpenedPackage(spec, digest, False, _data=data, _entries=files)


def _read_structure(archive: zipfile.ZipFile, paths: dict[str, str], filename: str) -> PackageSpec:
    for structure_file, reader in ((CMI5_FILE, read_cmi5), (SCORM_FILE, read_scorm_manifest)):
        if structure_file in paths:
            info = archive.getinfo(paths[structure_file])
            if info.file_size > MAX_STRUCTURE_BYTES:
                raise PackageError(
                    f"{filename}: {structure_file} is {_megabytes(info.file_size)}, more than "
                    f"the {_megabytes(MAX_STRUCTURE_BYTES)} a course structure may be"
                )
            return reader(archive.read(info), source=structure_file)
    nested = [p for p in paths if p.rsplit("/", 1)[-1].lower() in (CMI5_FILE, SCORM_FILE)]
    hint = f"; found '{nested[0]}', which must be at the zip's root" if nested else ""
    raise PackageError(
        f"{filename}: has neither {CMI5_FILE} (cmi5) nor {SCORM_FILE} (SCORM) at the root of "
        f"the zip{hint}"
    )


def _checked_entries(infos, filename: str, limits: Limits) -> list[tuple[str, str]]:
    """(name in the zip, safe relative path) for every entry; refuses the zip when any name
    could write outside the package, or when it holds too much."""
    if len(infos) > limits.max_files:
        raise PackageError(
            f"{filename}: holds {len(infos)} files, more than the {limits.max_files} a package "
            "may hold (max_files)"
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise PackageError(
            f"{filename}: unpacks to {_megabytes(unpacked)}, more than the "
            f"{_megabytes(limits.max_unpacked_bytes)} a package may hold (max_unpacked_bytes)"
        )
    entries, seen = [], set()
    for info in infos:
        path = _safe_path(info, filename)
        key = path.rstrip("/")
        if key in seen:
            raise PackageError(f"{filename}: '{info.filename}' is in the zip twice")
        seen.add(key)
        entries.append((info.filename, path))
    return entries


def _safe_path(info: zipfile.ZipInfo, filename: str) -> str:
    """The entry's path inside the package ("\\" read as "/"), or PackageError."""
    name = info.filename

    def refuse(why: str) -> PackageError:
        return PackageError(f"{filename}: entry '{name}' {why}; the zip is refused")

    if stat.S_ISLNK(info.external_attr >> 16):
        raise refuse("is a symbolic link")
    if info.flag_bits & 0x1:
        raise refuse("is encrypted")
    if any(ord(ch) < 32 for ch in name):
        raise refuse("has control characters in its name")
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        raise refuse("has an absolute path")
    parts = [part for part in normalised.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise refuse("has '..' in its path")
    if not parts:
        raise refuse("has no name")
    return "/".join(parts) + ("/" if info.is_dir() else "")


def _check_referenced_files(spec: PackageSpec, paths: set[str], filename: str) -> None:
    """Every relative URL and listed file names a file in the zip (cmi5 14.1)."""
    structure_file = CMI5_FILE if spec.standard == "cmi5" else SCORM_FILE
    kind = "au" if spec.standard == "cmi5" else "item"
    for number, unit in enumerate(spec.units, start=1):
        path = package_path(unit.url)
        if path is not None and path not in paths:
            label = (
                f"au[{number}] (id={unit.publisher_id})"
                if kind == "au"
                else (f'item "{unit.publisher_id}"')
            )
            raise PackageError(f"{structure_file}: {label}: url '{unit.url}' is not in the package")
    missing = [path for path in spec.referenced_files if path not in paths]
    if missing:
        raise PackageError(
            f"{structure_file}: names the file '{missing[0]}', which is not in the package"
            + (f" (nor are {len(missing) - 1} more)" if len(missing) > 1 else "")
        )


def _megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB"
