from __future__ import annotations

import pytest


@pytest.mark.browser
def test_admin_login_page_opens_in_chromium(live_server, transactional_db, page):
    response = page.goto(live_server.url + "/admin/login/")

    assert response is not None and response.ok
    assert "Log in" in page.title()
    assert page.locator("#id_username").is_visible()
