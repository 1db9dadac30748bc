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
  // dark mode as WeChat draws it: the server recolours with the port of its algorithm (W21)
  if (state.dark) params.set("dark", "1");
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

// a CSS colour as [r, g, b(, a)], as the browser reads it
function parseColor(value) {
  const probe = document.createElement("span");
  probe.style.color = value;
  document.body.appendChild(probe);
  const rgb = getComputedStyle(probe).color.match(/[\d.]+/g);
  probe.remove();
  if (!rgb) return null;
  return rgb.map(Number);
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
