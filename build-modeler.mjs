// Bundles the analyst's modeler (app/web/static/src/modeler/index.js) for the browser with esbuild.
// Our pages forbid inline styles (CSP style-src 'self'), so the few HTML strings of the libraries
// that carry a style attribute are rewritten while bundling: SVG icons get presentation attributes
// instead (same look), the properties panel's container gets its height from our CSS.
// Usage: node build-modeler.mjs <outfile>
import { readFile } from "node:fs/promises";
import * as esbuild from "esbuild";

const SVG_STYLE = /style="([^"]*)"/g;

/** style="fill:none;stroke:currentColor" -> fill="none" stroke="currentColor" */
function presentationAttributes(source) {
  return source.replace(SVG_STYLE, (_, declarations) =>
    declarations
      .split(";")
      .map((declaration) => declaration.split(":").map((part) => part.trim()))
      .filter(([name, value]) => name && value)
      .map(([name, value]) => `${name}="${value}"`)
      .join(" "),
  );
}

const withoutInlineStyles = {
  name: "without-inline-styles",
  setup(build) {
    build.onLoad({ filter: /(AlignElementsIcons|DistributeElementsIcons)\.js$/ }, async (args) => ({
      contents: presentationAttributes(await readFile(args.path, "utf8")),
      loader: "js",
    }));
    build.onLoad({ filter: /bpmn-js-properties-panel[\\/]dist[\\/]index\.esm\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const container = '<div style="height: 100%" tabindex="-1" class="bio-properties-panel-container">';
      if (!source.includes(container)) {
        throw new Error("bpmn-js-properties-panel changed its container markup: review build-modeler.mjs");
      }
      return { contents: source.replace(container, '<div tabindex="-1" class="bio-properties-panel-container">'), loader: "js" };
    });
  },
};

await esbuild.build({
  entryPoints: ["app/web/static/src/modeler/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  logLevel: "warning",
  outfile: process.argv[2],
  plugins: [withoutInlineStyles],
});
