// felhom hub dashboard: live rows (and the incidents table) from the hub's stream. Same origin, no
// framework, no inline script (the page's CSP forbids it). Without
// JavaScript the page refreshes itself every 60 s instead.
(function () {
  "use strict";
  // The incidents page: on news from the stream, its table is fetched
  // again (at most every 2 s) and swapped in.
  var incidents = document.querySelector("table[data-incidents]");
  if (incidents && window.EventSource && window.fetch && window.DOMParser) {
    var pending = false;
    var refresh = function () {
      if (pending) return;
      pending = true;
      setTimeout(function () {
        fetch(window.location.href, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (text) {
            pending = false;
            if (!text) return;
            var doc = new DOMParser().parseFromString(text, "text/html");
            var fresh = doc.querySelector("table[data-incidents] tbody");
            if (fresh) incidents.replaceChild(document.adoptNode(fresh), incidents.tBodies[0]);
          })
          .catch(function () { pending = false; });
      }, 2000);
    };
    var feed = new EventSource("/ui/stream?after=" + encodeURIComponent(incidents.dataset.stream || "0"));
    ["row", "event", "reset"].forEach(function (t) { feed.addEventListener(t, refresh); });
    document.documentElement.dataset.live = "on";
  }
  var table = document.querySelector("table[data-live]");
  if (!table || !window.EventSource) return;
  var body = table.tBodies[0];
  var showBlocked = table.dataset.live === "all";

  // Seconds since the page was drawn; a row's age is its `data-base` plus this.
  var loaded = Date.now();
  function elapsed() { return Math.floor((Date.now() - loaded) / 1000); }
  function age(s) {
    if (s === null || s === undefined || s === "") return "never";
    s = Number(s);
    if (s < 60) return Math.max(0, s) + "s";
    if (s < 3600) return Math.floor(s / 60) + "m";
    if (s < 86400) return Math.floor(s / 3600) + "h";
    return Math.floor(s / 86400) + "d";
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function badge(td, status) {
    var b = document.createElement("span");
    b.className = "badge b-" + status;
    b.textContent = status.toUpperCase();
    td.appendChild(b);
  }
  function build(r) {
    var tr = document.createElement("tr");
    tr.dataset.id = r.customer_id;
    badge(cell(tr, ""), r.status);
    var link = document.createElement("a");
    link.href = "/customers/" + encodeURIComponent(r.customer_id);
    link.textContent = r.customer_id;
    cell(tr, "").appendChild(link);
    cell(tr, r.display_name || "");
    cell(tr, r.health || "-");
    var a = cell(tr, age(r.last_report_age_secs));
    if (r.last_report_age_secs !== null) a.dataset.base = r.last_report_age_secs - elapsed();
    cell(tr, (r.controller_version || "-") + (r.update_available ? " ↑" : ""));
    var c = cell(tr, "");
    if (r.errors_24h) { var e = document.createElement("span"); e.className = "count-e"; e.textContent = r.errors_24h + " err"; c.appendChild(e); }
    if (r.warnings_24h) { var w = document.createElement("span"); w.className = "count-w"; w.textContent = " " + r.warnings_24h + " warn"; c.appendChild(w); }
    cell(tr, r.reason || "");
    cell(tr, r.hostname || "");
    return tr;
  }
  function find(id) {
    for (var i = 0; i < body.rows.length; i++) if (body.rows[i].dataset.id === id) return body.rows[i];
    return null;
  }
  var es = new EventSource("/ui/stream?after=" + encodeURIComponent(table.dataset.stream || "0"));
  es.addEventListener("row", function (ev) {
    var r = JSON.parse(ev.data).row;
    var old = find(r.customer_id);
    if (r.status === "blocked" && !showBlocked) { if (old) old.remove(); return; }
    var tr = build(r);
    if (old) { body.replaceChild(tr, old); } else { body.appendChild(tr); }
    tr.classList.add("changed");
  });
  es.addEventListener("removed", function (ev) {
    var old = find(JSON.parse(ev.data).customer_id);
    if (old) old.remove();
  });
  es.addEventListener("reset", function () { window.location.reload(); });
  // Ages count up on their own; every 10 s is enough for minutes and
  // hours, and keeps a phone with 10,000 rows idle.
  setInterval(function () {
    var now = elapsed();
    var cells = body.querySelectorAll("td[data-base]");
    for (var i = 0; i < cells.length; i++) {
      var text = age(Number(cells[i].dataset.base) + now);
      if (cells[i].textContent !== text) cells[i].textContent = text;
    }
  }, 10000);
  document.documentElement.dataset.live = "on";
})();
