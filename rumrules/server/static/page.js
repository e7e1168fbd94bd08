// rumrules serve: the overview page. Plain DOM and SVG, no build step.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function time(ms) {
  return ms == null ? "" : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

const WINDOW_MINUTES = 30;

function chart(points) {
  // the last WINDOW_MINUTES minutes up to the latest data point, one bar per minute: the sum
  // of the data points' values (their count and the minute in the bar's title)
  const width = 600, height = 90, pad = 14, axis = 12;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  if (!points.length) return svg;
  const last = points[points.length - 1][0];
  const first = last - (WINDOW_MINUTES - 1) * 60000;
  const shown = points.filter(p => p[0] >= first);
  const top = Math.max(...shown.map(p => p[2]), 1);
  const slot = (width - 2 * pad) / WINDOW_MINUTES;
  const text = (x, y, value, anchor) => {
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", x); t.setAttribute("y", y);
    if (anchor) t.setAttribute("text-anchor", anchor);
    t.textContent = value;
    svg.append(t);
  };
  for (const [minute, count, sum] of shown) {
    const x = pad + ((minute - first) / 60000) * slot;
    const h = Math.max(1, (sum / top) * (height - pad - axis));
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", x + 1); rect.setAttribute("width", Math.max(1, slot - 2));
    rect.setAttribute("y", height - axis - h); rect.setAttribute("height", h);
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${time(minute)}: ${count} data points, sum ${sum}`;
    rect.append(title);
    svg.append(rect);
  }
  text(2, 10, `max ${top} / minute`);
  text(pad, height - 1, time(first).slice(11, 16));
  text(width - pad, height - 1, time(last).slice(11, 16) + " UTC", "end");
  return svg;
}

function definition(d) {
  const total = d.points.reduce((a, p) => a + p[1], 0);
  const state = total ? el("span", {class: "fired"}, `fired: ${total} data point${total === 1 ? "" : "s"}`)
                      : el("span", {class: "silent"}, "no data points yet");
  const box = el("div", {class: "definition", "data-name": d.name},
    el("h3", {}, `${d.name} `, el("span", {class: "muted"}, `${d.namespace} → ${d.destination}`), " ", state));
  if (d.eventPattern) box.append(el("code", {}, d.eventPattern));
  const dims = Object.entries(d.dimensions).map(([k, v]) => `${v} = ${k}`).join(", ");
  if (dims) box.append(el("div", {class: "muted"}, `dimensions: ${dims}`));
  box.append(chart(d.points));
  return box;
}

function monitor(m) {
  const rows = m.recent.map(e => el("tr", {}, el("td", {}, time(e.timestamp)),
    el("td", {}, (e.type || "").replace("com.amazon.rum.", "")), el("td", {}, e.page || "")));
  const events = el("table", {}, el("tr", {}, el("th", {}, "time (UTC)"), el("th", {}, "event type"), el("th", {}, "page")), ...rows);
  const defs = m.definitions.length ? m.definitions.map(definition)
                                    : [el("p", {class: "muted"}, "No metric definitions.")];
  return el("section", {class: "monitor", "data-monitor": m.name},
    el("h2", {}, m.name),
    el("div", {class: "muted"}, `id ${m.id} · domains ${m.domains.join(", ")} · ${m.events} events stored`),
    el("div", {class: "grid"},
      el("div", {}, el("h4", {}, "Latest events"), events),
      el("div", {}, el("h4", {}, "Metric definitions"), ...defs)));
}

async function refresh() {
  const main = document.getElementById("monitors");
  try {
    const response = await fetch("/_rumrules/overview", {cache: "no-store"});
    const data = await response.json();
    main.replaceChildren(...(data.appMonitors.length ? data.appMonitors.map(monitor)
      : [el("p", {class: "muted"}, "No app monitors yet: create one with boto3 (create_app_monitor).")]));
    document.getElementById("updated").textContent = `Updated ${time(Date.now())} UTC.`;
    document.body.dataset.loaded = "true";
  } catch (e) {
    main.replaceChildren(el("p", {}, `Cannot read the overview: ${e}`));
  }
}

refresh();
setInterval(refresh, 5000);
