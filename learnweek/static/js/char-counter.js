// A live count under every textarea with data-count-limit, counted as the server counts
// (learnweek.campaigns.rules.count_chars): every character a reader sees once, spaces and line
// breaks not at all.
(function () {
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter("zh", { granularity: "grapheme" }) : null;
  function count(text) {
    var n = 0;
    if (segmenter) {
      for (var part of segmenter.segment(text)) { if (!/^\s+$/.test(part.segment)) n += 1; }
      return n;
    }
    for (var ch of text) { if (!/\s/.test(ch)) n += 1; }
    return n;
  }
  function attach(area) {
    var limit = parseInt(area.getAttribute("data-count-limit"), 10);
    var out = document.createElement("span");
    out.className = "char-count";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    function update() {
      var n = count(area.value);
      out.textContent = "已写 " + n + " 字，限 " + limit + " 字" + (n > limit ? "，超出 " + (n - limit) + " 字" : "");
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("textarea[data-count-limit]").forEach(attach);
})();
