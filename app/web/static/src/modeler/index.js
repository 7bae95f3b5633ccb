// The analyst's modeler page: bpmn-js modeler + properties panel (BPMN, Camunda platform and our
// own provider) + lint panel, and a toolbar to save a draft, download, upload, validate, simulate
// the draft and deploy.
// Everything it says comes translated from the page's JSON block (inert data, allowed by the CSP).

import BpmnModeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";

import { DocumentSource } from "./document_source";
import { LintPanel } from "./lint_panel";
import { productPropertiesModule } from "./product_properties";
import spiffworkflowModdle from "./spiffworkflow.json";
import { translateModule } from "./translate";
import { optionalList } from "./workbench_api";

// the panel's groups open from the start: what an analyst edits most
const OPEN_GROUPS = Object.fromEntries(
  ["general", "product", "product-groups", "timer", "CamundaPlatform__Condition"].map((id) => [id, { open: true }]),
);
const root = document.getElementById("modeler");
const config = JSON.parse(document.getElementById("modeler-config").textContent);
const labels = config.labels;
const status = document.getElementById("modeler-status");
const canvasBox = document.getElementById("modeler-canvas");

function say(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function countElements(modeler) {
  return modeler.get("elementRegistry").filter((element) => element.type !== "label" && element.parent).length;
}

async function openDiagram(modeler, xml, name) {
  canvasBox.dataset.importState = "busy";
  try {
    const { warnings } = await modeler.importXML(xml);
    modeler.get("canvas").zoom("fit-viewport", "auto");
    const count = countElements(modeler);
    canvasBox.dataset.elementCount = String(count);
    canvasBox.dataset.importedName = name;
    canvasBox.dataset.importWarnings = String(warnings.length);
    canvasBox.dataset.importState = "done";
    canvasBox.dataset.imports = String(Number(canvasBox.dataset.imports || 0) + 1);
    say(fill(warnings.length ? labels.imported_warnings : labels.imported, { name, count, warnings: warnings.length }), "ok");
    return true;
  } catch (error) {
    canvasBox.dataset.importState = "failed";
    canvasBox.dataset.importedName = name;
    canvasBox.dataset.imports = String(Number(canvasBox.dataset.imports || 0) + 1);
    say(fill(labels.import_failed, { name, error: error.message }), "error");
    return false;
  }
}

function download(xml, fileName) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function refusal(answer) {
  if (answer.status === 404) {
    return labels.drafts_unavailable;
  }
  if (answer.status === 409) {
    return labels.draft_stale;
  }
  const details = (answer.error && answer.error.details) || [];
  const named = details
    .map((detail) => [detail.element_id || detail.field || detail.file, detail.message].filter(Boolean).join(": "))
    .filter(Boolean);
  return [answer.message, ...named].filter(Boolean).join(" — ") || String(answer.status);
}

async function boot() {
  const source = new DocumentSource(config);
  const [loaded, groups, handlers] = await Promise.all([
    source.load(),
    optionalList(config.urls.groups),
    optionalList(config.urls.handlers),
  ]);
  const forms = [...new Set([...(loaded.forms || []), ...config.forms])].sort();
  const workbenchData = { labels, forms, groups, handlers, urls: config.urls };

  const modeler = new BpmnModeler({
    container: canvasBox,
    propertiesPanel: { parent: "#modeler-properties", layout: { groups: OPEN_GROUPS } },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      productPropertiesModule(workbenchData),
      translateModule(config.panel_words || {}),
    ],
    moddleExtensions: { camunda: camundaModdle, spiffworkflow: spiffworkflowModdle },
  });

  const lint = new LintPanel(modeler, {
    url: config.urls.validate,
    labels,
    list: document.getElementById("lint-list"),
    summary: document.getElementById("lint-summary"),
  });

  if (loaded.error !== undefined) {
    say(fill(labels.load_failed, { error: loaded.error }), "error");
    canvasBox.dataset.importState = "failed";
    return;
  }
  if (await openDiagram(modeler, loaded.xml, source.downloadName)) {
    lint.watch();
    lint.validate();
  }
  root.dataset.ready = "true";

  // Leaving the page (a table or form editor, another page) with changes not yet saved asks first.
  let unsaved = false;
  modeler.on("commandStack.changed", (event) => {
    if (event.trigger !== "clear") unsaved = true; // an import clears the stack: nothing to lose yet
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = ""; // what older Chromium builds still look for
    }
  });

  const button = (id, action) => document.getElementById(id).addEventListener("click", action);
  // The diagram as XML, or null (said on the status line) when bpmn-js cannot write it back.
  async function currentXml() {
    try {
      return (await modeler.saveXML({ format: true })).xml;
    } catch (error) {
      say(fill(labels.save_failed, { error: error.message }), "error");
      return null;
    }
  }
  button("modeler-download", async () => {
    const xml = await currentXml();
    if (xml !== null) download(xml, source.downloadName);
  });
  const upload = document.getElementById("modeler-upload-file");
  button("modeler-upload", () => upload.click());
  upload.addEventListener("change", async () => {
    const file = upload.files[0];
    if (file && (await openDiagram(modeler, await file.text(), file.name))) {
      unsaved = true; // the uploaded diagram is not in the draft yet
      lint.validate();
    }
    upload.value = "";
  });
  button("modeler-validate", () => lint.validate());
  button("modeler-save", async () => {
    say(labels.saving, "busy");
    const xml = await currentXml();
    if (xml === null) return;
    const answer = await source.save(xml);
    if (!answer.ok) {
      say(fill(labels.save_failed, { error: refusal(answer) }), "error");
      return;
    }
    unsaved = false;
    say(labels.saved, "ok");
    if (config.mode !== "draft" && answer.draftId !== undefined) {
      window.location.assign(config.urls.draft_page_pattern.replace("{id}", String(answer.draftId)));
    }
  });
  // Save the diagram into the draft, then `action()`; a refusal of either is said with `failed`
  // (a 422 also marks the elements it names). Answers the action's answer, or null when refused.
  async function saveThen(busy, failed, action) {
    say(busy, "busy");
    const xml = await currentXml();
    if (xml === null) return null;
    const saved = await source.save(xml);
    if (saved.ok) unsaved = false;
    const answer = saved.ok ? await action() : saved;
    if (!answer.ok) {
      say(fill(failed, { error: refusal(answer) }), "error");
      if (answer.status === 422 && answer.error) {
        lint.showRefusal(answer.error.details || []);
      }
      return null;
    }
    return answer;
  }
  button("modeler-deploy", async () => {
    const note = document.getElementById("modeler-note").value.trim();
    if (!source.draft) {
      say(labels.deploy_needs_draft, "error");
      return;
    }
    const answer = await saveThen(labels.deploying, labels.deploy_failed, () => source.deploy(note));
    if (answer === null) return;
    const versions = (answer.data && answer.data.versions) || [];
    say(fill(labels.deployed, { versions: versions.map((v) => `${v.key} v${v.version}`).join(", ") }), "ok");
  });
  const simulate = document.getElementById("modeler-simulate");
  if (simulate && !config.urls.simulations) {
    simulate.hidden = true; // this server runs no simulations
  } else if (simulate) {
    simulate.addEventListener("click", async () => {
      const answer = await saveThen(labels.simulating, labels.simulate_failed, () => source.simulate());
      if (answer !== null) {
        window.location.assign(config.urls.simulation_page_pattern.replace("{id}", String(answer.data.id)));
      }
    });
  }
}

boot().catch((error) => say(fill(labels.load_failed, { error: error.message }), "error"));
