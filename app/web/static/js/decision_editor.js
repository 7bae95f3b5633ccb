// The decision-table editor: dmn-js (global DmnJS, from the npm package, copied by `make vendor`)
// opens the .dmn file the page names; one button per decision of the file switches the view;
// "Save in draft" writes the edited XML back to the draft with If-Match (409: someone else saved).
(function () {
  "use strict";

  const root = document.getElementById("decision-editor");
  if (!root || typeof DmnJS === "undefined") return;
  const status = document.getElementById("table-status");
  const views = document.getElementById("decision-views");
  const msg = (name) => root.dataset["msg" + name] || name;
  const editor = new DmnJS({ container: "#dmn-canvas" });

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function drawViews() {
    const active = editor.getActiveView();
    views.replaceChildren();
    for (const view of editor.getViews()) {
      if (view.type !== "decisionTable" && view.type !== "literalExpression") continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.dataset.view = view.element.id;
      button.textContent = view.element.name || view.element.id;
      button.setAttribute("aria-pressed", String(active && active.element.id === view.element.id));
      button.addEventListener("click", () => editor.open(view).then(drawViews));
      views.append(button);
    }
  }

  async function load() {
    try {
      const response = await fetch(root.dataset.source, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      await editor.importXML(await response.text());
      const table = editor.getViews().find((v) => v.type === "decisionTable");
      if (table) await editor.open(table);
      root.dataset.loaded = "true";
      drawViews();
    } catch (err) {
      say(msg("LoadFailed") + " (" + err.message + ")", true);
    }
  }

  async function save() {
    const { xml } = await editor.saveXML({ format: true });
    const base = "/api/v1/drafts/" + encodeURIComponent(root.dataset.draft);
    try {
      const draft = await (await fetch(base, { credentials: "same-origin", headers: { Accept: "application/json" } })).json();
      const response = await fetch(base + "/files/" + root.dataset.name, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/xml", "If-Match": String(draft.lock_version), "X-CSRF-Token": root.dataset.csrf },
        body: xml,
      });
      if (response.status === 409) say(msg("Conflict"), true);
      else if (!response.ok) say(msg("NotSaved") + " (" + response.status + ")", true);
      else say(msg("Saved"), false);
    } catch (err) {
      say(msg("NotSaved"), true);
    }
  }

  const saveButton = document.getElementById("save-table");
  if (saveButton) saveButton.addEventListener("click", save);
  load();
})();
