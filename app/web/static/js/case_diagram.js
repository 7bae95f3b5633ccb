// The case page's diagram: bpmn-js draws the instance's version; markers, notes and a side panel
// show where the case stands. Everything it shows in words comes translated from the page
// (data-labels, data-overlays); the API only says which element is in which state.
"use strict";

(function caseDiagram() {
  const section = document.getElementById("case-diagram");
  if (!section) {
    return;
  }
  const labels = JSON.parse(section.dataset.labels || "{}");
  const notes = JSON.parse(section.dataset.overlays || "{}");
  const container = document.getElementById("diagram-canvas");
  const note = document.getElementById("diagram-note");
  const panel = document.getElementById("element-panel");
  const panelTitle = document.getElementById("element-panel-title");
  const panelBody = document.getElementById("element-panel-body");

  // "经理审批 Manager approval": the diagrams name things in Chinese, then in English.
  const BILINGUAL = /^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z][\s\S]*)$/;
  const chinese = document.documentElement.lang.startsWith("zh");

  function pageName(name) {
    const match = name ? BILINGUAL.exec(name.trim()) : null;
    if (!match) {
      return name || "";
    }
    return chinese ? match[1] : match[2];
  }

  async function fetchOk(url, accept) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: accept } });
    if (!response.ok) {
      throw new Error(`${url} answered ${response.status}`);
    }
    return response;
  }

  function noteBox(items) {
    const box = document.createElement("div");
    box.className = "case-notes";
    for (const item of items) {
      const line = document.createElement("div");
      line.className = `case-note ${item.kind}`;
      line.textContent = item.text;
      if (item.title) {
        line.title = item.title;
      }
      box.appendChild(line);
    }
    return box;
  }

  function isOpenContainer(shape) {
    const di = shape.di || (shape.businessObject && shape.businessObject.di);
    return shape.type === "bpmn:SubProcess" && Boolean(di && di.isExpanded);
  }

  function mark(viewer, state) {
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
      const items = [...(notes[id] || [])];
      if (info.count > 1) {
        items.push({ kind: "count", text: `×${info.count}`, title: labels.times.replace("{n}", info.count) });
      }
      if (items.length) {
        overlays.add(id, "case-note", { position: { bottom: -6, left: 0 }, html: noteBox(items) });
      }
    }
    for (const id of state.flows_taken) {
      if (registry.get(id)) {
        canvas.addMarker(id, "flow-taken");
      }
    }
  }

  // A large diagram fitted whole is too small to read: then show the active (or failed) steps
  // at a readable scale; the viewer still pans and zooms to the rest.
  const READABLE = 0.6;

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
    const scale = 0.9;
    const width = outer.width / scale;
    const height = outer.height / scale;
    canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width, height });
  }

  async function openPanel(element) {
    const target = element.labelTarget || element;
    const step = target.businessObject;
    if (!step || typeof step.$instanceOf !== "function" || !step.$instanceOf("bpmn:FlowNode")) {
      return; // the canvas, a lane, a flow: no history of their own
    }
    panel.hidden = false;
    panel.dataset.element = step.id;
    panelTitle.textContent = pageName(step.name) || step.id;
    panelBody.textContent = "…";
    const url = section.dataset.historyUrl.replace(section.dataset.placeholder, encodeURIComponent(step.id));
    try {
      const html = await (await fetchOk(url, "text/html")).text();
      if (panel.dataset.element === step.id) {
        panelBody.innerHTML = html; // our own server-rendered, escaped fragment
      }
    } catch (error) {
      panelBody.textContent = labels.history_failed;
    }
  }

  function closePanel() {
    panel.hidden = true;
    delete panel.dataset.element;
  }

  async function draw() {
    if (typeof window.BpmnJS !== "function") {
      throw new Error("bpmn-js did not load");
    }
    note.textContent = labels.loading;
    const [xml, state] = await Promise.all([
      fetchOk(section.dataset.xmlUrl, "application/xml").then((r) => r.text()),
      fetchOk(section.dataset.stateUrl, "application/json").then((r) => r.json()),
    ]);
    const viewer = new window.BpmnJS({ container });
    await viewer.importXML(xml);
    note.hidden = true;
    mark(viewer, state);
    focus(viewer, state);
    const fit = document.getElementById("diagram-fit");
    fit.hidden = false;
    fit.addEventListener("click", () => viewer.get("canvas").zoom("fit-viewport", "auto"));
    viewer.get("eventBus").on("element.click", (event) => openPanel(event.element));
    section.dataset.ready = "true";
  }

  document.getElementById("element-panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      closePanel();
    }
  });
  draw().catch((error) => {
    note.hidden = false;
    note.textContent = labels.failed;
    section.dataset.ready = "failed";
    console.warn("case diagram:", error);
  });
})();
