// A live count under every field with data-count-limit (at most) or data-count-min (at least),
// counted as the server counts (learnweek.campaigns.rules.count_chars): every character a reader
// sees once, spaces and line breaks not at all.
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
  function attach(field) {
    var limit = parseInt(field.getAttribute("data-count-limit"), 10);
    var least = parseInt(field.getAttribute("data-count-min"), 10);
    var out = document.createElement("span");
    out.className = "char-count";
    out.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", out);
    function update() {
      var n = count(field.value);
      var text = "已写 " + n + " 字";
      if (least) text += "，不少于 " + least + " 字";
      if (limit) text += "，限 " + limit + " 字";
      if (limit && n > limit) text += "，超出 " + (n - limit) + " 字";
      if (least && n < least) text += "，还差 " + (least - n) + " 字";
      out.textContent = text;
      out.classList.toggle("over", Boolean((limit && n > limit) || (least && n < least)));
    }
    field.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("[data-count-limit], [data-count-min]").forEach(attach);
})();
