"""Every page's title is plain words: a tab, a bookmark and a screen reader read the <title>
literally, so markup that slips into the title block shows as text there and goes missing from
the page (the back office's 读书征文 list sat in 全民阅读's title block; 我的阅读's title ended
in "</div>")."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TITLE = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def test_every_title_block_is_one_line_of_words():
    bad = {}
    for path in TEMPLATES.rglob("*.html"):
        for title in TITLE.findall(path.read_text(encoding="utf-8")):
            words = re.sub(r"{%.*?%}|{{.*?}}", "", title, flags=re.S)
            if "<" in words or "\n" in title.strip():
                bad[str(path.relative_to(TEMPLATES))] = title.strip()[:60]
    assert len(list(TEMPLATES.rglob("*.html"))) > 50
    assert not bad, bad
