// A service task's handler: the product runs ``spiffworkflow:serviceTaskOperator id=<handler>
// resultVariable=…`` with one ``spiffworkflow:parameter id=… type=… value=…`` per argument. The
// panel offers the registered handlers (GET /api/v1/handlers) and one field per parameter.

import { h } from "@bpmn-io/properties-panel/preact";
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";

import { ensureExtension, findExtension, run, updateCommand } from "./extensions";

const OPERATOR = "spiffworkflow:ServiceTaskOperator";

function operatorOf(element) {
  return findExtension(getBusinessObject(element), OPERATOR);
}

function parametersOf(operator) {
  const list = operator && operator.get("parameterList");
  return list ? list.get("parameters") : [];
}

function handlerNamed(data, name) {
  return (data.handlers || []).find((handler) => handler.name === name);
}

/**
 * Commands that point the task at handler ``name``: its parameters become exactly the handler's,
 * keeping the value of each parameter the task already passed under the same name.
 */
function chooseHandler(element, name, data, bpmnFactory) {
  const { found: operator, commands } = ensureExtension(element, OPERATOR, bpmnFactory);
  const handler = handlerNamed(data, name);
  const properties = { id: name || undefined };
  if (handler && handler.declared !== false) {
    const previous = new Map(parametersOf(operator).map((p) => [p.get("id"), p]));
    const list = bpmnFactory.create("spiffworkflow:Parameters", { parameters: [] });
    list.$parent = operator;
    for (const spec of handler.parameters || []) {
      const old = previous.get(spec.name);
      const parameter = bpmnFactory.create("spiffworkflow:Parameter", {
        id: spec.name,
        type: (old && old.get("type")) || "any", // the value is an expression: its type is the expression's
        value: old ? old.get("value") : "",
      });
      parameter.$parent = list;
      list.get("parameters").push(parameter);
    }
    properties.parameterList = list;
  }
  return [...commands, updateCommand(element, operator, properties)];
}

/** The handler's description and the keys of its result. */
function describe(handler, labels) {
  const keys = Array.isArray(handler.result) ? handler.result : [];
  const result = keys.length ? labels.handler_result.replace("{keys}", keys.join(", ")) : "";
  return [handler.description, result].filter(Boolean).join(" ");
}

function HandlerEntry(props) {
  const { element, id } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  const labels = data.labels;
  const current = () => {
    const operator = operatorOf(element);
    return operator ? operator.get("id") || "" : "";
  };
  const handler = handlerNamed(data, current());
  const common = {
    element,
    id,
    label: labels.handler,
    description: handler ? describe(handler, labels) : labels.handler_help,
    getValue: current,
    setValue: (value) => run(commandStack, chooseHandler(element, value || "", data, bpmnFactory)),
  };
  if (!data.handlers) {
    return h(TextFieldEntry, { ...common, debounce });
  }
  return h(SelectEntry, {
    ...common,
    getOptions: () => {
      const options = [{ value: "", label: labels.handler_none }];
      for (const item of data.handlers) {
        options.push({ value: item.name, label: item.name });
      }
      const name = current();
      if (name && !handlerNamed(data, name)) {
        options.push({ value: name, label: labels.handler_unknown.replace("{value}", name) });
      }
      return options;
    },
  });
}

function ResultVariableEntry(props) {
  const { element, id } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: data.labels.result_variable,
    getValue: () => {
      const operator = operatorOf(element);
      return operator ? operator.get("resultVariable") || "" : "";
    },
    setValue: (value) => {
      const { found, commands } = ensureExtension(element, OPERATOR, bpmnFactory);
      run(commandStack, [...commands, updateCommand(element, found, { resultVariable: value || undefined })]);
    },
  });
}

function ParameterEntry(props) {
  const { element, id, parameterName } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const parameter = () => parametersOf(operatorOf(element)).find((p) => p.get("id") === parameterName);
  const handler = handlerNamed(data, (operatorOf(element) || { get: () => "" }).get("id"));
  const spec = handler ? (handler.parameters || []).find((p) => p.name === parameterName) : null;
  const notes = [data.labels.parameter_help];
  if (spec && spec.type && spec.type !== "any") {
    notes.unshift(`(${spec.type})`);
  }
  if (spec && spec.description) {
    notes.unshift(spec.description);
  }
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: spec && spec.required ? `${parameterName} *` : parameterName,
    description: notes.join(" "),
    getValue: () => {
      const found = parameter();
      return found ? found.get("value") || "" : "";
    },
    setValue: (value) => {
      const found = parameter();
      if (found) {
        run(commandStack, [updateCommand(element, found, { value: value || "" })]);
      }
    },
  });
}

/** The handler picker, result variable and one field per parameter of a service task. */
export function handlerEntries(element, data, is) {
  if (!is(element, "bpmn:ServiceTask")) {
    return [];
  }
  const entries = [
    { id: "product-handler", component: HandlerEntry, isEdited: isSelectEntryEdited },
    { id: "product-result-variable", component: ResultVariableEntry, isEdited: isTextFieldEntryEdited },
  ];
  for (const parameter of parametersOf(operatorOf(element))) {
    const name = parameter.get("id");
    entries.push({
      id: `product-parameter-${name}`,
      component: ParameterEntry,
      parameterName: name,
      isEdited: isTextFieldEntryEdited,
    });
  }
  return entries;
}
