// Our properties provider: runs after the BPMN and Camunda providers and adds what this product
// executes (form, candidate groups, assignee, handler and its parameters, scripts, timer preview).

import { Group } from "@bpmn-io/properties-panel";
import { is } from "bpmn-js/lib/util/ModelUtil";

import { calendarHelperEntry } from "./calendar_helpers";
import { handlerEntries } from "./handler_entries";
import { candidateGroupEntries, taskEntries } from "./task_entries";
import { addTimerPreview } from "./timer_preview";

const AFTER_CAMUNDA = 400; // the Camunda platform provider registers at 500; lower runs later

// Camunda 7 engine settings this product's engine never reads: shown, they would only mislead.
const NOT_EXECUTED_HERE = new Set(
  [
    "AsynchronousContinuations",
    "JobExecution",
    "ExecutionListener",
    "TaskListener",
    "ExternalTask",
    "FieldInjection",
    "HistoryCleanup",
    "Tasklist",
    "Implementation",
    "ConnectorInput",
    "ConnectorOutput",
    "Input",
    "Output",
    "ExtensionProperties",
    "StartInitiator",
    "FormData",
  ].map((name) => `CamundaPlatform__${name}`),
);

function insertAfterGeneral(groups, group) {
  const general = groups.findIndex((g) => g.id === "general");
  groups.splice(general < 0 ? 0 : general + 1, 0, group);
}

class ProductPropertiesProvider {
  constructor(propertiesPanel, workbenchData) {
    this._data = workbenchData;
    propertiesPanel.registerProvider(AFTER_CAMUNDA, this);
  }

  getGroups(element) {
    return (all) => {
      const groups = all.filter((group) => !NOT_EXECUTED_HERE.has(group.id));
      const labels = this._data.labels;
      const groupsEntries = candidateGroupEntries(element, this._data, is);
      if (groupsEntries.length) {
        insertAfterGeneral(groups, {
          id: "product-groups",
          label: labels.group_candidate_groups,
          component: Group,
          entries: groupsEntries,
        });
      }
      const entries = [...taskEntries(element, this._data, is), ...handlerEntries(element, this._data, is)];
      if (entries.length) {
        insertAfterGeneral(groups, { id: "product", label: labels.group_product, component: Group, entries });
      }
      addTimerPreview(groups, element);
      const timer = groups.find((group) => group.id === "timer");
      if (timer) {
        timer.entries.push(...calendarHelperEntry(element));
      }
      return groups;
    };
  }
}

ProductPropertiesProvider.$inject = ["propertiesPanel", "workbenchData"];

/** The module, given the server's lists and labels as the ``workbenchData`` service. */
export function productPropertiesModule(workbenchData) {
  return {
    __init__: ["productPropertiesProvider"],
    productPropertiesProvider: ["type", ProductPropertiesProvider],
    workbenchData: ["value", workbenchData],
  };
}
