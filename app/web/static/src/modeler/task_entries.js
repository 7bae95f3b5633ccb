// Panel entries for what a person's task needs to run here: its form, who may take it (lane =
// candidate group, or the task's own candidate groups), the assignee expression, and the scripts
// run before and after any activity. Choices come from the server; without them, free text.

import { h } from "@bpmn-io/properties-panel/preact";
import {
  CheckboxEntry,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isCheckboxEntryEdited,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";

import { dualProperty, ensureExtension, findExtension, removeExtension, run, updateCommand } from "./extensions";

const FORM = dualProperty("formKey", "camunda:formKey");
const CANDIDATE_GROUPS = dualProperty("candidateGroups", "camunda:candidateGroups");
const ASSIGNEE = dualProperty("assigneeExpression", "camunda:assignee");

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => (values[name] === undefined ? "" : String(values[name])));
}

/** Options of a picker: an empty choice, the known values, and the current value even if unknown. */
function pickerOptions(known, current, labels) {
  const options = [{ value: "", label: labels.none }];
  for (const item of known) {
    options.push({ value: item.value, label: item.label && item.label !== item.value ? `${item.label} (${item.value})` : item.value });
  }
  if (current && !known.some((item) => item.value === current)) {
    options.push({ value: current, label: fill(labels.unknown, { value: current }) });
  }
  return options;
}

function stored(labels, where) {
  return fill(labels.stored_as, { where });
}

/** A value picked from `choice.known` (free text when nothing is known), keeping an unknown current value. */
function pickerEntry(props, choice) {
  const debounce = useService("debounceInput");
  const { known, none, unknown, ...entry } = choice;
  const common = { element: props.element, id: props.id, ...entry };
  if (!known) {
    return h(TextFieldEntry, { ...common, debounce });
  }
  return h(SelectEntry, { ...common, getOptions: () => pickerOptions(known, common.getValue(), { none, unknown }) });
}

function FormEntry(props) {
  const { element } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const labels = data.labels;
  return pickerEntry(props, {
    label: labels.form,
    description: stored(labels, FORM.where(element)),
    getValue: () => FORM.get(element),
    setValue: (value) => run(commandStack, FORM.commands(element, value || "")),
    known: data.forms.length ? data.forms.map((name) => ({ value: name })) : null,
    none: labels.form_none,
    unknown: labels.form_unknown,
  });
}

function LaneGroupEntry(props) {
  const { element } = props;
  const data = useService("workbenchData");
  const modeling = useService("modeling");
  const labels = data.labels;
  return pickerEntry(props, {
    label: labels.lane_group,
    description: labels.lane_group_help,
    getValue: () => getBusinessObject(element).get("name") || "",
    setValue: (value) => modeling.updateProperties(element, { name: value || undefined }),
    known: data.groups ? data.groups.map((group) => ({ value: group.name, label: group.label })) : null,
    none: labels.group_none,
    unknown: labels.group_unknown,
  });
}

function splitGroups(value) {
  return value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
}

/** "Empty: the group of its lane, cs_agents." for a task in a lane (the engine's fallback). */
function laneNote(element, labels) {
  const lanes = getBusinessObject(element).get("lanes") || [];
  const named = lanes.map((lane) => lane.get("name")).filter(Boolean);
  return named.length ? fill(labels.candidate_groups_lane, { lane: named[named.length - 1] }) : "";
}

function CandidateGroupsText(props) {
  const { element, id } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: data.labels.candidate_groups,
    description: [laneNote(element, data.labels), stored(data.labels, CANDIDATE_GROUPS.where(element))].join(" "),
    getValue: () => CANDIDATE_GROUPS.get(element),
    setValue: (value) => run(commandStack, CANDIDATE_GROUPS.commands(element, value || "")),
  });
}

/** One checkbox per real group: ticking writes the comma-separated candidate groups. */
function CandidateGroupCheckbox(props) {
  const { element, id, group } = props;
  const commandStack = useService("commandStack");
  return h(CheckboxEntry, {
    element,
    id,
    label: group.label && group.label !== group.name ? `${group.label} (${group.name})` : group.name,
    getValue: () => splitGroups(CANDIDATE_GROUPS.get(element)).includes(group.name),
    setValue: (checked) => {
      const chosen = splitGroups(CANDIDATE_GROUPS.get(element)).filter((name) => name !== group.name);
      if (checked) {
        chosen.push(group.name);
      }
      run(commandStack, CANDIDATE_GROUPS.commands(element, chosen.join(",")));
    },
  });
}

function AssigneeEntry(props) {
  const { element, id } = props;
  const data = useService("workbenchData");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: data.labels.assignee,
    description: `${data.labels.assignee_help} ${stored(data.labels, ASSIGNEE.where(element))}`,
    getValue: () => ASSIGNEE.get(element),
    setValue: (value) => run(commandStack, ASSIGNEE.commands(element, value || "")),
  });
}

function ScriptEntry(props) {
  const { element, id, scriptType, label } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return h(TextAreaEntry, {
    element,
    id,
    debounce,
    label,
    monospace: true,
    rows: 3,
    getValue: () => {
      const script = findExtension(bo, scriptType);
      return script ? script.get("value") || "" : "";
    },
    setValue: (value) => {
      const existing = findExtension(bo, scriptType);
      if (!value) {
        run(commandStack, existing ? removeExtension(element, existing) : []);
        return;
      }
      const { found, commands } = ensureExtension(element, scriptType, bpmnFactory);
      run(commandStack, [...commands, updateCommand(element, found, { value })]);
    },
  });
}

/** The entries of the product group for ``element`` (none for elements they do not apply to). */
export function taskEntries(element, data, is) {
  const entries = [];
  if (is(element, "bpmn:Lane")) {
    entries.push({ id: "product-lane-group", component: LaneGroupEntry, isEdited: isSelectEntryEdited });
  }
  if (is(element, "bpmn:UserTask")) {
    entries.push({ id: "product-form", component: FormEntry, isEdited: isSelectEntryEdited });
    entries.push({ id: "product-candidate-groups", component: CandidateGroupsText, isEdited: isTextFieldEntryEdited });
    entries.push({ id: "product-assignee", component: AssigneeEntry, isEdited: isTextFieldEntryEdited });
  }
  if (is(element, "bpmn:Activity")) {
    for (const [scriptType, key] of [
      ["spiffworkflow:PreScript", "pre_script"],
      ["spiffworkflow:PostScript", "post_script"],
    ]) {
      entries.push({
        id: `product-${key}`,
        component: ScriptEntry,
        scriptType,
        label: data.labels[key],
        isEdited: isTextAreaEntryEdited,
      });
    }
  }
  return entries;
}

/** A user task's candidate groups as one checkbox per real group (their own panel group). */
export function candidateGroupEntries(element, data, is) {
  if (!is(element, "bpmn:UserTask") || !(data.groups && data.groups.length)) {
    return [];
  }
  return data.groups.map((group) => ({
    id: `product-candidate-group-${group.name}`,
    component: CandidateGroupCheckbox,
    group,
    isEdited: isCheckboxEntryEdited,
  }));
}
