"The offline docs site, opened in headless Chromium: every page loads, no broken links, images or JavaScript errors"
import shutil
from pathlib import Path
from urllib.parse import urlparse
import pytest
from superconv.docs import build_site, doc_pages
from conftest import ROOT

@pytest.fixture(scope='module')
def site():
    return build_site(ROOT/'_site', nbs=ROOT/'nbs')

def browser_path():
    p = shutil.which('chromium') or shutil.which('chromium-browser')
    if p is None: pytest.fail("Chromium is not installed: README command 2 installs Debian's `chromium` package")
    return p

def test_every_page_renders_in_chromium(site):
    from playwright.sync_api import sync_playwright
    pages = doc_pages(ROOT/'nbs')
    lib = [p for p in pages if p['section'] == 'Library']; lessons = [p for p in pages if p['section'].startswith('Lessons')]
    assert pages[0]['url'] == 'index.html' and len(lib) >= 8 and len(lessons) >= 2
    problems, seen = [], set()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=browser_path(), args=['--no-sandbox'])
        pg = b.new_page(viewport={'width': 1280, 'height': 900})
        pg.on('pageerror', lambda e: problems.append(f"JavaScript error on {pg.url}: {e}"))
        pg.on('console', lambda m: m.type == 'error' and problems.append(f"console error on {pg.url}: {m.text}"))
        for p in pages:
            f = site/p['url']
            if not f.exists(): problems.append(f"missing page {p['url']}"); continue
            pg.goto(f.as_uri()); pg.wait_for_load_state('load')
            if p['title'] not in pg.inner_text('main'): problems.append(f"{p['url']}: title {p['title']!r} not shown")
            broken = pg.eval_on_selector_all('img', 'els => els.filter(e => !(e.complete && e.naturalWidth > 0)).map(e => e.src.slice(0, 80))')
            problems += [f"{p['url']}: image not loaded {s}" for s in broken]
            for href in pg.eval_on_selector_all('a[href]', 'els => els.map(e => e.getAttribute("href"))'):
                u = urlparse(href)
                if u.scheme or not u.path: continue          # external links and in-page anchors
                if not (site/u.path).exists(): problems.append(f"{p['url']}: broken link {href}")
                seen.add(u.path)
            if p is pages[0]:
                pg.fill('#search', 'range test'); pg.wait_for_timeout(300)
                if not pg.eval_on_selector_all('#results a', 'els => els.length'): problems.append("search found nothing for 'range test'")
                pg.fill('#search', '')
        shots = site/'screenshots'; shots.mkdir(exist_ok=True)
        pg.goto((site/'index.html').as_uri()); pg.screenshot(path=str(shots/'home.png'), full_page=False)
        pg.goto((site/lessons[0]['url']).as_uri()); pg.locator('main img').first.scroll_into_view_if_needed()
        pg.screenshot(path=str(shots/'lesson.png'), full_page=False)
        b.close()
    assert not problems, '\n'.join(problems[:20])
    assert {p['url'] for p in pages} <= seen | {'index.html'}     # the navigation reaches every page
    assert (site/'screenshots'/'home.png').stat().st_size > 20_000 and (site/'screenshots'/'lesson.png').stat().st_size > 20_000

def test_readme_is_generated_from_index():
    from superconv.docs import readme_from_index
    assert (ROOT/'README.md').read_text() == readme_from_index(ROOT/'nbs'), "README.md is stale: run `superconv docs --readme`"

def test_quarto_sidebar_is_generated():
    "Quarto users get the offline site's navigation: nbs/sidebar.yml lists every page, by section, in reading order"
    from superconv.docs import sidebar_yml
    assert (ROOT/'nbs'/'sidebar.yml').read_text() == sidebar_yml(ROOT/'nbs'), "nbs/sidebar.yml is stale: run `superconv docs --sidebar`"
