// Evidence uploads on the intake form, the task forms and the case page.
//
// Each file chosen or dropped on a [data-dropzone] is sent at once, one request per file, to the
// zone's data-upload-url with the page's CSRF token, showing a progress bar and (for images) a
// thumbnail from a blob URL. In a form field (data-upload-field) the stored file is added to the field's
// list as a ticked box, so submitting the form cites it; on the case page the page reloads to list
// it. Without this script the plain file input is sent with its form instead.
"use strict";

(function () {
  function csrfToken(zone) {
    const form = zone.closest("form");
    const input = form ? form.querySelector('input[name="csrf_token"]') : null;
    return input ? input.value : "";
  }

  function refusal(zone, xhr) {
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch (_ignored) {
      body = null;
    }
    const code = body && body.error ? body.error.code : "";
    if (code === "attachment_type_refused") return zone.dataset.msgType;
    if (code === "attachment_too_large" || code === "payload_too_large" || xhr.status === 413) {
      return zone.dataset.msgSize;
    }
    return body && body.error ? body.error.message : String(xhr.status || "");
  }

  function addChoice(zone, attachment) {
    const field = zone.dataset.uploadField;
    if (!field) return;
    const holder = zone.closest("fieldset") || document;
    const list = holder.querySelector('ul[data-choices-for="' + CSS.escape(field) + '"]');
    if (!list) return;
    const item = document.createElement("li");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = field;
    box.value = String(attachment.id);
    box.checked = true;
    label.append(box, " " + attachment.label);
    item.append(label);
    list.append(item);
  }

  function progressItem(zone, file) {
    const item = document.createElement("li");
    item.className = "upload-item";
    if (file.type && file.type.startsWith("image/")) {
      const img = document.createElement("img");
      img.className = "thumb-preview";
      img.alt = "";
      img.src = URL.createObjectURL(file);
      item.append(img);
    }
    const name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "upload-status";
    item.append(name, bar, status);
    zone.querySelector(".upload-progress").append(item);
    return { item: item, bar: bar, status: status };
  }

  function uploadOne(zone, file) {
    const view = progressItem(zone, file);
    const data = new FormData();
    data.append("csrf_token", csrfToken(zone));
    data.append("file", file, file.name);
    if (zone.dataset.taskId) data.append("task_id", zone.dataset.taskId);
    const form = zone.closest("form");
    const note = form ? form.querySelector('input[name="note"]') : null;
    if (note && note.value) data.append("note", note.value);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.uploadUrl);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) view.bar.value = Math.round((event.loaded * 100) / event.total);
    });
    return new Promise(function (resolve) {
      xhr.addEventListener("load", function () {
        let stored = null;
        if (xhr.status === 201) {
          try {
            stored = JSON.parse(xhr.responseText);
          } catch (_ignored) {
            stored = null;
          }
        }
        if (Array.isArray(stored)) {
          view.bar.value = 100;
          view.item.classList.add("done");
          view.status.textContent = zone.dataset.msgDone;
          stored.forEach(function (attachment) {
            addChoice(zone, attachment);
          });
          resolve(true);
        } else {
          view.item.classList.add("failed");
          view.status.textContent = zone.dataset.msgFailed + ": " + refusal(zone, xhr);
          resolve(false);
        }
      });
      xhr.addEventListener("error", function () {
        view.item.classList.add("failed");
        view.status.textContent = zone.dataset.msgFailed;
        resolve(false);
      });
      xhr.send(data);
    });
  }

  function uploadAll(zone, files) {
    const input = zone.querySelector('input[type="file"]');
    const uploads = Array.from(files).map(function (file) {
      return uploadOne(zone, file);
    });
    input.value = ""; // sent already: the form must not send these files a second time
    Promise.all(uploads).then(function (results) {
      if (zone.closest("[data-reload-after-upload]") && results.some(Boolean)) window.location.reload();
    });
  }

  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    const input = zone.querySelector('input[type="file"]');
    if (!zone.dataset.uploadUrl || !input) return;
    zone.classList.add("scripted");
    input.addEventListener("change", function () {
      if (input.files.length) uploadAll(zone, input.files);
    });
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("dragging");
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(zone, event.dataTransfer.files);
    });
  });
})();
