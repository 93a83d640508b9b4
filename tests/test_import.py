"""`khabar import` of saved files: feeds told by their content, untitled items, saved pages' URLs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from news.ingest.localfiles import detect_kind
from tests.khabar_process import run_khabar
from tests.pipeline_helpers import unique_text

DATA = Path(__file__).parent / "data"
ARTICLE = (DATA / "pages" / "en-article.html").read_text("utf-8")
PARAGRAPHS = "".join(f"<p>{unique_text('xhtml', n)}</p>" for n in range(5))

XHTML = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">
<head><title>River council opens the new market bridge</title></head>
<body><div><h1>River council opens the new market bridge</h1>{PARAGRAPHS}</div></body>
</html>
"""

MICROBLOG = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Posts</title><link>https://social.example/@desk</link>
<item><link>https://social.example/@desk/1</link><guid>1</guid>
<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>
<description>&lt;p&gt;کراچی میں آج شام سے بجلی بند ہے۔ عملہ مرمت کر رہا ہے اور رات تک بحالی کی امید ہے۔&lt;/p&gt;</description></item>
<item><link>https://social.example/@desk/2</link><guid>2</guid>
<pubDate>Mon, 23 Nov 2026 11:00:00 +0000</pubDate>
<description>&lt;p&gt;Will the bridge on the Indus open before the monsoon? Engineers say the
last span goes up next week, weather permitting.&lt;/p&gt;</description></item>
</channel></rss>
"""

SAVED = ARTICLE.replace(
    '<link rel="canonical" href="/business/2024/03/textile-exporters-power-tariffs">',
    '<link rel="canonical" href="https://www.harbour-ledger.test/business/2024/03/'
    'textile-exporters-power-tariffs">',
)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        pytest.param("news.rdf", (DATA / "feeds" / "rdf_news.rdf").read_text(), "feed", id="rdf"),
        pytest.param("page.xml", XHTML, "html", id="xhtml-as-xml"),
        pytest.param("feed.txt", MICROBLOG, "feed", id="rss-whatever-its-name"),
        pytest.param("saved", ARTICLE, "html", id="html-without-extension"),
        pytest.param("notes.xml", "Plain notes about the floods.\n", "text", id="text"),
    ],
)
def test_kind_is_told_by_content(name: str, content: str, kind: str) -> None:
    assert detect_kind(Path(name), content.encode()[:1024]) == kind


def test_import_stores_what_each_file_holds(tmp_path: Path) -> None:
    shutil.copy(DATA / "feeds" / "rdf_news.rdf", tmp_path / "news.rdf")
    (tmp_path / "page.xml").write_text(XHTML, "utf-8")
    (tmp_path / "posts.xml").write_text(MICROBLOG, "utf-8")
    (tmp_path / "saved.html").write_text(SAVED, "utf-8")
    db = tmp_path / "k.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    result = run_khabar(
        "import", "news.rdf", "page.xml", "posts.xml", "saved.html", env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "0 failed" in result.stdout, result.stdout + result.stderr
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT title, url FROM articles ORDER BY id").fetchall())
    ledger = "https://www.harbour-ledger.test/business/2024/03/textile-exporters-power-tariffs"
    assert rows == {
        "Comet seen over Gilgit": "https://rdf.example.org/science/1",
        # The XHTML page has no canonical link: it keeps its file's address.
        "River council opens the new market bridge": (tmp_path / "page.xml").as_uri(),
        # Untitled posts are titled by their first sentence, Urdu's ۔ and ؟ included.
        "کراچی میں آج شام سے بجلی بند ہے": "https://social.example/@desk/1",
        "Will the bridge on the Indus open before the monsoon?": "https://social.example/@desk/2",
        # A saved page is stored under the address it declares, not its file's.
        "Textile exporters win a reprieve on power tariffs": ledger,
    }
