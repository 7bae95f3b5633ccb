// Where the diagram on the page comes from and goes to: a draft of the analyst's (the drafts API),
// a deployed version (opened read-write, saved as a new draft), or a new empty diagram.

import { getJson, getText, postJson, putFile } from "./workbench_api";

export const EMPTY_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="Definitions_new_process" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="new_process" name="new_process" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="new_process">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;

/** The lock version in an ETag: ``"12"`` or ``"<draft id>-12"``. */
function lockOf(etag, fallback) {
  const match = etag ? /(\d+)"?$/.exec(etag) : null;
  return match ? Number(match[1]) : fallback;
}

/** The draft's diagram file: ``<process_key>.bpmn`` if it has one, else its first .bpmn file. */
export function diagramFileOf(draft) {
  const files = draft.files || [];
  const preferred = `${draft.process_key}.bpmn`;
  return files.includes(preferred) ? preferred : files.find((name) => name.endsWith(".bpmn")) || preferred;
}

/** Form keys of ``forms/<key>.json`` file names (start forms left out: no task uses them). */
export function formKeys(names) {
  return names
    .filter((name) => name.startsWith("forms/") && name.endsWith(".json"))
    .map((name) => name.slice("forms/".length, -".json".length))
    .filter((key) => !key.endsWith(".start"));
}

/** The form keys a deployed version was deployed with, or none if the server cannot list them. */
async function versionForms(pattern, key, version) {
  if (!pattern || !key || !version) {
    return [];
  }
  const url = pattern.replace("{key}", encodeURIComponent(key)).replace("{version}", String(version));
  const answer = await getJson(url);
  return answer.ok && Array.isArray(answer.data) ? formKeys(answer.data.map((file) => file.name)) : [];
}

export class DocumentSource {
  constructor(config) {
    this.config = config;
    this.urls = config.urls;
    this.draft = null;
    this.fileName = null;
  }

  get downloadName() {
    if (this.fileName) {
      return this.fileName.split("/").pop();
    }
    return `${this.config.process_key || "new_process"}.bpmn`;
  }

  /** ``{xml, forms}`` to open, or ``{error}`` saying why it cannot be read. */
  async load() {
    if (this.config.mode === "draft") {
      const answer = await getJson(this.urls.draft);
      if (!answer.ok) {
        return { error: answer.message, status: answer.status };
      }
      this.draft = answer.data;
      this.fileName = diagramFileOf(this.draft);
      const file = await getText(`${this.urls.draft_files}/${this.fileName.split("/").map(encodeURIComponent).join("/")}`);
      if (!file.ok) {
        return { error: file.message, status: file.status };
      }
      const base = await versionForms(this.urls.version_files_pattern, this.draft.process_key, this.draft.base_version);
      return { xml: file.text, forms: [...formKeys(this.draft.files || []), ...base] };
    }
    if (this.config.mode === "version") {
      const [answer, forms] = await Promise.all([
        getText(this.urls.xml),
        versionForms(this.urls.version_files_pattern, this.config.process_key, this.config.version),
      ]);
      return answer.ok ? { xml: answer.text, forms } : { error: answer.message, status: answer.status };
    }
    return { xml: EMPTY_DIAGRAM, forms: [] };
  }

  /** A new draft of the analyst's: from the version on the page (then saved over), or from this XML. */
  async createDraft(xml) {
    if (this.config.mode === "version") {
      const source = { process_key: this.config.process_key, version: this.config.version };
      return postJson(this.urls.drafts, { from: source });
    }
    return postJson(this.urls.drafts, { name: this.config.process_key || "new_process", xml });
  }

  adopt(draft) {
    this.draft = draft;
    this.fileName = diagramFileOf(draft);
    this.urls.draft_files = this.urls.draft_files_pattern.replace("{id}", String(draft.id));
    this.urls.draft_deploy = this.urls.draft_deploy_pattern.replace("{id}", String(draft.id));
    this.urls.draft = `${this.urls.drafts}/${draft.id}`;
  }

  /** Save the diagram into the draft (a version or a new diagram first becomes a new draft). */
  async save(xml) {
    if (!this.draft) {
      const created = await this.createDraft(xml);
      if (!created.ok || !created.data || created.data.id === undefined) {
        return { ok: false, status: created.status, message: created.message, error: created.error };
      }
      this.adopt(created.data);
      if (this.config.mode !== "version") {
        return { ok: true, status: created.status, message: "", draftId: this.draft.id };
      }
    }
    const url = `${this.urls.draft_files}/${this.fileName.split("/").map(encodeURIComponent).join("/")}`;
    const answer = await putFile(url, xml, this.draft.lock_version);
    if (answer.ok) {
      const lock = answer.data && answer.data.lock_version !== undefined ? answer.data.lock_version : null;
      this.draft.lock_version = lock !== null ? lock : lockOf(answer.etag, this.draft.lock_version);
    }
    return { ok: answer.ok, status: answer.status, message: answer.message, error: answer.error, draftId: this.draft.id };
  }

  async deploy(note) {
    if (!this.draft) {
      return { ok: false, status: 0, message: "" };
    }
    const answer = await postJson(this.urls.draft_deploy, { note });
    if (answer.ok) {
      const fresh = await getJson(this.urls.draft); // a deploy may move the draft's lock version
      if (fresh.ok && fresh.data) {
        this.draft = fresh.data;
      }
    }
    return answer;
  }

  /** Start a simulation run of the saved draft; answers the run (its ``id``) or the refusal. */
  simulate() {
    if (!this.draft) {
      return { ok: false, status: 0, message: "" };
    }
    return postJson(this.urls.simulations, { draft_id: this.draft.id });
  }
}
