// The form editor: a table of fields (name, type, labels in English and Chinese, required, choices)
// and of conditional requirements writes the JSON Schema in the text area; each change asks the
// server for the checks and the preview (POST /api/v1/forms/preview), drawn by the task page's own
// renderer in both languages. "Save in draft" puts the form in the analyst's draft (If-Match).
// Whatever this table cannot show (nested objects, other keywords) is kept as it is in the JSON.
(function () {
  "use strict";

  const root = document.getElementById("form-editor");
  if (!root) return;
  const text = document.getElementById("schema-json");
  const host = document.getElementById("field-editor");
  const report = document.getElementById("form-report");
  const status = document.getElementById("save-status");
  const saveButton = document.getElementById("save-form");
  const msg = (name) => root.dataset["msg" + name] || name;
  const TYPES = JSON.parse(root.dataset.types);
  let schema = null;
  let timer = null;
  let lastReport = null;

  // --- what a property is, for the table -------------------------------------------------------
  function typeOf(prop) {
    if (prop.type === "array" && prop.items && prop.items.format === "attachment") return "attachment";
    if (prop.type === "boolean") return "boolean";
    if (prop.type === "integer") return "integer";
    if (prop.type === "number") return "number";
    if (prop.type === "string" && Array.isArray(prop.enum)) return "choice";
    if (prop.type === "string" && ["date", "date-time", "email"].includes(prop.format)) return prop.format;
    if (prop.type === "string" && prop["x-widget"] === "textarea") return "textarea";
    if (prop.type === "string") return "text";
    return null; // objects and anything else: edited in the JSON only
  }

  function retype(prop, type) {
    const keep = {};
    for (const key of ["title", "x-title-zh", "description", "x-description-zh", "readOnly", "x-prefill"]) {
      if (key in prop) keep[key] = prop[key];
    }
    const shapes = {
      text: { type: "string", maxLength: 200 },
      textarea: { type: "string", maxLength: 4000, "x-widget": "textarea" },
      number: { type: "number" },
      integer: { type: "integer" },
      boolean: { type: "boolean" },
      date: { type: "string", format: "date" },
      "date-time": { type: "string", format: "date-time" },
      email: { type: "string", format: "email" },
      choice: { type: "string", enum: ["yes", "no"], "x-enum-titles": { yes: { en: "Yes", zh: "是" }, no: { en: "No", zh: "否" } } },
      attachment: { type: "array", items: { type: "string", format: "attachment" }, maxItems: 20, uniqueItems: true },
    };
    return Object.assign(keep, shapes[type]);
  }

  function choicesText(prop) {
    const titles = prop["x-enum-titles"] || {};
    return (prop.enum || []).map((v) => {
      const t = titles[String(v)] || {};
      return [v, t.en || "", t.zh || ""].join(" | ");
    }).join("\n");
  }

  function setChoices(prop, raw) {
    const values = [];
    const titles = {};
    for (const line of raw.split("\n")) {
      const parts = line.split("|").map((s) => s.trim());
      if (!parts[0]) continue;
      values.push(parts[0]);
      titles[parts[0]] = { en: parts[1] || "", zh: parts[2] || "" };
    }
    prop.enum = values;
    prop["x-enum-titles"] = titles;
  }

  // --- conditional requirements: allOf [{if: {properties: {F: {enum|const}}, required: [F]}, then: {required}}]
  function simpleRule(rule) {
    if (!rule || !rule.if || !rule.then || rule.else) return null;
    const props = rule.if.properties || {};
    const names = Object.keys(props);
    if (names.length !== 1 || Object.keys(rule.if).some((k) => !["properties", "required"].includes(k))) return null;
    const test = props[names[0]];
    const values = "const" in test ? [test.const] : Array.isArray(test.enum) ? test.enum : null;
    if (!values || Object.keys(test).length !== 1) return null;
    if (Object.keys(rule.then).some((k) => k !== "required")) return null;
    return { field: names[0], values: values, require: rule.then.required || [] };
  }

  function makeRule(field, values, require) {
    const test = values.length === 1 ? { const: values[0] } : { enum: values };
    return { if: { properties: { [field]: test }, required: [field] }, then: { required: require } };
  }

  function typed(field, raw) {
    const prop = (schema.properties || {})[field] || {};
    if (prop.type === "boolean") return raw === "true";
    if (prop.type === "number" || prop.type === "integer") return Number(raw);
    return raw;
  }

  // --- drawing the table -----------------------------------------------------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function input(label, value, onInput, attrs) {
    const field = el("input", Object.assign({ value: value || "", "aria-label": label, oninput: (e) => onInput(e.target.value) }, attrs));
    return field;
  }

  function draw() {
    host.replaceChildren();
    const required = new Set(schema.required || []);
    host.append(el("div", { class: "form-titles" }, [
      el("label", { text: msg("FormTitleEn") }, [input(msg("FormTitleEn"), schema.title, (v) => { schema.title = v; changed(false); }, { name: "form-title-en" })]),
      el("label", { text: msg("FormTitleZh") }, [input(msg("FormTitleZh"), schema["x-title-zh"], (v) => { schema["x-title-zh"] = v; changed(false); }, { name: "form-title-zh" })]),
    ]));
    const rows = el("tbody");
    const names = Object.keys(schema.properties || {});
    names.forEach((name, index) => rows.append(fieldRow(name, index, required)));
    host.append(el("h2", { text: msg("Fields") }), el("div", { class: "table-scroll" }, [
      el("table", { class: "list field-table" }, [
        el("thead", {}, [el("tr", {}, [msg("Field"), msg("Type"), msg("TitleEn"), msg("TitleZh"), msg("Required"), ""].map((t) => el("th", { text: t })))]),
        rows,
      ]),
    ]));
    host.append(el("button", { type: "button", id: "add-field", text: msg("Add"), onclick: addField }));
    host.append(el("h2", { text: msg("Conditions") }));
    const list = el("ul", { class: "rules" });
    let others = 0;
    (schema.allOf || []).forEach((rule, index) => {
      const simple = simpleRule(rule);
      if (simple) list.append(ruleRow(simple, index));
      else others += 1;
    });
    host.append(list);
    if (others) host.append(el("p", { class: "hint other-rules", text: msg("OtherRules").replace("{n}", String(others)) }));
    host.append(el("button", { type: "button", id: "add-rule", text: msg("AddRule"), onclick: addRule }));
  }

  function fieldRow(name, index, required) {
    const prop = schema.properties[name];
    const type = typeOf(prop);
    const row = el("tr", { "data-field": name });
    const rename = input(msg("Field"), name, () => {}, { class: "field-name", pattern: "[A-Za-z_][A-Za-z0-9_]*" });
    rename.addEventListener("change", (e) => renameField(name, e.target.value.trim()));
    const typeCell = el("td");
    if (type) {
      const select = el("select", { "aria-label": msg("Type"), class: "field-type", onchange: (e) => { schema.properties[name] = retype(prop, e.target.value); changed(true); } });
      for (const [value, label] of Object.entries(TYPES)) select.append(el("option", { value: value, text: label, selected: value === type }));
      typeCell.append(select);
    } else {
      typeCell.append(el("code", { text: prop.type || "?" }));
    }
    const req = el("input", { type: "checkbox", class: "field-required", "aria-label": msg("Required"), checked: required.has(name), onchange: (e) => {
      const set = new Set(schema.required || []);
      if (e.target.checked) set.add(name); else set.delete(name);
      schema.required = names().filter((n) => set.has(n));
      changed(false);
    } });
    row.append(
      el("td", {}, [rename]),
      typeCell,
      el("td", {}, [input(msg("TitleEn"), prop.title, (v) => { prop.title = v; changed(false); }, { class: "field-title-en" })]),
      el("td", {}, [input(msg("TitleZh"), prop["x-title-zh"], (v) => { prop["x-title-zh"] = v; changed(false); }, { class: "field-title-zh" })]),
      el("td", {}, [req]),
      el("td", { class: "nowrap" }, [
        el("button", { type: "button", class: "link", text: "↑", title: msg("Up"), "aria-label": msg("Up"), disabled: index === 0, onclick: () => move(name, -1) }),
        el("button", { type: "button", class: "link danger", text: msg("Remove"), onclick: () => removeField(name) }),
      ]),
    );
    if (type !== "choice") return row;
    const area = el("textarea", { class: "field-choices", rows: 3, "aria-label": msg("Choices"), oninput: (e) => { setChoices(prop, e.target.value); changed(false); } });
    area.value = choicesText(prop);
    const wrap = document.createDocumentFragment();
    wrap.append(row, el("tr", { class: "choices-row", "data-choices-for": name }, [el("td", { colspan: 6 }, [el("label", { text: msg("Choices") }, [area])])]));
    return wrap;
  }

  function ruleRow(rule, index) {
    const update = (field, values, require) => {
      schema.allOf[index] = makeRule(field, values.map((v) => typed(field, v)), require);
      changed(false);
    };
    let field = rule.field;
    let values = rule.values.map(String);
    let require = rule.require.slice();
    const select = el("select", { "aria-label": msg("When"), class: "rule-field", onchange: (e) => { field = e.target.value; update(field, values, require); } });
    for (const name of names()) select.append(el("option", { value: name, text: name, selected: name === field }));
    return el("li", { "data-rule": index }, [
      el("span", { text: msg("When") + " " }), select,
      el("span", { text: " " + msg("IsOneOf") + " " }),
      input(msg("IsOneOf"), values.join(", "), (v) => { values = split(v); update(field, values, require); }, { class: "rule-values" }),
      el("span", { text: " " + msg("ThenRequire") + " " }),
      input(msg("ThenRequire"), require.join(", "), (v) => { require = split(v); update(field, values, require); }, { class: "rule-require" }),
      el("button", { type: "button", class: "link danger", text: msg("Remove"), onclick: () => { schema.allOf.splice(index, 1); if (!schema.allOf.length) delete schema.allOf; changed(true); } }),
    ]);
  }

  const split = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);
  const names = () => Object.keys(schema.properties || {});

  function reorder(order) {
    const props = {};
    for (const n of order) props[n] = schema.properties[n];
    schema.properties = props;
  }

  function move(name, delta) {
    const order = names();
    const i = order.indexOf(name);
    order.splice(i, 1);
    order.splice(i + delta, 0, name);
    reorder(order);
    changed(true);
  }

  function renameField(from, to) {
    if (!to || to === from || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to) || to in schema.properties) { draw(); return; }
    const order = names().map((n) => (n === from ? to : n));
    schema.properties[to] = schema.properties[from];
    reorder(order);
    schema.required = (schema.required || []).map((n) => (n === from ? to : n));
    changed(true);
  }

  function removeField(name) {
    delete schema.properties[name];
    schema.required = (schema.required || []).filter((n) => n !== name);
    changed(true);
  }

  function addField() {
    schema.properties = schema.properties || {};
    let n = names().length + 1;
    while ("field_" + n in schema.properties) n += 1;
    schema.properties["field_" + n] = retype({ title: "Field " + n, "x-title-zh": "字段" + n }, "text");
    changed(true);
  }

  function addRule() {
    const first = names()[0];
    if (!first) return;
    schema.allOf = schema.allOf || [];
    schema.allOf.push(makeRule(first, [true], []));
    changed(true);
  }

  // --- keeping the text, the checks and the preview in step ------------------------------------
  function changed(redraw) {
    text.value = JSON.stringify(schema, null, 2);
    if (redraw) draw();
    schedule();
  }

  function readText() {
    try {
      const parsed = JSON.parse(text.value);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      schema = parsed;
      return true;
    } catch (err) {
      report.replaceChildren(el("p", { class: "error", text: msg("BadJson") }));
      return false;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(preview, 300);
  }

  async function preview() {
    let answer;
    try {
      const response = await fetch(root.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": root.dataset.csrf },
        body: JSON.stringify({ schema: schema }),
      });
      answer = await response.json();
    } catch (err) {
      return;
    }
    lastReport = answer;
    const items = [];
    for (const e of answer.errors || []) items.push(el("li", { class: "error" }, [el("code", { text: e.field }), " " + e.message]));
    for (const w of answer.warnings || []) items.push(el("li", { class: "warning" }, [el("code", { text: w.field }), " " + w.message]));
    report.replaceChildren(items.length ? el("ul", { class: "report" }, items) : el("p", { class: "ok", text: msg("Ok") }));
    for (const lang of ["zh", "en"]) {
      const body = document.querySelector("#preview-" + lang + " .pane-body");
      // our own server's rendering of the form (escaped by Jinja), the same HTML as the task page
      if (answer.html) body.innerHTML = answer.html[lang];
    }
  }

  async function save() {
    if (!readText()) return;
    await preview();
    if (!lastReport || !lastReport.valid) { status.textContent = msg("Invalid"); return; }
    const base = "/api/v1/drafts/" + encodeURIComponent(root.dataset.draft);
    try {
      const draft = await (await fetch(base, { credentials: "same-origin", headers: { Accept: "application/json" } })).json();
      const response = await fetch(base + "/files/" + root.dataset.name, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "If-Match": String(draft.lock_version), "X-CSRF-Token": root.dataset.csrf },
        body: JSON.stringify(schema, null, 2),
      });
      if (response.status === 409) status.textContent = msg("Conflict");
      else if (!response.ok) status.textContent = msg("NotSaved") + " (" + response.status + ")";
      else status.textContent = msg("Saved");
    } catch (err) {
      status.textContent = msg("NotSaved");
    }
  }

  text.addEventListener("input", () => { if (readText()) { draw(); schedule(); } });
  if (saveButton) { saveButton.hidden = false; saveButton.addEventListener("click", save); }
  if (readText()) { host.hidden = false; draw(); preview(); }
})();
