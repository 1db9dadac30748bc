// wxformat preview page: renders through the server (the same function as `convert`),
// live-reloads on save, switches theme and colour, copies the exact HTML for WeChat.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const state = { html: "", title: "", theme: config.theme, color: "", dark: false, asWechat: false };

for (const t of config.themes) {
  const option = new Option(`${t.title_zh} ${t.title}`, t.name);
  $("theme").add(option);
}
$("theme").value = config.theme || "default";
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
  document.body.dataset.version = String(data.version);
  $("warnings").replaceChildren(...data.warnings.map((w) => Object.assign(document.createElement("li"), { textContent: w })));
  $("warning-count").textContent = data.warnings.length ? `(${data.warnings.length})` : "";
  status(`已更新 Updated ${new Date().toLocaleTimeString()}`);
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
