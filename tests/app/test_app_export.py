"""The "Export" tab through AppTest."""

from __future__ import annotations

from components.i18n import t


def test_export_tab_has_csv_and_npz_downloads(page):
    page.open("tab_export")
    buttons = page.at.get("download_button")
    labels = [button.proto.label for button in buttons]
    assert labels == [t("export_csv", "en"), t("export_npz", "en")]
    assert all(button.proto.deferred_file_id or button.proto.url for button in buttons)
    assert t("export_caption", "en") in page.bodies("caption")
