// Home's charts: each figure's series this period (solid) over the period before (dashed),
// drawn by uPlot from the page's own JSON (#home-chart-data), again after htmx swaps the
// figures for another period or currency. Without JavaScript the figures and their table
// stay; the charts are an addition.
(function () {
  "use strict";

  var charts = {};
  window.tillCharts = charts;

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function formatter(kind, exponent) {
    if (kind === "money") {
      var scale = Math.pow(10, exponent);
      return function (value) {
        return value == null ? "—" : (value / scale).toLocaleString(undefined, {
          minimumFractionDigits: exponent, maximumFractionDigits: exponent});
      };
    }
    if (kind === "percent") {
      return function (value) { return value == null ? "—" : value.toFixed(1) + "%"; };
    }
    return function (value) { return value == null ? "—" : value.toLocaleString(); };
  }

  function draw() {
    var source = document.getElementById("home-chart-data");
    Object.keys(charts).forEach(function (key) { charts[key].destroy(); delete charts[key]; });
    if (!source || typeof uPlot === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var xs = data.labels.map(function (_, index) { return index; });
    var accent = cssVar("--accent") || "#4f46e5";
    var muted = cssVar("--border-strong") || "#c9d1db";
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = data.charts[element.dataset.chart];
      if (!chart) {
        return;
      }
      var format = formatter(chart.kind, data.exponent);
      var labelOf = function (index, labels) {
        return index == null || labels[index] === undefined ? "" : labels[index];
      };
      var options = {
        width: Math.max(element.clientWidth, 160),
        height: 110,
        cursor: {drag: {x: false, y: false}, points: {size: 6}},
        select: {show: false},
        legend: {show: false},
        scales: {x: {time: false}, y: {range: function (u, min, max) {
          return [Math.min(0, min), max > 0 ? max * 1.1 : 1];
        }}},
        axes: [
          {show: true, size: 24, stroke: cssVar("--muted"), grid: {show: false},
           ticks: {show: false}, font: "11px system-ui, sans-serif",
           values: function (u, splits) {
             return splits.map(function (split) { return labelOf(split, data.labels); });
           },
           splits: function () {
             var last = xs.length - 1;
             return last > 0 ? [0, last] : [0];
           }},
          {show: false},
        ],
        series: [
          {label: data.unit === "hour" ? "Hour" : "Day",
           value: function (u, index) {
             return labelOf(index, data.labels) + " vs " + labelOf(index, data.previous_labels);
           }},
          {label: "This period", stroke: accent, width: 2, value: function (u, v) {
            return format(v); }, spanGaps: false,
           fill: accent + "14", points: {show: false}},
          {label: "Before", stroke: muted, width: 1.5, dash: [4, 4], value: function (u, v) {
            return format(v); }, points: {show: false}},
        ],
      };
      element.textContent = "";
      charts[element.dataset.chart] = new uPlot(options, [xs, chart.series, chart.previous],
                                                element);
    });
  }

  function resize() {
    Object.keys(charts).forEach(function (key) {
      var chart = charts[key];
      var width = chart.root.parentElement.clientWidth;
      chart.setSize({width: Math.max(width, 160), height: 110});
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "home-figures") {
      draw();
    }
  });
  window.addEventListener("resize", resize);
})();
