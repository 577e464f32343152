"The offline docs site, opened in headless Chromium: every page loads, no broken links, images or JavaScript errors"
import re, shutil
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

def lesson_calls(name):
    "The lessons whose code calls `name`"
    return {f'{nb.stem}.html' for nb in ROOT.glob('nbs/[123]*.ipynb') if re.search(rf'\b{name}\(', nb.read_text())}

def test_what_a_reader_of_docs_fast_ai_expects(site):
    "API links from backticked names, search that finds the lessons calling a function, clean outputs, a phone layout"
    from playwright.sync_api import sync_playwright
    from superconv.docs import api_names
    names, lessons, problems = api_names(), [p for p in doc_pages(ROOT/'nbs') if p['section'].startswith('Lessons')], []
    shots = site/'screenshots'; shots.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=browser_path(), args=['--no-sandbox'])
        pg = b.new_page(viewport={'width': 1400, 'height': 900})
        n_links = 0
        for p in lessons:
            pg.goto((site/p['url']).as_uri())
            for text,href in pg.eval_on_selector_all('main code', """els => els.filter(e => !e.closest('pre'))
                    .map(e => [e.textContent, e.closest('a') ? e.closest('a').getAttribute('href') : null])"""):
                if text.removesuffix('()') not in names: continue
                page,_,anchor = (href or '').partition('#')
                if not (page and anchor and f'id="{anchor}"' in (site/page).read_text()):
                    problems.append(f"{p['url']}: `{text}` does not link to its API entry ({href})")
                n_links += 1
            outs = ' '.join(pg.eval_on_selector_all('.output_area, .jp-OutputArea', 'els => els.map(e => e.innerText)'))
            if 'Warning' in outs: problems.append(f"{p['url']}: an output shows a warning")
            if m := re.search(r'(/tmp/|/work/|/root/|/home/|/Users/)\S*', outs): problems.append(f"{p['url']}: machine path {m.group()}")
        assert n_links >= 10, f"only {n_links} backticked API names in the lessons"
        pg.goto((site/'index.html').as_uri())
        linked = set(pg.eval_on_selector_all('main table a', 'els => els.map(e => e.getAttribute("href"))'))
        if missing := {p['url'] for p in doc_pages(ROOT/'nbs')[1:]} - linked:
            problems.append(f"the home page's tables do not link to {sorted(missing)}")
        for name in ('fit_paper_one_cycle', 'lr_range_test', 'run_suite'):
            pg.fill('#search', name); pg.wait_for_timeout(300)
            found = set(pg.eval_on_selector_all('#results .hit a', 'els => els.map(e => e.getAttribute("href"))'))
            if missing := lesson_calls(name) - found: problems.append(f"search for {name} misses lessons {sorted(missing)}")
        pg.goto((site/'02_schedules.html').as_uri()); pg.fill('#search', 'fit_paper_one_cycle'); pg.wait_for_timeout(300)
        pg.screenshot(path=str(shots/'desktop-search.png'))
        ph = b.new_page(viewport={'width': 420, 'height': 860})
        for p in lessons[:3] + [dict(url='index.html')]:
            ph.goto((site/p['url']).as_uri())
            w = ph.eval_on_selector('main', 'e => e.getBoundingClientRect().width')
            if w < 300: problems.append(f"{p['url']} at 420 px: main text column {w:.0f} px")
            if ph.evaluate('document.documentElement.scrollWidth') > 420: problems.append(f"{p['url']} scrolls sideways at 420 px")
        ph.goto((site/lessons[1]['url']).as_uri()); ph.screenshot(path=str(shots/'phone-lesson.png'))
        b.close()
    assert not problems, '\n'.join(problems[:20])
    assert all((shots/f).stat().st_size > 20_000 for f in ('desktop-search.png', 'phone-lesson.png'))

def test_readme_is_generated_from_index():
    from superconv.docs import readme_from_index
    assert (ROOT/'README.md').read_text() == readme_from_index(ROOT/'nbs'), "README.md is stale: run `superconv docs --readme`"

def test_quarto_sidebar_is_generated():
    "Quarto users get the offline site's navigation: nbs/sidebar.yml lists every page, by section, in reading order"
    from superconv.docs import sidebar_yml
    assert (ROOT/'nbs'/'sidebar.yml').read_text() == sidebar_yml(ROOT/'nbs'), "nbs/sidebar.yml is stale: run `superconv docs --sidebar`"
