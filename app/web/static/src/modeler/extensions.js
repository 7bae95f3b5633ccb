// Reading and writing the extension elements this product executes (spiffworkflow:* and camunda:*)
// as undoable commands of the modeler, so the panel edits never touch the XML by hand.

import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

export const MULTI_COMMAND = "properties-panel.multi-command-executor";

export function extensionValues(bo) {
  const extensions = bo.get("extensionElements");
  return extensions ? extensions.get("values") : [];
}

/** The first extension element of ``type`` (e.g. "spiffworkflow:ServiceTaskOperator"), if any. */
export function findExtension(bo, type) {
  return extensionValues(bo).find((value) => is(value, type));
}

/** ``spiffworkflow:property name=…`` of an element, if the diagram sets it. */
export function spiffProperty(bo, name) {
  const properties = findExtension(bo, "spiffworkflow:Properties");
  return properties ? properties.get("properties").find((p) => p.get("name") === name) : undefined;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

/**
 * Commands that make sure ``element`` has an extension element of ``type``; returns it with the
 * commands (empty when it already exists). The new element is not in the diagram until they run.
 */
export function ensureExtension(element, type, bpmnFactory, attributes = {}) {
  const bo = getBusinessObject(element);
  const commands = [];
  let extensions = bo.get("extensionElements");
  if (!extensions) {
    extensions = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    extensions.$parent = bo;
    commands.push(update(element, bo, { extensionElements: extensions }));
  }
  let found = extensions.get("values").find((value) => is(value, type));
  if (!found) {
    found = bpmnFactory.create(type, attributes);
    found.$parent = extensions;
    commands.push(update(element, extensions, { values: [...extensions.get("values"), found] }));
  }
  return { found, commands };
}

/** Remove the extension element ``child`` from ``element`` (one undoable step). */
export function removeExtension(element, child) {
  const extensions = getBusinessObject(element).get("extensionElements");
  return [update(element, extensions, { values: extensions.get("values").filter((v) => v !== child) })];
}

export function run(commandStack, commands) {
  if (commands.length) {
    commandStack.execute(MULTI_COMMAND, commands);
  }
}

/**
 * A task property that may live in two places: ``spiffworkflow:property name=<spiffName>`` (which
 * the engine reads first) or the Camunda attribute. Reads and writes where the diagram already has
 * it, and writes new values as the Camunda attribute so Camunda Modeler shows them too.
 */
export function dualProperty(spiffName, camundaName) {
  return {
    get(element) {
      const bo = getBusinessObject(element);
      const prop = spiffProperty(bo, spiffName);
      return prop ? prop.get("value") || "" : bo.get(camundaName) || "";
    },
    where(element) {
      return spiffProperty(getBusinessObject(element), spiffName) ? `spiffworkflow:property ${spiffName}` : camundaName;
    },
    commands(element, value) {
      const bo = getBusinessObject(element);
      const prop = spiffProperty(bo, spiffName);
      if (prop) {
        return [update(element, prop, { value })];
      }
      return [update(element, bo, { [camundaName]: value || undefined })];
    },
  };
}

export { update as updateCommand };
