// The definitions page's heat map: draws the chosen version with bpmn-js (global BpmnJS) and puts
// on each element the live count of tokens from GET .../statistics: a badge with the number of
// open tasks and waiting timers, a marker class by intensity, and failed counts in red.
"use strict";

(function () {
  const LEVELS = ["heat-low", "heat-mid", "heat-high"];

  function intensity(count, max) {
    // thirds of the busiest element's count: few, more, most
    const index = Math.min(LEVELS.length - 1, Math.floor((count / max) * LEVELS.length - 1e-9));
    return LEVELS[Math.max(0, index)];
  }

  function badge(text, classes, title) {
    const element = document.createElement("span");
    element.className = "heat-badge " + classes;
    element.textContent = text;
    element.title = title;
    return element;
  }

  async function fetchOk(url, accept) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: accept } });
    if (!response.ok) {
      throw new Error(url + ": HTTP " + response.status);
    }
    return response;
  }

  async function draw(host) {
    const message = host.querySelector(".heatmap-message");
    const [xml, stats] = await Promise.all([
      fetchOk(host.dataset.xmlUrl, "application/xml").then((r) => r.text()),
      fetchOk(host.dataset.statsUrl, "application/json").then((r) => r.json()),
    ]);
    const viewer = new BpmnJS({ container: host.querySelector(".heatmap-canvas") });
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    const entries = Object.entries(stats.elements || {}).filter(([id]) => registry.get(id));
    const max = Math.max(1, ...entries.map(([, counts]) => counts.active));
    for (const [id, counts] of entries) {
      if (counts.active > 0) {
        canvas.addMarker(id, intensity(counts.active, max));
        overlays.add(id, "heat", {
          position: { top: -10, left: -10 },
          html: badge(String(counts.active), "heat-active", String(counts.active)),
        });
      }
      if (counts.failed > 0) {
        canvas.addMarker(id, "heat-failed");
        overlays.add(id, "heat", {
          position: { top: -10, right: 14 },
          html: badge(String(counts.failed), "heat-failed", counts.failed + " " + host.dataset.failedLabel),
        });
      }
    }
    message.textContent = "";
    host.dataset.state = "ready";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const host = document.getElementById("heatmap");
    if (!host || typeof BpmnJS === "undefined") {
      return;
    }
    draw(host).catch((error) => {
      host.dataset.state = "failed";
      // a diagram deployed without BPMN DI (no layout) cannot be drawn; the table below still counts
      const noLayout = /no diagram to display/i.test(String(error && error.message));
      host.querySelector(".heatmap-message").textContent = noLayout
        ? host.dataset.noLayoutText
        : host.dataset.errorText;
      console.warn("heat map:", error);
    });
  });
})();
