// Under a timer's definition: when it would fall due if the case started now, asked of the server
// (POST /api/v1/timers/preview, which knows the business calendar), or why it does not parse.

import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { postJson } from "./workbench_api";

const KINDS = ["timeDate", "timeDuration", "timeCycle"];
const WAIT_MS = 400;

/** ``{kind, expression}`` of the element's timer, or null when it has none or it is empty. */
export function timerOf(element) {
  const bo = getBusinessObject(element);
  const definitions = bo.get("eventDefinitions") || [];
  const timer = definitions.find((definition) => is(definition, "bpmn:TimerEventDefinition"));
  if (!timer) {
    return null;
  }
  for (const kind of KINDS) {
    const expression = timer.get(kind);
    if (expression) {
      return { kind, expression: (expression.get("body") || "").trim() };
    }
  }
  return null;
}

function TimerPreview(props) {
  const { element, id } = props;
  const data = useService("workbenchData");
  const labels = data.labels;
  const timer = timerOf(element);
  const kind = timer ? timer.kind : "";
  const expression = timer ? timer.expression : "";
  const [answer, setAnswer] = useState({ state: "idle", text: "" });

  useEffect(() => {
    if (!expression || !data.urls.timer_preview) {
      setAnswer({ state: "idle", text: data.urls.timer_preview ? "" : labels.timer_preview_missing });
      return undefined;
    }
    let current = true;
    setAnswer({ state: "busy", text: labels.timer_preview_busy });
    const wait = setTimeout(async () => {
      const reply = await postJson(data.urls.timer_preview, { kind, expression });
      if (!current) {
        return;
      }
      if (!reply.ok) {
        setAnswer({ state: "failed", text: `${labels.timer_preview_failed} ${reply.message}` });
      } else if (reply.data && reply.data.valid) {
        const due = reply.data.due_local || reply.data.due;
        setAnswer({ state: "valid", text: labels.timer_due.replace("{due}", due) });
      } else {
        const said = reply.data && (reply.data.localized_message || reply.data.message); // in the page's language
        setAnswer({ state: "invalid", text: said || labels.timer_invalid });
      }
    }, WAIT_MS);
    return () => {
      current = false;
      clearTimeout(wait);
    };
  }, [kind, expression]);

  return h(
    "div",
    { class: "bio-properties-panel-entry timer-preview", "data-entry-id": id },
    h("div", { class: "bio-properties-panel-label" }, labels.timer_preview),
    h("p", { class: `timer-preview-text ${answer.state}`, role: "status" }, answer.text),
  );
}

/** Appends the preview to the timer group the Camunda provider built. */
export function addTimerPreview(groups, element) {
  const group = groups.find((g) => g.id === "timer");
  if (group && timerOf(element) !== null) {
    group.entries.push({ id: "product-timer-preview", component: TimerPreview });
  }
}
