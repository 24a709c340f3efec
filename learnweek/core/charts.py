"""Bar charts as PNG images for Word documents, drawn by matplotlib (no display) in the Noto Sans
CJK font that the posters use, so Chinese labels render on any server."""

from __future__ import annotations

import functools
import io


@functools.cache
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    from learnweek.core.poster import font_path

    font_manager.fontManager.addfont(str(font_path()))
    name = font_manager.FontProperties(fname=str(font_path())).get_name()
    matplotlib.rcParams["font.family"] = [name]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return pyplot


def bar_chart(title: str, categories: list[str], series: dict[str, list[int]], unit_label: str) -> bytes:
    """Grouped vertical bars: one group per category, one bar per series."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(8, 4.2), dpi=150)
    try:
        count = max(1, len(series))
        width = 0.8 / count
        for i, (label, values) in enumerate(series.items()):
            positions = [x + (i - (count - 1) / 2) * width for x in range(len(categories))]
            bars = axes.bar(positions, values, width, label=label)
            axes.bar_label(bars, fontsize=7, padding=2)
        axes.set_xticks(
            range(len(categories)), categories, fontsize=8, rotation=20 if len(categories) > 5 else 0
        )
        axes.set_title(title, fontsize=11)
        axes.set_ylabel(unit_label, fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
        if len(series) > 1:
            axes.legend(fontsize=8, frameon=False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
