"""Fixtures of the package admin tests: the packages' files in a folder of the test's own."""

import pytest


@pytest.fixture(autouse=True)
def package_dir(app, tmp_path):
    saved = app.config["PACKAGE_DIR"]
    app.config["PACKAGE_DIR"] = tmp_path / "packages"
    yield app.config["PACKAGE_DIR"]
    app.config["PACKAGE_DIR"] = saved
