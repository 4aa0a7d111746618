// The operators' page over /operations. Everything shown is set as text, never as HTML:
// message content is data from outside.
const api = "/operations/";
const changeHeaders = { "X-Bryggan-Console": "1" };

async function call(method, path) {
  return (await callWithHeaders(method, path)).body;
}

async function callWithHeaders(method, path) {
  const response = await fetch(api + path, {
    method, credentials: "same-origin", headers: method === "GET" ? {} : changeHeaders });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(body.error || response.statusText), { status: response.status });
  }
  return { body, headers: response.headers };
}

// 290 kommuner, their units and escalation queues: the queue list is searched and paged, not shown whole
const pageSize = 25;
let queueOffset = 0;

async function queues() {
  const search = document.getElementById("queue-search").value.trim();
  const query = new URLSearchParams({ offset: String(queueOffset), limit: String(pageSize) });
  if (search) {
    query.set("search", search);
  }
  const answer = await callWithHeaders("GET", "queues?" + query);
  const total = Number(answer.headers.get("X-Total-Count") || answer.body.length);
  fill("queues", answer.body, ["queue", "name", "depth", q => q.oldestAgeMillis == null ? "" : Math.round(q.oldestAgeMillis / 1000)]);
  document.getElementById("queues-page").textContent = total === 0 ? "inga träffar"
      : (queueOffset + 1) + "–" + (queueOffset + answer.body.length) + " av " + total;
  document.getElementById("queues-prev").disabled = queueOffset === 0;
  document.getElementById("queues-next").disabled = queueOffset + pageSize >= total;
}

const attentionKinds = {
  "dead-letters": "Döda meddelanden",
  "escalation": "Eskalering väntar hos kommunen",
  "overdue-follow-up": "Uppföljning förfallen",
  "old-messages": "Gamla meddelanden",
  "refusals": "Avvisade senaste timmen"
};

async function attention() {
  const items = await call("GET", "attention");
  fill("attention", items, [
    a => attentionKinds[a.kind] || a.kind,
    a => a.queue || a.code || a.messageId || "",
    a => a.name || a.recipient || "",
    a => a.count == null ? "" : a.count,
    a => a.oldestAgeMillis != null ? Math.round(a.oldestAgeMillis / 1000)
        : a.since != null ? new Date(Number(a.since)).toISOString() : a.due != null ? new Date(Number(a.due)).toISOString() : ""]);
  document.querySelector("#attention tbody").querySelectorAll("tr").forEach((row, i) => row.dataset.kind = items[i].kind);
  document.getElementById("all-clear").hidden = items.length > 0;
}

// the last hour as a small chart: one point a minute of what waits for its recipients, dead letters and open clocks
const svgNs = "http://www.w3.org/2000/svg";
const historySeries = [["waiting", "#1f5fa8", "väntar hos mottagarna"], ["deadLetters", "#a00000", "döda meddelanden"],
  ["followUps", "#2e7d32", "öppna uppföljningar"]];

function svgText(svg, x, y, text) {
  const label = document.createElementNS(svgNs, "text");
  label.setAttribute("x", x);
  label.setAttribute("y", y);
  label.setAttribute("font-size", "11");
  label.textContent = text;
  svg.appendChild(label);
}

async function history() {
  const points = await call("GET", "history");
  const svg = document.getElementById("history");
  svg.replaceChildren();
  const width = 640, height = 170, left = 40, bottom = 150, top = 10;
  const now = Date.now(), hourAgo = now - 3600000;
  const max = Math.max(1, ...points.flatMap(p => historySeries.map(([key]) => p[key])));
  const x = at => left + (width - left - 10) * Math.max(0, (Date.parse(at) - hourAgo)) / 3600000;
  const y = value => bottom - (bottom - top) * value / max;
  const axis = document.createElementNS(svgNs, "polyline");
  axis.setAttribute("points", left + "," + top + " " + left + "," + bottom + " " + (width - 10) + "," + bottom);
  axis.setAttribute("fill", "none");
  axis.setAttribute("stroke", "#999");
  svg.appendChild(axis);
  svgText(svg, 2, top + 8, String(max));
  svgText(svg, 2, bottom, "0");
  svgText(svg, left, height - 4, "för en timme sedan");
  svgText(svg, width - 40, height - 4, "nu");
  for (const [key, colour, label] of historySeries) {
    const line = document.createElementNS(svgNs, "polyline");
    line.setAttribute("points", points.map(p => x(p.at).toFixed(1) + "," + y(p[key]).toFixed(1)).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", colour);
    line.setAttribute("stroke-width", "2");
    line.dataset.series = key;
    const title = document.createElementNS(svgNs, "title");
    title.textContent = label;
    line.appendChild(title);
    svg.appendChild(line);
  }
  const latest = points[points.length - 1];
  document.getElementById("history-legend").textContent = latest == null ? "Inga mätpunkter ännu."
      : historySeries.map(([key, colour, label]) => label + " " + latest[key]).join(" · ")
        + " (blå, röd, grön; en punkt i minuten, senast " + latest.at + ")";
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  row.appendChild(td);
  return td;
}

function fill(tableId, items, columns) {
  const body = document.querySelector("#" + tableId + " tbody");
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    for (const column of columns) {
      cell(row, typeof column === "function" ? column(item) : item[column]);
    }
    body.appendChild(row);
    if (tableId === "dead-letters") {
      actions(row, item);
    }
  }
}

function actions(row, item) {
  const td = document.createElement("td");
  for (const [label, act] of [["Visa", show], ["Försök igen", retry], ["Kasta", discard]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.dataset.action = label;
    button.dataset.messageId = item.messageId;
    button.addEventListener("click", () => act(item).catch(report));
    td.appendChild(button);
  }
  row.appendChild(td);
}

function status(text) {
  document.getElementById("status").textContent = text;
}

function report(error) {
  status("Fel: " + error.message);
}

function reason() {
  const text = document.getElementById("reason").value.trim();
  if (!text) {
    throw new Error("ange ett skäl");
  }
  return encodeURIComponent(text);
}

async function show(item) {
  const shown = await call("GET", "dead-letters/" + encodeURIComponent(item.queue) + "/" + encodeURIComponent(item.messageId));
  const pre = document.getElementById("message");
  pre.textContent = shown.body;
  pre.hidden = false;
}

async function retry(item) {
  await call("POST", "dead-letters/" + encodeURIComponent(item.queue) + "/" + encodeURIComponent(item.messageId) + "/retry?reason=" + reason());
  status("Skickat igen: " + item.messageId);
  await refresh();
}

async function discard(item) {
  await call("DELETE", "dead-letters/" + encodeURIComponent(item.queue) + "/" + encodeURIComponent(item.messageId) + "?reason=" + reason());
  status("Kastat: " + item.messageId);
  await refresh();
}

async function retryAll() {
  const queue = document.getElementById("filter-queue").value.trim();
  if (!queue) {
    throw new Error("välj en kö (DLQ.…)");
  }
  const query = new URLSearchParams();
  for (const [id, key] of [["filter-type", "type"], ["filter-sender", "sender"]]) {
    const value = document.getElementById(id).value.trim();
    if (value) {
      query.set(key, value);
    }
  }
  const done = await call("POST", "dead-letters/" + encodeURIComponent(queue) + "/retry?reason=" + reason() + "&" + query);
  status("Skickade igen: " + done.retried.length);
  await refresh();
}

function filters() {
  const query = new URLSearchParams();
  for (const [id, key] of [["filter-queue", "queue"], ["filter-type", "type"], ["filter-sender", "sender"], ["filter-age", "olderThanMinutes"]]) {
    const value = document.getElementById(id).value.trim();
    if (value) {
      query.set(key, value);
    }
  }
  return query.toString();
}

async function refresh() {
  await attention();
  await history();
  await queues();
  fill("dead-letters", await call("GET", "dead-letters?" + filters()),
      ["messageId", "type", "sender", "originalAddress", "queue", d => new Date(Number(d.sentAt)).toISOString(), "attempts",
       "reason", d => d.deadLetteredAt == null ? "" : new Date(Number(d.deadLetteredAt)).toISOString()]);
  fill("escalations", await call("GET", "escalations"), ["messageId", "recipient", "queue",
      e => e.since == null ? "" : new Date(Number(e.since)).toISOString()]);
  fill("follow-ups", await call("GET", "follow-ups"), ["messageId", "type", "recipient", f => f.due == null ? "" : new Date(Number(f.due)).toISOString()]);
  fill("providers", await call("GET", "providers"), ["organisationsnummer", p => p.name || "(inte ansluten)", p => p.permit || "",
      "status", p => p.graceEnds || "", p => p.revocation || ""]);
}

async function start() {
  document.getElementById("failed").hidden = !location.search.includes("failed");
  document.getElementById("locked").hidden = !location.search.includes("locked");
  try {
    await refresh();
  } catch (error) {
    if (error.status === 403) {
      document.getElementById("signin").hidden = false;
      return;
    }
    throw error;
  }
  document.getElementById("console").hidden = false;
  document.getElementById("logout").hidden = false;
  document.getElementById("refresh").addEventListener("click", () => refresh().catch(report));
  document.getElementById("retry-all").addEventListener("click", () => retryAll().catch(report));
  document.getElementById("filters").addEventListener("submit", event => { event.preventDefault(); refresh().catch(report); });
  document.getElementById("queue-search-form").addEventListener("submit", event => {
    event.preventDefault();
    queueOffset = 0;
    queues().catch(report);
  });
  document.getElementById("queues-prev").addEventListener("click", () => {
    queueOffset = Math.max(0, queueOffset - pageSize);
    queues().catch(report);
  });
  document.getElementById("queues-next").addEventListener("click", () => {
    queueOffset += pageSize;
    queues().catch(report);
  });
  status("Inloggad.");
}

start().catch(report);
