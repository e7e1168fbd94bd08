"""The server's core: it starts, serves through boto3, stores in SQLite."""

from __future__ import annotations

import pytest

from .conftest import ThreadServer, rum_client


def test_create_get_list_delete(rum, name):
    app_id = rum.create_app_monitor(Name=name, Domain="example.com", Tags={"team": "web"})["Id"]
    got = rum.get_app_monitor(Name=name)["AppMonitor"]
    assert got["Id"] == app_id and got["Name"] == name and got["Domain"] == "example.com"
    assert got["Tags"] == {"team": "web"}
    names = [s["Name"] for s in rum.list_app_monitors(MaxResults=100)["AppMonitorSummaries"]]
    assert name in names
    rum.delete_app_monitor(Name=name)
    with pytest.raises(rum.exceptions.ResourceNotFoundException) as e:
        rum.get_app_monitor(Name=name)
    assert e.value.response["resourceName"] == name


def test_sqlite_file_survives_a_restart(tmp_path):
    first = ThreadServer(tmp_path)
    try:
        app_id = rum_client(first.url).create_app_monitor(Name="kept", Domain="a.com")["Id"]
    finally:
        first.stop()
    assert (tmp_path / "rum.sqlite3").exists()
    second = ThreadServer(tmp_path)
    try:
        assert rum_client(second.url).get_app_monitor(Name="kept")["AppMonitor"]["Id"] == app_id
    finally:
        second.stop()
