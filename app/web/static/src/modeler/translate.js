// The modeler's own words (palette, context pad, properties panel) in the page's language: the
// server sends the translations it has ({english: translated}); anything else stays English.

function translator(words) {
  return function translate(template, replacements = {}) {
    const text = Object.prototype.hasOwnProperty.call(words, template) ? words[template] : template;
    return text.replace(/{([^}]+)}/g, (whole, key) => (key in replacements ? replacements[key] : whole));
  };
}

export function translateModule(words) {
  return { translate: ["value", translator(words)] };
}
