// wxformat's Mermaid renderer: draws diagrams with the real Mermaid in headless Chromium and
// returns each as a PNG (WeChat keeps neither Mermaid's SVG <style> nor its foreignObject
// labels). Run by wxformat with Node.js, from the folder `wxformat setup mermaid` installed
// mermaid and playwright-core into (both from npm).
//
// stdin:  {"chromium": path, "mermaid": path of mermaid.min.js, "scale": 2,
//          "font": CSS font-family, "background": CSS colour, "diagrams": [source, ...]}
// stdout: {"results": [{"png": base64} | {"error": "one line"}, ...]}
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(join(process.cwd(), "render.cjs"));
const { chromium } = require("playwright-core");

const input = JSON.parse(readFileSync(0, "utf8"));
const browser = await chromium.launch({
  executablePath: input.chromium,
  // no network, nothing beyond drawing: the page loads only what is handed to it
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const results = [];
try {
  const page = await browser.newPage({
    deviceScaleFactor: input.scale,
    viewport: { width: 1600, height: 1200 },
  });
  // the page is written here and Mermaid handed in: a diagram may not fetch anything
  await page.route("**/*", (route) => route.abort());
  // an opaque light card with a margin: readable on WeChat's white and dark backgrounds alike
  await page.setContent(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
      html, body { margin: 0; background: ${input.background}; }
      #card { display: inline-block; padding: 16px; background: ${input.background}; }
      #card svg { display: block; }
    </style></head><body><div id="card"></div></body></html>`,
  );
  await page.addScriptTag({ content: readFileSync(input.mermaid, "utf8") });
  await page.evaluate((font) => {
    globalThis.mermaid.initialize({
      startOnLoad: false,
      theme: "default",
      securityLevel: "strict",
      fontFamily: font,
      themeVariables: { fontFamily: font },
    });
  }, input.font);
  for (const [index, source] of input.diagrams.entries()) {
    try {
      await page.evaluate(
        async ({ source, index }) => {
          const card = document.getElementById("card");
          card.innerHTML = "";
          const { svg } = await globalThis.mermaid.render(`wx-diagram-${index}`, source);
          card.innerHTML = svg;
          // drawn at its natural size, not squeezed to the page
          const drawing = card.querySelector("svg");
          const natural = parseFloat(drawing.style.maxWidth);
          if (natural) {
            drawing.setAttribute("width", String(natural));
            drawing.style.maxWidth = "none";
          }
        },
        { source, index },
      );
      const png = await page.locator("#card").screenshot({ type: "png" });
      results.push({ png: png.toString("base64") });
    } catch (error) {
      const message = String((error && error.message) || error).replace(/^page\.evaluate: (Error: )?/, "");
      // Mermaid's parse errors: "Parse error on line N:", the line, a caret, "Expecting ..."
      const lines = message
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("at "));
      const last = lines.length > 1 ? ` ${lines[lines.length - 1]}` : "";
      results.push({ error: `${lines[0] || "Mermaid could not draw it"}${last}`.slice(0, 300) });
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ results }));
