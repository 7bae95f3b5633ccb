// The case page's diagram: bpmn-js draws the instance's version; markers and notes (drawn by
// diagram_markers.js, shared with the simulation page) and a side panel show where the case
// stands. Everything it shows in words comes translated from the page (data-labels,
// data-overlays); the API only says which element is in which state.
"use strict";

(function caseDiagram() {
  const section = document.getElementById("case-diagram");
  if (!section) {
    return;
  }
  const labels = JSON.parse(section.dataset.labels || "{}");
  const notes = JSON.parse(section.dataset.overlays || "{}");
  const panel = document.getElementById("element-panel");
  const panelTitle = document.getElementById("element-panel-title");
  const panelBody = document.getElementById("element-panel-body");

  // "经理审批 Manager approval": the diagrams name things in Chinese, then in English.
  const BILINGUAL = /^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z][\s\S]*)$/;
  const chinese = document.documentElement.lang.startsWith("zh");
  const fetchOk = window.DiagramMarkers.fetchOk;

  function pageName(name) {
    const match = name ? BILINGUAL.exec(name.trim()) : null;
    if (!match) {
      return name || "";
    }
    return chinese ? match[1] : match[2];
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

  document.getElementById("element-panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      closePanel();
    }
  });
  window.DiagramMarkers.draw(section, {
    labels,
    notes,
    load: async () => {
      const [xml, state] = await Promise.all([
        fetchOk(section.dataset.xmlUrl, "application/xml").then((r) => r.text()),
        fetchOk(section.dataset.stateUrl, "application/json").then((r) => r.json()),
      ]);
      return { xml, state };
    },
    setUp: (viewer) => viewer.get("eventBus").on("element.click", (event) => openPanel(event.element)),
  });
})();
