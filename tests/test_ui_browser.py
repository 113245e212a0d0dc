"""The chat page in a real browser: Debian's headless Chromium driven by Playwright, over the real model.

Types the first example question, waits for the streamed answer and its sources, follows a citation marker to
its passage and takes a screenshot; then clears the conversation, asks the example where the sources differ,
and checks that the page asked nothing of any other host. In the Exercises tab, filters the cards by muscle and
opens a card's passage. The screenshot goes to a temporary folder unless
asked for: `pytest --screenshot docs/screenshot.png` (or STRIDE_SCREENSHOT=docs/screenshot.png) refreshes the
README's.
"""

import time
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.integration  # the real models, behind a real server on 127.0.0.1

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "Should I strengthen my hip flexors?"
CLAMSHELLS = "Are clamshells good for runners?"
ANSWER_TIMEOUT_MS = 90_000  # the embedded 135M model on two busy cores; usually 10-20 s

if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def page_url(seed_stride, tmp_path_factory):
    from ui.app import launch

    stride = seed_stride.with_settings(backend="llama-cpp")  # the real embedded model, as `stride ui` runs it
    stride.update_cards(model_work=False)  # the Exercises tab's cards, as `stride ingest --no-model-work` builds them
    port = free_port()
    feedback = tmp_path_factory.mktemp("browser") / "feedback.jsonl"
    demo = launch(stride, port=port, feedback_path=feedback, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot(request, tmp_path) -> Path:
    """Where to save the screenshot: --screenshot / STRIDE_SCREENSHOT (from where pytest was started), else tmp."""
    asked = request.config.getoption("--screenshot")
    return request.config.invocation_params.dir / asked if asked else tmp_path / "screenshot.png"


def test_question_answer_sources_and_screenshot(browser, page_url, screenshot):
    started = time.monotonic()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(30_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(page_url)
    page.locator(".stride-status").filter(has_text="passages indexed").wait_for()
    assert "llama-cpp" in page.locator(".stride-status").inner_text()

    page.locator("#stride-question textarea").fill(QUESTION)
    page.locator("#stride-question textarea").press("Enter")
    answer = page.locator("#stride-chat .stride-answer").last
    answer.locator("a.stride-cite").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    answer.locator(".stride-how, .stride-notice").first.wait_for(timeout=ANSWER_TIMEOUT_MS)  # finished
    assert "hip flexors" in answer.inner_text().lower()
    assert "Hip flexors" in page.locator("#stride-sources").inner_text()  # the section of the cited passage
    assert page.locator("#stride-sources .stride-source mark").count() >= 1

    marker = answer.locator("a.stride-cite").first
    target = marker.get_attribute("href")
    assert target and target.startswith("#stride-a1-")
    assert page.locator(f"#stride-sources {target}").count() == 1
    marker.click()
    page.wait_for_function("target => location.hash === target", arg=target)
    assert page.evaluate("() => document.querySelector(':target')?.id") == target[1:]
    assert "Strength Training for Runners" in page.locator(target).inner_text()

    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000

    # Cleared first: a short question right after another is read as its follow-up by the answerer.
    page.get_by_role("button", name="Clear conversation").click()
    page.locator("#stride-sources .stride-sources-empty").wait_for()
    assert page.locator("#stride-chat .stride-answer").count() == 0
    # An example button asks its own text; clamshells are where the sources take opposite sides.
    page.get_by_role("button", name=CLAMSHELLS).click()
    differ = page.locator("#stride-chat .stride-differ")
    differ.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert differ.locator(".stride-side").count() == 2
    assert page.locator("#stride-sources .stride-source").count() == 2
    foreign = [url for url in requested if not url.startswith((page_url, "data:", "blob:"))]
    assert not foreign, f"the page asked other hosts: {foreign}"
    page.close()
    assert time.monotonic() - started < 120


def test_exercises_tab_filters_cards_and_shows_their_passages(browser, page_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.set_default_timeout(30_000)
    page.goto(page_url)
    page.get_by_role("tab", name="Exercises").click()
    cards = page.locator("#stride-exercises .stride-card")
    cards.first.wait_for()
    everything = cards.count()
    assert everything >= 10
    start = page.locator("#stride-exercises .stride-start")
    assert start.locator("li").count() == 3 and "squat" in start.inner_text()

    page.locator("#stride-muscle input").click()
    page.get_by_role("option", name="hamstrings").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#stride-exercises .stride-card').length < n", arg=everything
    )
    assert cards.count() >= 1
    for index in range(cards.count()):
        assert "hamstrings" in cards.nth(index).locator("div.stride-card-meta").inner_text()
    card = cards.first
    assert card.locator("h4", has_text="How to do it").count() == 1 and card.locator("ol li").count() >= 1
    passage = card.locator("details")
    passage.locator("summary").click()
    quote = passage.locator("blockquote")
    quote.wait_for()
    first_step = card.locator("ol li").first.inner_text()
    assert first_step.split()[0] in quote.inner_text()  # the step is quoted from the passage shown
    assert ".txt, characters" in passage.locator("summary").inner_text()
    page.screenshot(path=str(tmp_path / "exercises.png"), full_page=True)
    page.close()
