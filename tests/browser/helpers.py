"""What the browser tests import: the phone's and the desk's sizes, and the two audits every
public page goes through — axe-core's accessibility rules and the elder-mode style rules (the
fixtures that open pages are in this folder's conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR).parent / "node_modules" / "axe-core" / "axe.min.js"

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}


# -- axe-core ------------------------------------------------------------------------------------


def axe_violations(page, *, impacts=("critical", "serious")) -> list[str]:
    """axe-core's WCAG 2.x A and AA rules on the page as it stands; one line per violation of the
    given impacts, naming the rule and the first elements it found."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make assets`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
          });
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
          }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}"
        for v in result
        if v["impact"] in impacts
    ]


# -- 适老化 ---------------------------------------------------------------------------------------

# The 工信部 rules for web pages in their elder-friendly form, as they apply here.
ELDER_MIN_TEXT_PX = 18
ELDER_MIN_LINE_HEIGHT = 1.3
ELDER_MIN_TARGET_PX = 44
ELDER_MIN_PRIMARY_TARGET_PX = 60

ELDER_CHECK = """
([minText, minLine, minTarget, minPrimary]) => {
  const problems = [];
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20);
    return text ? `${s}「${text}」` : s;
  };
  const shown = el => {
    if (!el.getClientRects().length) return false;
    for (let e = el; e; e = e.parentElement) {
      const st = getComputedStyle(e);
      if (st.visibility === 'hidden' || st.display === 'none' || st.opacity === '0') return false;
      if (e.classList.contains('sr-only')) return false;
    }
    return true;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'svg', 'SVG', 'path', 'rect', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (el.closest('svg')) continue;
    if (!shown(el)) continue;
    const st = getComputedStyle(el);
    const size = parseFloat(st.fontSize);
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const control = ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName);
    if (ownText || (control && el.type !== 'checkbox' && el.type !== 'radio' && el.type !== 'hidden')) {
      if (size < minText - 0.01) problems.push(`text ${size.toFixed(1)}px < ${minText}px: ${name(el)}`);
      const line = st.lineHeight === 'normal' ? 1.2 : parseFloat(st.lineHeight) / size;
      if (ownText && !control && line < minLine - 0.01) problems.push(`line-height ${line.toFixed(2)} < ${minLine}: ${name(el)}`);
    }
    const target = el.matches('a[href], button, select, textarea, summary, [role=button], input:not([type=hidden])');
    if (!target) continue;
    // A link inside a sentence is sized by its text (WCAG 2.5.8's inline exception); it must
    // still not be told apart by colour alone.
    const parentText = el.tagName === 'A' && [...el.parentElement.childNodes].some(
      n => n !== el && n.nodeType === 3 && n.textContent.trim());
    if (parentText && st.display.startsWith('inline') && !st.display.includes('block')) {
      if (!st.textDecorationLine.includes('underline')) problems.push(`link in text not underlined: ${name(el)}`);
      continue;
    }
    let box = el.getBoundingClientRect();
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) box = el.closest('label').getBoundingClientRect();
    const primary = el.matches('.primary, .big');
    const min = primary ? minPrimary : minTarget;
    if (box.height < min - 0.5 || box.width < minTarget - 0.5)
      problems.push(`target ${Math.round(box.width)}×${Math.round(box.height)} < ${primary ? min + ' (primary)' : min}: ${name(el)}`);
  }
  return problems;
}
"""


def elder_violations(page) -> list[str]:
    """Every visible element of the page against the elder-mode rules: text of at least 18 px,
    line spacing of at least 1.3, touch targets of at least 44 px (60 px for the primary
    action), links in running text underlined."""
    return page.evaluate(
        ELDER_CHECK,
        [ELDER_MIN_TEXT_PX, ELDER_MIN_LINE_HEIGHT, ELDER_MIN_TARGET_PX, ELDER_MIN_PRIMARY_TARGET_PX],
    )
