// In a timer's group: write a business-calendar time limit without remembering the syntax. Pick
// working days, working hours or the end of the n-th working day, give n, and the timer becomes a
// ``timeDate`` of ``working_days(n)`` / ``working_hours(n)`` / ``end_of_working_day(n)``.

import { h } from "@bpmn-io/properties-panel/preact";
import { useState } from "@bpmn-io/properties-panel/preact/hooks";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { run, updateCommand } from "./extensions";

const HELPERS = ["working_days", "working_hours", "end_of_working_day"];
const HELPER_CALL = /^(working_days|working_hours|end_of_working_day)\((\d+(?:\.\d+)?)\)$/;

function timerDefinition(element) {
  const definitions = getBusinessObject(element).get("eventDefinitions") || [];
  return definitions.find((definition) => is(definition, "bpmn:TimerEventDefinition"));
}

/** ``{helper, amount}`` when the timer already is one helper call with a number. */
function currentCall(definition) {
  const date = definition && definition.get("timeDate");
  const match = date ? HELPER_CALL.exec((date.get("body") || "").trim()) : null;
  return match ? { helper: match[1], amount: match[2] } : { helper: HELPERS[0], amount: "1" };
}

function CalendarHelper(props) {
  const { element, id } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const labels = data.labels;
  const definition = timerDefinition(element);
  const start = currentCall(definition);
  const [helper, setHelper] = useState(start.helper);
  const [amount, setAmount] = useState(start.amount);
  const valid = /^\d+(\.\d+)?$/.test(amount) && (helper === "working_hours" || /^\d+$/.test(amount));

  const apply = () => {
    const expression = bpmnFactory.create("bpmn:FormalExpression", { body: `${helper}(${amount})` });
    expression.$parent = definition;
    run(commandStack, [
      updateCommand(element, definition, { timeDate: expression, timeDuration: undefined, timeCycle: undefined }),
    ]);
  };

  return h(
    "div",
    { class: "bio-properties-panel-entry calendar-helper", "data-entry-id": id },
    h("div", { class: "bio-properties-panel-label" }, labels.calendar_helper),
    h(
      "div",
      { class: "calendar-helper-row" },
      h(
        "select",
        {
          class: "bio-properties-panel-input",
          "aria-label": labels.calendar_helper,
          value: helper,
          onChange: (event) => setHelper(event.target.value),
        },
        HELPERS.map((name) => h("option", { value: name }, labels[`calendar_${name}`])),
      ),
      h("input", {
        class: "bio-properties-panel-input",
        type: "text",
        inputmode: "decimal",
        "aria-label": labels.calendar_amount,
        value: amount,
        onInput: (event) => setAmount(event.target.value.trim()),
      }),
      h("button", { type: "button", class: "secondary", disabled: !valid, onClick: apply }, labels.calendar_use),
    ),
    h("p", { class: "bio-properties-panel-description" }, labels.calendar_help),
  );
}

/** The helper entry, for any element with a timer. */
export function calendarHelperEntry(element) {
  return timerDefinition(element) ? [{ id: "product-calendar-helper", component: CalendarHelper }] : [];
}
