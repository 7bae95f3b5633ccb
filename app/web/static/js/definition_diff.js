// The diff page: draws both versions with bpmn-js (global BpmnJS) and marks each change listed in the
// table below them: added elements green on the newer version, removed red on the older, changed
// amber on both. Clicking a change (or Enter on it) highlights that element on both diagrams.
"use strict";

(function () {
  const MARKS = { added: ["b"], removed: ["a"], changed: ["a", "b"] };

  function changes() {
    return Array.from(document.querySelectorAll(".diff-row[data-element]")).map((row) => ({
      row: row,
      id: row.dataset.element,
      change: row.dataset.change,
    }));
  }

  async function drawSide(figure) {
    const response = await fetch(figure.dataset.xmlUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/xml" },
    });
    if (!response.ok) {
      throw new Error(figure.dataset.xmlUrl + ": HTTP " + response.status);
    }
    const viewer = new BpmnJS({ container: figure.querySelector(".diff-canvas") });
    await viewer.importXML(await response.text());
    viewer.get("canvas").zoom("fit-viewport");
    return viewer;
  }

  function mark(viewers, items) {
    for (const item of items) {
      for (const side of MARKS[item.change] || []) {
        const viewer = viewers[side];
        if (viewer && viewer.get("elementRegistry").get(item.id)) {
          viewer.get("canvas").addMarker(item.id, "diff-" + item.change);
        }
      }
    }
  }

  function focus(viewers, items, chosen) {
    for (const item of items) {
      item.row.classList.toggle("selected", item === chosen);
    }
    for (const viewer of Object.values(viewers)) {
      if (!viewer) {
        continue;
      }
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      for (const item of items) {
        if (registry.get(item.id)) {
          canvas.removeMarker(item.id, "diff-focus");
        }
      }
      const element = registry.get(chosen.id);
      if (element) {
        canvas.addMarker(chosen.id, "diff-focus");
        if (typeof canvas.scrollToElement === "function") {
          canvas.scrollToElement(element);
        }
      }
    }
  }

  function fail(figure, host, error) {
    // a diagram deployed without BPMN DI (no layout) cannot be drawn; the list still names each change
    const noLayout = /no diagram to display/i.test(String(error && error.message));
    figure.querySelector(".diff-message").textContent = noLayout ? host.dataset.noLayoutText : host.dataset.errorText;
    console.warn("diff:", error);
  }

  async function draw(host) {
    const viewers = {};
    const figures = Array.from(host.querySelectorAll(".diff-side"));
    await Promise.all(
      figures.map((figure) =>
        drawSide(figure).then(
          (viewer) => {
            viewers[figure.dataset.side] = viewer;
          },
          (error) => fail(figure, host, error),
        ),
      ),
    );
    const items = changes();
    mark(viewers, items);
    for (const item of items) {
      item.row.addEventListener("click", () => focus(viewers, items, item));
      item.row.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          focus(viewers, items, item);
        }
      });
    }
    host.dataset.state = Object.keys(viewers).length === figures.length ? "ready" : "failed";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const host = document.getElementById("version-diff");
    if (!host || typeof BpmnJS === "undefined") {
      return;
    }
    draw(host).catch((error) => {
      host.dataset.state = "failed";
      console.warn("diff:", error);
    });
  });
})();
