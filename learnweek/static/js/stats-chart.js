// Participant person-times by child unit and by column, drawn with Apache ECharts from the data
// the page carries in <script id="stats-chart-data" type="application/json">.
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("stats-chart");
    var source = document.getElementById("stats-chart-data");
    if (!box || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 56, containLabel: true },
      xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 8 ? 45 : 0 } },
      yAxis: { type: "value", name: "参加人次" },
      series: data.columns.map(function (name, i) {
        return { name: name, type: "bar", stack: i < 4 ? "阅读" : "活动周", data: data.series[i] };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
