// The simulation page's diagram: bpmn-js draws the run's diagram; markers show where the run
// stands (done, active, waiting, failed, the flows taken) and notes show each waiting timer's due
// time and each fired timer's time. The state and the words come from the page (data-*); the
// forms and buttons of the page work without this script.
"use strict";

(function simulationDiagram() {
  const section = document.getElementById("sim-diagram");
  if (!section) {
    return;
  }
  const state = JSON.parse(section.dataset.state || '{"elements": {}, "flows_taken": []}');
  const notes = JSON.parse(section.dataset.overlays || "{}");
  const labels = JSON.parse(section.dataset.labels || "{}");
  const container = document.getElementById("diagram-canvas");
  const note = document.getElementById("diagram-note");

  function noteBox(items) {
    const box = document.createElement("div");
    box.className = "case-notes";
    for (const item of items) {
      const line = document.createElement("div");
      line.className = `case-note ${item.kind}`;
      line.textContent = item.text;
      line.title = item.text;
      box.appendChild(line);
    }
    return box;
  }

  function isOpenContainer(shape) {
    const di = shape.di || (shape.businessObject && shape.businessObject.di);
    return shape.type === "bpmn:SubProcess" && Boolean(di && di.isExpanded);
  }

  function mark(viewer) {
    const registry = viewer.get("elementRegistry");
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    for (const [id, info] of Object.entries(state.elements)) {
      if (!registry.get(id)) {
        continue;
      }
      canvas.addMarker(id, `state-${info.state}`);
      if (isOpenContainer(registry.get(id))) {
        canvas.addMarker(id, "container");
      }
    }
    for (const [id, items] of Object.entries(notes)) {
      const shown = [...items];
      const info = state.elements[id];
      if (info && info.count > 1) {
        shown.push({ kind: "count", text: `×${info.count}` });
      }
      if (registry.get(id) && shown.length) {
        overlays.add(id, "case-note", { position: { bottom: -6, left: 0 }, html: noteBox(shown) });
      }
    }
    for (const id of state.flows_taken) {
      if (registry.get(id)) {
        canvas.addMarker(id, "flow-taken");
      }
    }
  }

  // A large diagram fitted whole is too small to read: then show the active (or failed) steps
  // at a readable scale; "Show the whole diagram" fits it again.
  const READABLE = 0.6;

  function focus(viewer) {
    const canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= READABLE) {
      return;
    }
    const registry = viewer.get("elementRegistry");
    const root = canvas.getRootElement();
    const shown = Object.entries(state.elements)
      .filter(([, info]) => info.state === "active" || info.state === "failed")
      .map(([id]) => registry.get(id))
      .filter((el) => el && !el.waypoints && canvas.findRoot(el) === root && el.type !== "bpmn:SubProcess");
    if (!shown.length) {
      return;
    }
    const left = Math.min(...shown.map((el) => el.x));
    const top = Math.min(...shown.map((el) => el.y));
    const right = Math.max(...shown.map((el) => el.x + el.width));
    const bottom = Math.max(...shown.map((el) => el.y + el.height));
    const outer = canvas.viewbox().outer;
    const width = outer.width / 0.9;
    const height = outer.height / 0.9;
    canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width, height });
  }

  async function draw() {
    if (typeof window.BpmnJS !== "function") {
      throw new Error("bpmn-js did not load");
    }
    note.textContent = labels.loading;
    const response = await fetch(section.dataset.xmlUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/xml" },
    });
    if (!response.ok) {
      throw new Error(`${section.dataset.xmlUrl} answered ${response.status}`);
    }
    const viewer = new window.BpmnJS({ container });
    await viewer.importXML(await response.text());
    note.hidden = true;
    mark(viewer);
    focus(viewer);
    const fit = document.getElementById("diagram-fit");
    fit.hidden = false;
    fit.addEventListener("click", () => viewer.get("canvas").zoom("fit-viewport", "auto"));
    section.dataset.ready = "true";
  }

  draw().catch((error) => {
    note.hidden = false;
    note.textContent = labels.failed;
    section.dataset.ready = "failed";
    console.warn("simulation diagram:", error);
  });
})();
