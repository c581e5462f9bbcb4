"""Accessibility (WCAG 2.1 AA, the Polish act on digital accessibility): the axe-core
engine, from the npm registry (node_modules, never a CDN), run in Debian's chromium on
every page of the portal, in Polish and in English, each with the role that opens it.
A violation of impact "serious" or "critical" under the WCAG 2.0/2.1 A and AA rules
fails; the pages checked and every violation found are printed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from tests.audit.pages import Discovery, Page, Role, discover

pytestmark = [pytest.mark.audit, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}
LANGUAGES = ("pl", "en")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
    })),
    incomplete: result.incomplete.map((v) => ({id: v.id, nodes: v.nodes.length})),
  };
}"""


def _assert_axe_runs(browser: Browser) -> None:
    """A page with known faults: an engine that did not load or rules that select
    nothing would otherwise pass every page."""
    context = browser.new_context()
    context.add_init_script(path=AXE / "axe.min.js")
    tab = context.new_page()
    tab.goto("about:blank")
    tab.set_content('<html lang="en"><title>t</title><img src="x.png"><button></button></html>')
    found = {v["id"] for v in tab.evaluate(RUN_AXE, TAGS)["violations"]}
    context.close()
    assert {"image-alt", "button-name"} <= found, f"axe-core did not run as expected: {found}"


def _session_cookie(role: Role) -> str | None:
    if role.user is None:
        return None
    return str(role.client().cookies[settings.SESSION_COOKIE_NAME].value)


def _check(
    browser: Browser, base_url: str, pages: list[Page], role: Role, language: str
) -> list[dict[str, Any]]:
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if session := _session_cookie(role):
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context = browser.new_context()
    context.add_cookies(cookies)  # type: ignore[arg-type]
    # An init script is not subject to the pages' Content-Security-Policy.
    context.add_init_script(path=AXE / "axe.min.js")
    tab = context.new_page()
    results = []
    try:
        for page in pages:
            tab.goto(base_url + page.url, wait_until="load")
            problems = []
            landed = urlsplit(tab.url).path
            if landed != urlsplit(page.path).path:
                problems.append(f"landed on {landed}, not {page.path}")
            lang = tab.locator("html").get_attribute("lang") or ""
            if not lang.startswith(language):
                problems.append(f'<html lang="{lang}">, expected {language}')
            outcome = tab.evaluate(RUN_AXE, TAGS)
            results.append(
                {
                    "language": language,
                    "role": role.name,
                    "route": page.route,
                    "url": page.url,
                    "problems": problems,
                    "violations": outcome["violations"],
                    # What axe could not decide (e.g. contrast over the map): for a person to review.
                    "needs_review": outcome["incomplete"],
                }
            )
    finally:
        context.close()
    return results


def _report(found: Discovery, results: list[dict[str, Any]], version: str) -> str:
    lines = [
        f"Accessibility audit: axe-core {version}, rules {', '.join(TAGS)}; "
        f"impact {' or '.join(sorted(FAILING))} fails",
        f"{'lang':4}  {'role':10}  {'violations':10}  {'review':6}  page",
    ]
    for r in results:
        impacts = Counter(v["impact"] for v in r["violations"])
        counted = ", ".join(f"{n} {impact}" for impact, n in sorted(impacts.items())) or "0"
        review = sum(item["nodes"] for item in r["needs_review"])
        where = f"{r['url']}  {r['route']}"
        lines.append(f"{r['language']:4}  {r['role']:10}  {counted:10}  {review:<6}  {where}")
        for v in r["violations"]:
            lines.append(f"      {v['impact']}: {v['id']} – {v['help']}")
            lines.extend(f"        {n['target']}  {n['html']}" for n in v["nodes"][:5])
        lines.extend(f"      PROBLEM: {p}" for p in r["problems"])
    by_language = Counter(r["language"] for r in results)
    by_role = Counter(r["role"] for r in results)
    all_violations = [v for r in results for v in r["violations"]]
    review: Counter[str] = Counter()
    for r in results:
        for item in r["needs_review"]:
            review[item["id"]] += item["nodes"]
    lines += [
        f"Pages checked: {len(results)} ({len(found.pages)} pages × {len(LANGUAGES)} languages; "
        + ", ".join(f"{k}: {n}" for k, n in by_language.items())
        + "; "
        + ", ".join(f"{k}: {n}" for k, n in by_role.items())
        + ")",
        f"Violations: {sum(v['impact'] in FAILING for v in all_violations)} serious or critical, "
        f"{sum(v['impact'] not in FAILING for v in all_violations)} moderate or minor "
        f"({sum(len(v['nodes']) for v in all_violations)} elements)",
        f"Needs review (axe could not decide, not failing): {sum(review.values())} elements"
        + (" – " + ", ".join(f"{rule}: {n}" for rule, n in review.most_common()) if review else ""),
        "Not pages (not checked):",
    ]
    lines.extend(f"  {route}: {why}" for route, why in found.not_pages)
    lines.extend(f"  {n} patterns left out: {why}" for why, n in found.left_out.items())
    if found.problems:
        lines.append("PROBLEMS:")
        lines.extend(f"  {p}" for p in found.problems)
    return "\n".join(lines)


def test_every_page_has_no_serious_or_critical_violation(
    browser: Browser,
    live_server: Any,
    roles: list[Role],
    reports_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (AXE / "axe.min.js").exists(), "axe-core is missing: run `make install` (npm ci)"
    version = json.loads((AXE / "package.json").read_text())["version"]
    _assert_axe_runs(browser)
    found = discover(roles)
    results = []
    for language in LANGUAGES:
        for role in roles:
            pages = [p for p in found.pages if p.role == role]
            if pages:
                results += _check(browser, live_server.url, pages, role, language)

    report = _report(found, results, version)
    (reports_dir / "accessibility.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    with capsys.disabled():
        print("\n" + report)
    failing = [
        f"{r['language']} {r['role']} {r['url']}: {v['impact']} {v['id']}"
        for r in results
        for v in r["violations"]
        if v["impact"] in FAILING
    ]
    failing += [f"{r['language']} {r['role']} {r['url']}: {p}" for r in results for p in r["problems"]]
    assert not found.problems, "Pages that could not be checked:\n" + "\n".join(found.problems)
    assert not failing, "Accessibility failures:\n" + "\n".join(failing)
