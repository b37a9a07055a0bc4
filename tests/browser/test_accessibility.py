"""axe-core audit (from npm, injected into the page) of the pages readers use most."""

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def _audit(page, axe_source):
    # The site's Content-Security-Policy refuses inline scripts: axe comes as a script of
    # the page's own origin, answered by the browser itself (nothing is added to the site).
    origin = "/".join(page.url.split("/")[:3])
    page.route(
        f"{origin}/__axe__.js",
        lambda route: route.fulfill(body=axe_source, content_type="application/javascript"),
    )
    page.add_script_tag(url=f"{origin}/__axe__.js")
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )


def test_reader_pages_have_no_serious_or_critical_violations(reading_list, open_page, axe_source):
    neon = reading_list["reviews"]["Neon Alley"]
    pages = {
        "front page": "/",
        "review": neon.url,
        "filmography": "/people/zo%C3%AB-marchetti/",
        "critic": "/people/priya-anand/",
        "search results": "/search/?q=Harbourlight",
    }
    report = {}
    for viewport in ("desktop", "phone"):
        page, _ = open_page(viewport)
        for name, path in pages.items():
            page.goto(reading_list["url"] + path)
            violations = _audit(page, axe_source)
            report[f"{name} ({viewport})"] = violations
    print("axe-core violations by page:")  # noqa: T201 - shown with -s / in CI logs
    for name, violations in report.items():
        summary = ", ".join(f"{v['id']} ({v['impact']})" for v in violations) or "none"
        print(f"  {name}: {summary}")  # noqa: T201
    blocking = {
        name: [v for v in violations if v["impact"] in BLOCKING]
        for name, violations in report.items()
    }
    assert all(not found for found in blocking.values()), json.dumps(blocking, indent=2)


def test_audit_catches_a_real_violation(reading_list, open_page, axe_source):
    """The audit is live: an image without alt text on the page is reported."""
    page, _ = open_page("desktop")
    page.goto(reading_list["url"] + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\"/static/favicon.svg\">')"
    )
    ids = {v["id"] for v in _audit(page, axe_source)}
    assert "image-alt" in ids
