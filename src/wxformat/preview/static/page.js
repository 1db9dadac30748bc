// wxformat preview page: renders through the server (the same function as `convert`),
// live-reloads on save, switches theme and colour, copies the exact HTML for WeChat.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const state = { html: "", title: "", theme: config.theme, color: "", codeTheme: "", fontSize: "", dark: false, asWechat: false };

for (const t of config.themes) {
  const option = new Option(`${t.title_zh} ${t.title}`, t.name);
  $("theme").add(option);
}
$("theme").value = config.theme || "default";
for (const name of config.code_themes) $("code-theme").add(new Option(name, name));
for (const size of config.font_sizes) $("font-size").add(new Option(size, size));
$("file").textContent = config.file;
if (config.account) $("account").textContent = config.account;
$("date").textContent = new Date().toISOString().slice(0, 10);

function status(text, bad = false) {
  $("status").textContent = text;
  $("status").classList.toggle("bad", bad);
}

async function load() {
  const params = new URLSearchParams();
  if (state.theme) params.set("theme", state.theme);
  if (state.color) params.set("color", state.color);
  if (state.codeTheme) params.set("code_theme", state.codeTheme);
  if (state.fontSize) params.set("font_size", state.fontSize);
  if (state.asWechat) params.set("wechat", "1");
  let data;
  try {
    const response = await fetch(`/__wx/render?${params}`, { cache: "no-store" });
    data = await response.json();
  } catch (err) {
    status("服务已停止 Server stopped", true);
    return;
  }
  if (!data.ok) {
    // keep the last good render on screen, and say what went wrong above it
    $("error").hidden = false;
    $("error").textContent = data.error;
    status("渲染出错 Render error", true);
    return;
  }
  $("error").hidden = true;
  state.html = data.html;
  state.title = data.title;
  $("title").textContent = data.title;
  document.title = `${data.title} · wxformat`;
  $("article").innerHTML = data.shown;
  document.body.dataset.theme = data.theme;
  showStyle(data);
  document.body.dataset.version = String(data.version);
  if (state.dark) darken($("article"));
  $("warnings").replaceChildren(...data.warnings.map((w) => Object.assign(document.createElement("li"), { textContent: w })));
  $("warning-count").textContent = data.warnings.length ? `(${data.warnings.length})` : "";
  status(`已更新 Updated ${new Date().toLocaleTimeString()}`);
}

// The controls show what the article is drawn in: the theme's own colour (after a reset
// too), its code theme and font size, whatever wxformat.toml or the front matter chose.
function showStyle(data) {
  const rgb = data.primary && parseColor(data.primary);
  if (rgb) $("color").value = "#" + rgb.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  $("color").title = data.primary || "";
  for (const [id, value] of [["code-theme", data.code_theme], ["font-size", data.font_size]]) {
    if (!value) continue;
    const select = $(id);
    if (![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
    select.value = value;
  }
}

// --- WeChat dark mode, approximated (rule W21): colours in inline styles are rewritten
// against a #191919 page; light backgrounds go dark, dark text goes light; SVG follows text.
function parseColor(value) {
  const probe = document.createElement("span");
  probe.style.color = value;
  document.body.appendChild(probe);
  const rgb = getComputedStyle(probe).color.match(/[\d.]+/g);
  probe.remove();
  if (!rgb) return null;
  return rgb.map(Number);
}
function toHsl([r, g, b]) {
  r /= 255; g /= 255; b /= 255;
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  let h = 0, s = 0; const l = (max + min) / 2;
  if (max !== min) {
    const d = max - min;
    s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
    h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
    h /= 6;
  }
  return [h * 360, s * 100, l * 100];
}
const hsl = (h, s, l, a = 1) => `hsla(${h.toFixed(0)}, ${s.toFixed(0)}%, ${l.toFixed(0)}%, ${a})`;
function darken(root) {
  root.style.color = "rgba(255, 255, 255, 0.8)";
  for (const el of [root, ...root.querySelectorAll("*")]) {
    if (el.closest("svg") && el.tagName !== "svg") continue;
    const st = el.style;
    for (const prop of ["background-color", "border-color", "border-left-color", "border-bottom-color", "border-top-color"]) {
      const value = st.getPropertyValue(prop);
      const c = value && parseColor(value);
      if (!c) continue;
      const [h, s, l] = toHsl(c);
      const alpha = c.length > 3 ? c[3] : 1;
      st.setProperty(prop, prop === "background-color" ? hsl(h, s * 0.6, l > 50 ? 10 + (100 - l) * 0.25 : l, alpha) : hsl(h, s, l > 50 ? 100 - l * 0.7 : l, alpha));
    }
    const color = st.getPropertyValue("color");
    const c = color && parseColor(color);
    if (c) {
      const [h, s, l] = toHsl(c);
      if (l < 55) st.setProperty("color", hsl(h, s, Math.max(60, 100 - l * 0.6)));
    }
  }
}

async function copy() {
  const html = state.html;
  const plain = $("article").innerText;
  try {
    await navigator.clipboard.write([
      new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" }),
      }),
    ]);
  } catch (err) {
    // older browsers, or no permission: the copy event carries both types
    const put = (event) => {
      event.clipboardData.setData("text/html", html);
      event.clipboardData.setData("text/plain", plain);
      event.preventDefault();
    };
    document.addEventListener("copy", put, { once: true });
    if (!document.execCommand("copy")) {
      status("复制失败 Copy failed: select the article and press Ctrl+C", true);
      return;
    }
  }
  status("已复制，去公众号编辑器粘贴 Copied: paste into the WeChat editor");
}

$("theme").addEventListener("change", (e) => { state.theme = e.target.value; load(); });
$("color").addEventListener("input", (e) => { state.color = e.target.value; load(); });
$("reset-color").addEventListener("click", () => { state.color = ""; load(); });
$("code-theme").addEventListener("change", (e) => { state.codeTheme = e.target.value; load(); });
$("font-size").addEventListener("change", (e) => { state.fontSize = e.target.value; load(); });
$("dark").addEventListener("change", (e) => {
  state.dark = e.target.checked;
  document.body.classList.toggle("dark", state.dark);
  load();
});
$("copy").addEventListener("click", copy);
$("as-wechat").addEventListener("change", (e) => { state.asWechat = e.target.checked; load(); });

const events = new EventSource("/__wx/events");
events.addEventListener("change", load);
events.onerror = () => status("重新连接中 Reconnecting…", true);
events.addEventListener("hello", () => status("已连接 Connected"));
load();
