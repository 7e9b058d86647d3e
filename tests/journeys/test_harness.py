"""The harness itself: a page error fails a journey, and a logged-in phone lands on its home page."""



def test_a_worker_logs_in_on_a_phone_and_lands_on_the_home_map(journey):
    page = journey.open("worker")
    page.wait_for_selector("#map")
    journey.shot(page, "home")
    assert page.viewport_size["width"] == 390
    assert journey.sql("SELECT count(*) FROM accounts_user WHERE username = 'worker'") == [(1,)]


def test_a_script_error_on_a_page_is_caught(journey):
    page = journey.open(None, device="desktop")
    page.goto(f"{journey.url}/accounts/login/")
    page.evaluate("() => setTimeout(() => { throw new Error('boom') }, 0)")
    page.wait_for_timeout(200)
    assert any("boom" in e for e in journey.errors)
    journey.errors.clear()  # the harness saw it; this test proves only that
