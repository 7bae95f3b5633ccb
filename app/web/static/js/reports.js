// The reports page's charts: each canvas named in the JSON data island #report-charts is drawn
// with Chart.js (vendor/chart.js/chart.umd.js, global `Chart`). The tables beside the charts hold
// the same figures, so the page reads without JavaScript.
"use strict";

(function () {
  const COLOURS = ["#2f6fb0", "#c0392b", "#27ae60", "#8e44ad"];

  function draw(spec) {
    const canvas = document.getElementById(spec.id);
    if (!canvas || spec.labels.length === 0) {
      return;
    }
    const datasets = spec.datasets.map((set, n) => ({
      label: set.label,
      data: set.data,
      backgroundColor: COLOURS[n % COLOURS.length],
      borderColor: COLOURS[n % COLOURS.length],
    }));
    const chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    canvas.dataset.drawn = String(chart.data.datasets.length);
  }

  function start() {
    const island = document.getElementById("report-charts");
    if (!island || typeof window.Chart === "undefined") {
      return;
    }
    JSON.parse(island.textContent).forEach(draw);
    document.body.dataset.chartsReady = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
