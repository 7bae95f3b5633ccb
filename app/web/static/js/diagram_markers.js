// Markers and notes on a drawn diagram, shared by the case page (case_diagram.js) and the
// simulation page (simulation.js): each element's state as a class (state-completed, -active,
// -waiting, -failed, -cancelled), the flows taken, and the notes the page wrote in its language.
// One function draws a diagram into a section; the pages only say where their state comes from.
"use strict";

window.DiagramMarkers = (function diagramMarkers() {
  // A large diagram fitted whole is too small to read: then show the active (or failed) steps
  // at a readable scale; "Show the whole diagram" fits it again.
  const READABLE = 0.6;
  const SHOWN_SCALE = 0.9;

  function noteBox(items) {
    const box = document.createElement("div");
    box.className = "case-notes";
    for (const item of items) {
      const line = document.createElement("div");
      line.className = `case-note ${item.kind}`;
      line.textContent = item.text;
      line.title = item.title || item.text;
      box.appendChild(line);
    }
    return box;
  }

  function isOpenContainer(shape) {
    const di = shape.di || (shape.businessObject && shape.businessObject.di);
    return shape.type === "bpmn:SubProcess" && Boolean(di && di.isExpanded);
  }

  // `state` is {elements: {id: {state, count}}, flows_taken: [id]}; `notes` is {id: [{kind, text, title?}]};
  // `labels.times` ("reached {n} times"), when given, titles the count note.
  function mark(viewer, state, notes, labels) {
    const registry = viewer.get("elementRegistry");
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    for (const [id, info] of Object.entries(state.elements)) {
      if (!registry.get(id)) {
        continue; // e.g. a step of a called process that has no drawing of its own
      }
      canvas.addMarker(id, `state-${info.state}`);
      if (isOpenContainer(registry.get(id))) {
        canvas.addMarker(id, "container"); // an expanded subprocess: tint it, don't paint over its steps
      }
    }
    const noted = new Set([...Object.keys(state.elements), ...Object.keys(notes)]);
    for (const id of noted) {
      const items = [...(notes[id] || [])];
      const info = state.elements[id];
      if (info && info.count > 1) {
        const title = labels.times ? labels.times.replace("{n}", info.count) : undefined;
        items.push({ kind: "count", text: `×${info.count}`, title });
      }
      if (registry.get(id) && items.length) {
        overlays.add(id, "case-note", { position: { bottom: -6, left: 0 }, html: noteBox(items) });
      }
    }
    for (const id of state.flows_taken) {
      if (registry.get(id)) {
        canvas.addMarker(id, "flow-taken");
      }
    }
  }

  function focus(viewer, state) {
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
      .filter((el) => el && !el.waypoints && !el.isFrame && canvas.findRoot(el) === root && el.type !== "bpmn:SubProcess");
    if (!shown.length) {
      return;
    }
    const left = Math.min(...shown.map((el) => el.x));
    const top = Math.min(...shown.map((el) => el.y));
    const right = Math.max(...shown.map((el) => el.x + el.width));
    const bottom = Math.max(...shown.map((el) => el.y + el.height));
    const outer = canvas.viewbox().outer;
    const width = outer.width / SHOWN_SCALE;
    const height = outer.height / SHOWN_SCALE;
    canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width, height });
  }

  async function fetchOk(url, accept) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: accept } });
    if (!response.ok) {
      throw new Error(`${url} answered ${response.status}`);
    }
    return response;
  }

  // Draws `section`'s diagram (its #diagram-canvas, #diagram-note, #diagram-fit) with the markers:
  // `load()` answers {xml, state}; `setUp(viewer)`, if given, adds the page's own handlers before
  // section.dataset.ready turns "true" ("failed" when it could not be drawn: the note says so).
  async function draw(section, { labels, notes, load, setUp }) {
    const note = section.querySelector("#diagram-note");
    try {
      if (typeof window.BpmnJS !== "function") {
        throw new Error("bpmn-js did not load");
      }
      note.textContent = labels.loading;
      const { xml, state } = await load();
      const viewer = new window.BpmnJS({ container: section.querySelector("#diagram-canvas") });
      await viewer.importXML(xml);
      note.hidden = true;
      mark(viewer, state, notes, labels);
      focus(viewer, state);
      const fit = section.querySelector("#diagram-fit");
      fit.hidden = false;
      fit.addEventListener("click", () => viewer.get("canvas").zoom("fit-viewport", "auto"));
      if (setUp) {
        setUp(viewer);
      }
      section.dataset.ready = "true";
    } catch (error) {
      note.hidden = false;
      note.textContent = labels.failed;
      section.dataset.ready = "failed";
      console.warn(`${section.id}:`, error);
    }
  }

  return Object.freeze({ draw, fetchOk });
})();
