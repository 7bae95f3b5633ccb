// The simulation page's diagram: bpmn-js draws the run's diagram and diagram_markers.js shows
// where the run stands (done, active, waiting, failed, the flows taken) with notes for each
// waiting timer's due time and each fired timer's time. The state and the words come from the
// page (data-*); the forms and buttons of the page work without this script.
"use strict";

(function simulationDiagram() {
  const section = document.getElementById("sim-diagram");
  if (!section) {
    return;
  }
  const state = JSON.parse(section.dataset.state || '{"elements": {}, "flows_taken": []}');
  window.DiagramMarkers.draw(section, {
    labels: JSON.parse(section.dataset.labels || "{}"),
    notes: JSON.parse(section.dataset.overlays || "{}"),
    load: async () => {
      const xml = await (await window.DiagramMarkers.fetchOk(section.dataset.xmlUrl, "application/xml")).text();
      return { xml, state };
    },
  });
})();
