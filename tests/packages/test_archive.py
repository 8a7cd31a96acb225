"""Opening an upload: zips, zip64, a bare cmi5.xml, unsafe entries, limits, extraction."""

import hashlib
import stat
import zipfile

import pytest

from lms.courses.packages.archive import Limits, read_package
from lms.courses.packages.structure import PackageError
from tests.packages.fixtures.builders import au, block, cmi5, scorm12, zip_with, zipped

A = "https://example.com/au/"
PAGE = b"<html></html>"


def refusal(data: bytes, filename: str = "course.zip", **kwargs) -> str:
    with pytest.raises(PackageError) as caught:
        read_package(data, filename, **kwargs)
    return str(caught.value)


def test_a_cmi5_zip_with_nested_blocks_opens():
    structure = cmi5(
        block("https://example.com/b/1", au(A + "1", "one/index.html?x=1")),
        au(A + "2", "two.html"),
    )
    data = zipped({"cmi5.xml": structure, "one/index.html": PAGE, "two.html": PAGE})

    package = read_package(data, "course.zip", limits=Limits())

    assert package.spec.children[0].children[0].url == "one/index.html?x=1"
    assert package.sha256 == hashlib.sha256(data).hexdigest()
    assert package.is_bare_structure is False


def test_a_bare_cmi5_xml_with_absolute_urls_opens():
    data = cmi5(au(A + "1", "https://cdn.example.com/a"))

    package = read_package(data, "cmi5.xml", limits=Limits())

    assert package.is_bare_structure is True
    assert package.spec.units[0].url == "https://cdn.example.com/a"


@pytest.mark.parametrize("url", ["index.html", "path/1/index.html", "index.html?abc=def"])
def test_a_bare_cmi5_xml_with_a_relative_url_is_refused(url):
    message = refusal(cmi5(au(A + "1", url)), "structure.xml")

    assert message.startswith(
        f"structure.xml: au[1] (id={A}1): url '{url}' is relative, but a cmi5.xml uploaded"
        " without a zip has no files for it to name"
    )


def test_a_bare_cmi5_xml_with_a_rooted_url_is_refused():
    assert "url '/index.html' must be relative" in refusal(cmi5(au(url="/index.html")), "c.xml")


def test_a_scorm_zip_opens():
    manifest = scorm12(
        '<item identifier="a" identifierref="r1"><title>A</title></item>',
        '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"><file href="a.js"/>'
        "</resource>",
    )
    data = zipped({"imsmanifest.xml": manifest, "a.html": PAGE, "a.js": b""})

    package = read_package(data, "scorm.zip", limits=Limits())

    assert package.spec.standard == "scorm12"
    assert package.spec.referenced_files == ("a.html", "a.js")


def test_a_zip64_package_opens(monkeypatch):
    # Tiny limits make zipfile write every zip64 record a 4 GB package would have.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 0)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 0)
    data = zipped({"cmi5.xml": cmi5(au(url="index.html")), "index.html": PAGE})
    monkeypatch.undo()

    package = read_package(data, "course.zip", limits=Limits())

    assert b"PK\x06\x06" in data  # the zip64 end of central directory record
    assert package.spec.units[0].url == "index.html"


def test_a_zip_without_a_structure_names_both():
    message = refusal(zipped({"index.html": PAGE}))

    assert message == (
        "course.zip: has neither cmi5.xml (cmi5) nor imsmanifest.xml (SCORM) at the root of the zip"
    )


def test_a_structure_in_a_folder_is_pointed_out():
    message = refusal(zipped({"course/cmi5.xml": cmi5(), "course/index.html": PAGE}))

    assert message.endswith("; found 'course/cmi5.xml', which must be at the zip's root")


def test_an_au_url_missing_from_the_zip_is_refused():
    data = zipped({"cmi5.xml": cmi5(au(A + "1", "x.html?y=1"))})

    assert refusal(data) == f"cmi5.xml: au[1] (id={A}1): url 'x.html?y=1' is not in the package"


def test_a_scorm_file_missing_from_the_zip_is_refused():
    manifest = scorm12(
        '<item identifier="intro" identifierref="r1"><title>A</title></item>',
        '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"><file href="a.js"/>'
        "</resource>",
    )

    assert refusal(zipped({"imsmanifest.xml": manifest, "a.js": b""})) == (
        "imsmanifest.xml: item \"intro\": url 'a.html' is not in the package"
    )
    assert refusal(zipped({"imsmanifest.xml": manifest, "a.html": PAGE})) == (
        "imsmanifest.xml: names the file 'a.js', which is not in the package"
    )


def test_a_not_a_zip_zip_is_refused():
    assert refusal(b"PK\x03\x04 this is not really a zip") == (
        "course.zip: is not a zip file; it cannot be opened as one"
    )


def test_some_other_file_is_refused():
    assert refusal(b"# A markdown file\n", "package.md") == (
        "package.md: is neither a zip package nor a cmi5.xml course structure"
    )


def entry(name: str, *, mode: int = 0o100644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("/etc/cron.d/x", "has an absolute path"),
        ("../../evil.html", "has '..' in its path"),
        ("a/../../evil.html", "has '..' in its path"),
        ("..\\..\\evil.html", "has '..' in its path"),
        ("\\evil.html", "has an absolute path"),
        ("C:\\Windows\\evil.html", "has an absolute path"),
        ("c:/evil.html", "has an absolute path"),
    ],
)
def test_entries_that_could_escape_are_refused(name, why):
    data = zip_with((entry("cmi5.xml"), cmi5(au(url="https://e.com/a"))), (entry(name), PAGE))

    assert refusal(data) == f"course.zip: entry '{name}' {why}; the zip is refused"


def test_a_symbolic_link_is_refused():
    link = entry("index.html", mode=stat.S_IFLNK | 0o777)
    data = zip_with((entry("cmi5.xml"), cmi5()), (link, b"/etc/passwd"))

    assert refusal(data) == "course.zip: entry 'index.html' is a symbolic link; the zip is refused"


def test_duplicate_names_are_refused():
    data = zip_with(
        (entry("cmi5.xml"), cmi5()), (entry("index.html"), PAGE), (entry("./index.html"), PAGE)
    )

    assert refusal(data) == "course.zip: './index.html' is in the zip twice"


def test_too_many_files_are_refused():
    data = zipped({"cmi5.xml": cmi5(), "index.html": PAGE, "b.html": PAGE})

    assert refusal(data, limits=Limits(max_files=2)) == (
        "course.zip: holds 3 files, more than the 2 a package may hold (max_files)"
    )


def test_an_upload_too_big_is_refused():
    data = zipped({"cmi5.xml": cmi5(), "index.html": PAGE})

    message = refusal(data, limits=Limits(max_bytes=100))

    assert message.startswith("course.zip: is 0.0 MB, more than the 0.0 MB a package may be")
    assert message.endswith("(max_bytes)")


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    data = zipped({"cmi5.xml": cmi5(), "index.html": b"0" * 30_000_000})

    assert len(data) < 100_000
    assert refusal(data, limits=Limits(max_unpacked_bytes=20 * 1024 * 1024)) == (
        "course.zip: unpacks to 28.6 MB, more than the 20.0 MB a package may hold"
        " (max_unpacked_bytes)"
    )


def test_the_default_limits():
    assert Limits() == Limits(
        max_bytes=500 * 1024**2, max_unpacked_bytes=2 * 1024**3, max_files=10_000
    )


def test_extraction_writes_every_file_and_no_partial_directory(tmp_path):
    data = zipped({"cmi5.xml": cmi5(au(url="one/index.html")), "one/": b"", "one/index.html": PAGE})
    package = read_package(data, "course.zip", limits=Limits())
    target = tmp_path / "files" / package.sha256

    package.extract_to(target)

    assert (target / "one" / "index.html").read_bytes() == PAGE
    assert (target / "cmi5.xml").read_bytes() == cmi5(au(url="one/index.html"))
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [package.sha256]


def test_backslash_names_are_written_as_folders(tmp_path):
    data = zip_with((entry("cmi5.xml"), cmi5(au(url="one/a.html"))), (entry("one\\a.html"), PAGE))
    package = read_package(data, "course.zip", limits=Limits())

    package.extract_to(tmp_path / "x")

    assert (tmp_path / "x" / "one" / "a.html").read_bytes() == PAGE


def test_an_existing_directory_is_left_as_it_is(tmp_path):
    data = zipped({"cmi5.xml": cmi5(), "index.html": PAGE})
    target = tmp_path / "same"
    target.mkdir()
    (target / "marker").write_text("already here")

    read_package(data, "course.zip", limits=Limits()).extract_to(target)

    assert sorted(p.name for p in target.iterdir()) == ["marker"]


def test_a_failed_extraction_leaves_nothing_behind(tmp_path, monkeypatch):
    data = zipped({"cmi5.xml": cmi5(), "index.html": PAGE})
    package = read_package(data, "course.zip", limits=Limits())

    def fail(source, out, length=0):
        raise OSError("disk full")

    monkeypatch.setattr("lms.courses.packages.archive.shutil.copyfileobj", fail)
    with pytest.raises(OSError, match="disk full"):
        package.extract_to(tmp_path / "pkg")

    assert list(tmp_path.iterdir()) == []


def test_a_bare_structure_extracts_nothing(tmp_path):
    package = read_package(cmi5(au(url="https://e.com/a")), "cmi5.xml", limits=Limits())

    package.extract_to(tmp_path / "pkg")

    assert list(tmp_path.iterdir()) == []


def test_a_thousand_au_zip_opens():
    aus = [au(f"{A}{n}", f"au{n}.html") for n in range(1000)]
    files = {f"au{n}.html": PAGE for n in range(1000)}
    data = zipped({"cmi5.xml": cmi5(*aus), **files})

    assert len(read_package(data, "big.zip", limits=Limits()).spec.units) == 1000
