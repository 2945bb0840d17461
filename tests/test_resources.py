"""Installed versions read from the .dist-info beside a package, against importlib.metadata (an independent method)."""

from __future__ import annotations

import importlib.metadata

import pytest

from compliance.resources import installed_version


@pytest.mark.parametrize("name", ["jsonschema", "holidays", "numpy", "pyarrow"])
def test_the_same_version_as_importlib_metadata(name):
    assert installed_version(name) == importlib.metadata.version(name)


def test_a_package_not_installed_has_no_version():
    assert installed_version("no_such_package_for_statutory_timelines") is None
