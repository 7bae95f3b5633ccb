// The lint panel: posts the current diagram to POST /api/v1/process-definitions/validate (on
// "Validate" and a while after each change), lists errors and warnings, and marks the offending
// elements on the canvas (marker classes + an overlay with the count). Clicking a line selects
// and shows the element.

import { postXml } from "./workbench_api";

const AFTER_CHANGE_MS = 1500;

export class LintPanel {
  constructor(modeler, { url, labels, list, summary }) {
    this.modeler = modeler;
    this.url = url;
    this.labels = labels;
    this.list = list;
    this.summary = summary;
    this.marked = [];
    this.wait = null;
    this.round = 0;
  }

  /** Validate again a while after the diagram last changed. */
  watch() {
    this.modeler.on("commandStack.changed", () => {
      clearTimeout(this.wait);
      this.wait = setTimeout(() => this.validate(), AFTER_CHANGE_MS);
    });
  }

  async validate() {
    clearTimeout(this.wait);
    if (!this.url) {
      this.show("unavailable", this.labels.lint_unavailable, []);
      return null;
    }
    const round = ++this.round;
    this.show("busy", this.labels.lint_busy, null);
    let xml;
    try {
      ({ xml } = await this.modeler.saveXML({ format: true }));
    } catch (error) {
      // bpmn-js cannot write some imported documents back (e.g. an undeclared namespace prefix)
      this.show("failed", `${this.labels.lint_failed} ${error.message}`, []);
      return null;
    }
    const reply = await postXml(this.url, xml);
    if (round !== this.round) {
      return null; // a newer run is under way
    }
    if (!reply.ok || !reply.data) {
      const why = reply.status === 404 ? this.labels.lint_unavailable : `${this.labels.lint_failed} ${reply.message}`;
      this.show("failed", why, []);
      return null;
    }
    const findings = [
      ...(reply.data.errors || []).map((item) => ({ ...item, level: "error" })),
      ...(reply.data.warnings || []).map((item) => ({ ...item, level: "warning" })),
    ];
    const errors = (reply.data.errors || []).length;
    const text = findings.length
      ? this.labels.lint_counts.replace("{errors}", errors).replace("{warnings}", findings.length - errors)
      : this.labels.lint_clean;
    this.show(errors ? "invalid" : "valid", text, findings);
    return reply.data;
  }

  /** A refused deploy (422): its details that name an element, listed and marked as errors. */
  showRefusal(details) {
    const findings = details
      .filter((detail) => detail.element_id)
      .map((detail) => ({ element_id: detail.element_id, rule: detail.rule, message: detail.message, level: "error" }));
    const text = this.labels.lint_counts.replace("{errors}", findings.length).replace("{warnings}", 0);
    this.show("invalid", text, findings);
  }

  show(state, text, findings) {
    this.summary.textContent = text;
    this.summary.dataset.state = state;
    if (findings === null) {
      return; // keep the last list while a new run is under way
    }
    this.list.replaceChildren(...findings.map((item) => this.line(item)));
    this.mark(findings);
  }

  line(item) {
    const li = document.createElement("li");
    li.className = `lint-${item.level}`;
    li.dataset.elementId = item.element_id || "";
    const level = document.createElement("span");
    level.className = "lint-level";
    level.textContent = item.level === "error" ? this.labels.lint_error : this.labels.lint_warning;
    const where = document.createElement("code");
    where.textContent = item.element_id || "—";
    const message = document.createElement("span");
    message.className = "lint-message";
    message.textContent = item.rule ? `${item.message} (${item.rule})` : item.message;
    li.append(level, " ", where, " ", message);
    if (item.element_id && this.modeler.get("elementRegistry").get(item.element_id)) {
      li.tabIndex = 0;
      li.classList.add("lint-link");
      li.addEventListener("click", () => this.reveal(item.element_id));
      li.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          this.reveal(item.element_id);
        }
      });
    }
    return li;
  }

  reveal(id) {
    const element = this.modeler.get("elementRegistry").get(id);
    if (!element) {
      return;
    }
    this.modeler.get("selection").select(element);
    this.modeler.get("canvas").scrollToElement(element, { top: 120, bottom: 120, left: 120, right: 120 });
  }

  mark(findings) {
    const canvas = this.modeler.get("canvas");
    const overlays = this.modeler.get("overlays");
    const registry = this.modeler.get("elementRegistry");
    for (const id of this.marked) {
      if (registry.get(id)) {
        canvas.removeMarker(id, "lint-has-error");
        canvas.removeMarker(id, "lint-has-warning");
      }
    }
    overlays.remove({ type: "lint" });
    const perElement = new Map();
    for (const item of findings) {
      if (!item.element_id || !registry.get(item.element_id)) {
        continue;
      }
      const counts = perElement.get(item.element_id) || { error: 0, warning: 0 };
      counts[item.level] += 1;
      perElement.set(item.element_id, counts);
    }
    for (const [id, counts] of perElement) {
      canvas.addMarker(id, counts.error ? "lint-has-error" : "lint-has-warning");
      const badge = document.createElement("div");
      badge.className = `lint-badge ${counts.error ? "error" : "warning"}`;
      badge.textContent = String(counts.error + counts.warning);
      badge.title = this.labels.lint_counts.replace("{errors}", counts.error).replace("{warnings}", counts.warning);
      overlays.add(id, "lint", { position: { top: -10, right: 10 }, html: badge });
    }
    this.marked = [...perElement.keys()];
  }
}
