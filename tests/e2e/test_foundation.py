"""The home page, an error page and the language switch, in a real browser."""

from coaction.extensions import db
from coaction.seed.demo import load_demo


def test_home_page_in_swedish_is_accessible(page, app, assert_accessible):
    load_demo()
    db.session.commit()
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).inner_text() == "CoAction Södertörn"
    assert page.get_by_role("note").filter(has_text="demonstration").count() == 1
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_content(page, assert_accessible):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switch_sticks_while_browsing(page, assert_accessible):
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Main menu").is_visible()
    assert_accessible(page)
    page.goto(page.base_url + "/no-such-page")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Page not found")
    page.get_by_role("link", name="Svenska").click()
    assert page.locator("html").get_attribute("lang") == "sv"


def test_error_page_is_accessible(page, assert_accessible):
    response = page.goto(page.base_url + "/finns-inte")
    assert response.status == 404
    assert "Sidan finns inte" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
