// felhom hub dashboard: the lists' search, status filters and sorting,
// and live rows (and the incidents table) from the hub's stream. Same
// origin, no framework, no inline script (the page's CSP forbids it).
// Without JavaScript the pages refresh themselves every 60 s instead.
(function () {
  "use strict";
  var baseTitle = document.title;

  // Copy buttons beside the secrets shown once and the status links.
  // The clipboard API needs a secure origin; elsewhere (a hub on plain
  // HTTP behind a VPN) the old selection copy does it.
  function copyBySelection(text) {
    var t = document.createElement("textarea");
    t.value = text;
    t.setAttribute("readonly", "");
    t.style.position = "fixed";
    t.style.opacity = "0";
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(t);
    return ok;
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (b) {
    b.addEventListener("click", function () {
      var done = function () { b.textContent = "Copied"; };
      var failed = function () { b.textContent = "Select and copy it"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(b.dataset.copy).then(done, function () {
          (copyBySelection(b.dataset.copy) ? done : failed)();
        });
      } else {
        (copyBySelection(b.dataset.copy) ? done : failed)();
      }
    });
  });

  // "connection lost — showing data from 14:05:09": shown while the
  // stream is down, or silent for longer than two and a half of the hub's
  // pings (a stopped hub or a dead network sends no error); `onChange(lost)`
  // freezes what counts on its own. `open()` makes a new EventSource that
  // resumes after the last message seen.
  function watch(open, onChange) {
    var banner = document.getElementById("lost");
    var limit = 2500 * Number((banner && banner.dataset.keepalive) || 15);
    var lost = false;
    var seen = Date.now();
    var es;
    function hhmmss(d) {
      return [d.getHours(), d.getMinutes(), d.getSeconds()]
        .map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
    }
    function down() {
      if (!lost) {
        lost = true;
        document.documentElement.dataset.live = "lost";
        if (banner) {
          banner.textContent = "connection lost — showing data from " + hhmmss(new Date(seen)) + "; reconnecting…";
          banner.hidden = false;
        }
        if (onChange) onChange(true, seen);
      }
      // The browser retries on its own unless the hub answered with an
      // error or the stream was given up as silent.
      if (es.readyState === 2) setTimeout(connect, 3000);
    }
    function alive() {
      seen = Date.now();
      if (!lost) return;
      lost = false;
      document.documentElement.dataset.live = "on";
      if (banner) banner.hidden = true;
      if (onChange) onChange(false);
    }
    function connect() {
      es = open();
      seen = Date.now();
      ["open", "ping", "row", "event", "removed"].forEach(function (t) { es.addEventListener(t, alive); });
      es.addEventListener("error", down);
    }
    connect();
    setInterval(function () {
      if (es.readyState !== 2 && Date.now() - seen > limit) { es.close(); down(); }
    }, 1000);
    document.documentElement.dataset.live = "on";
  }

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
    watch(function () {
      var feed = new EventSource("/ui/stream?after=" + encodeURIComponent(incidents.dataset.stream || "0"));
      ["row", "event", "reset"].forEach(function (t) { feed.addEventListener(t, refresh); });
      return feed;
    });
  }

  var table = document.querySelector("table[data-list]");
  if (!table) return;
  var body = table.tBodies[0];

  // The statuses in the badges' order, which is also the rows' default
  // order (most urgent first).
  var rank = {};
  var badges = document.querySelectorAll("[data-badge]");
  var counts = {};
  var badgeOf = {};
  for (var i = 0; i < badges.length; i++) {
    var s = badges[i].dataset.badge;
    rank[s] = i;
    badgeOf[s] = badges[i];
    counts[s] = Number(badges[i].dataset.count || 0);
  }
  function showCounts() {
    for (var s in badgeOf) badgeOf[s].textContent = s.toUpperCase() + " " + counts[s];
    var down = counts.down || 0;
    document.title = (down ? "(" + down + " down) " : "") + baseTitle;
  }

  // Sorting: by status then id unless a column header was clicked.
  var heads = table.tHead.rows[0].cells;
  var sortCol = -1;
  var sortDir = 1;
  function keyOf(tr) {
    if (sortCol < 0) return [rank[tr.dataset.status] || 0, tr.dataset.id];
    var td = tr.cells[sortCol];
    var kind = heads[sortCol].dataset.sort;
    if (kind === "num") return [td && td.dataset.n !== undefined ? Number(td.dataset.n) : Infinity, tr.dataset.id];
    if (kind === "age") return [td && td.dataset.base !== undefined ? -Number(td.dataset.base) : -Infinity, tr.dataset.id];
    if (kind === "status") return [rank[tr.dataset.status] || 0, tr.dataset.id];
    return [td ? td.textContent.toLowerCase() : "", tr.dataset.id];
  }
  function cmp(a, b) {
    var d = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    if (d) return d * sortDir;
    return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  }
  // Puts `tr` (not in the table) at its sorted place: a binary search.
  function place(tr) {
    var k = keyOf(tr);
    var lo = 0;
    var hi = body.rows.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(keyOf(body.rows[mid]), k) <= 0) lo = mid + 1; else hi = mid;
    }
    body.insertBefore(tr, body.rows[lo] || null);
  }
  function resort() {
    var all = Array.prototype.slice.call(body.rows);
    var keyed = all.map(function (tr) { return [keyOf(tr), tr]; });
    keyed.sort(function (a, b) { return cmp(a[0], b[0]); });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (x) { frag.appendChild(x[1]); });
    body.appendChild(frag);
    for (var i = 0; i < heads.length; i++) {
      heads[i].setAttribute("aria-sort", i === sortCol ? (sortDir > 0 ? "ascending" : "descending") : "none");
    }
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    if (!th.dataset.sort) return;
    th.tabIndex = 0;
    var pick = function () {
      if (sortCol === i) sortDir = -sortDir; else { sortCol = i; sortDir = 1; }
      resort();
    };
    th.addEventListener("click", pick);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") pick(); });
  });

  // Search (any column) and the status filters the badges toggle.
  var search = document.getElementById("search");
  var query = "";
  var only = {};
  var filtering = false;
  function textOf(tr) {
    if (tr._text === undefined) tr._text = tr.textContent.toLowerCase();
    return tr._text;
  }
  function shows(tr) {
    if (filtering && !only[tr.dataset.status]) return false;
    return !query || textOf(tr).indexOf(query) >= 0;
  }
  function applyFilter() {
    var rows = body.rows;
    for (var i = 0; i < rows.length; i++) {
      var hide = !shows(rows[i]);
      if (rows[i].hidden !== hide) rows[i].hidden = hide;
    }
  }
  // The text of every row is read ahead, a thousand rows at a time while
  // the page is idle, so the first search does not pay for it.
  (function index(from) {
    var rows = body.rows;
    var to = Math.min(rows.length, from + 1000);
    for (var i = from; i < to; i++) textOf(rows[i]);
    if (to < rows.length) setTimeout(function () { index(to); }, 0);
  })(0);
  if (search) {
    search.hidden = false;
    search.addEventListener("input", function () {
      query = search.value.trim().toLowerCase();
      applyFilter();
    });
  }
  Array.prototype.forEach.call(badges, function (b) {
    b.addEventListener("click", function () {
      var s = b.dataset.badge;
      only[s] = !only[s];
      b.setAttribute("aria-pressed", only[s] ? "true" : "false");
      filtering = Object.keys(only).some(function (k) { return only[k]; });
      applyFilter();
    });
  });
  showCounts();

  // The fleet only: live rows.
  if (table.dataset.live === undefined || !window.EventSource) return;
  var showBlocked = table.dataset.live === "all";
  // Every customer's status, shown or not, so the counts follow.
  var statusOf = {};
  var rowOf = {};
  for (var r = 0; r < body.rows.length; r++) {
    statusOf[body.rows[r].dataset.id] = body.rows[r].dataset.status;
    rowOf[body.rows[r].dataset.id] = body.rows[r];
  }
  (table.dataset.blocked || "").split(" ").forEach(function (id) { if (id) statusOf[id] = "blocked"; });

  // Seconds since the page was drawn; a row's age is its `data-base` plus
  // this. While the stream is lost the clock stops: the ages are frozen.
  var loaded = Date.now();
  var frozenAt = null;
  function elapsed() { return Math.floor(((frozenAt || Date.now()) - loaded) / 1000); }
  function age(s) {
    if (s === null || s === undefined || s === "") return "never";
    s = Number(s);
    if (s < 60) return Math.max(0, s) + "s";
    if (s < 3600) return Math.floor(s / 60) + "m";
    if (s < 86400) return Math.floor(s / 3600) + "h";
    return Math.floor(s / 86400) + "d";
  }
  function tick() {
    var now = elapsed();
    var cells = body.querySelectorAll("td[data-base]");
    for (var i = 0; i < cells.length; i++) {
      var text = age(Number(cells[i].dataset.base) + now);
      if (cells[i].textContent !== text) cells[i].textContent = text;
    }
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function build(r) {
    var tr = document.createElement("tr");
    tr.dataset.id = r.customer_id;
    tr.dataset.status = r.status;
    var b = document.createElement("span");
    b.className = "badge b-" + r.status;
    b.textContent = r.status.toUpperCase();
    cell(tr, "").appendChild(b);
    var link = document.createElement("a");
    link.href = "/customers/" + encodeURIComponent(r.customer_id);
    link.textContent = r.customer_id;
    cell(tr, "").appendChild(link);
    cell(tr, r.reason || "", "reason");
    var a = cell(tr, age(r.last_report_age_secs));
    if (r.last_report_age_secs !== null && r.last_report_age_secs !== undefined) {
      a.dataset.base = r.last_report_age_secs - elapsed();
    }
    var c = cell(tr, "");
    c.dataset.n = (r.errors_24h || 0) * 100000 + (r.warnings_24h || 0);
    if (r.errors_24h) { var e = document.createElement("span"); e.className = "count-e"; e.textContent = r.errors_24h + " err"; c.appendChild(e); }
    if (r.warnings_24h) { var w = document.createElement("span"); w.className = "count-w"; w.textContent = " " + r.warnings_24h + " warn"; c.appendChild(w); }
    cell(tr, r.display_name || "", "lo");
    cell(tr, r.health || "-", "lo");
    cell(tr, (r.controller_version || "-") + (r.update_available ? " ↑" : ""), "lo");
    cell(tr, r.drift || "-", "lo");
    cell(tr, r.hostname || "", "lo");
    return tr;
  }
  function count(id, status) {
    var was = statusOf[id];
    if (was !== undefined && counts[was] !== undefined) counts[was] -= 1;
    if (status === undefined) delete statusOf[id]; else {
      statusOf[id] = status;
      if (counts[status] !== undefined) counts[status] += 1;
    }
    showCounts();
  }
  watch(function () {
    var es = new EventSource("/ui/stream?after=" + encodeURIComponent(table.dataset.stream || "0"));
    es.addEventListener("row", function (ev) {
      if (ev.lastEventId) table.dataset.stream = ev.lastEventId;
      var r = JSON.parse(ev.data).row;
      count(r.customer_id, r.status);
      var old = rowOf[r.customer_id];
      if (old) { old.remove(); delete rowOf[r.customer_id]; }
      if (r.status === "blocked" && !showBlocked) return;
      var tr = build(r);
      rowOf[r.customer_id] = tr;
      tr.hidden = !shows(tr);
      place(tr);
      tr.classList.add("changed");
    });
    es.addEventListener("removed", function (ev) {
      if (ev.lastEventId) table.dataset.stream = ev.lastEventId;
      var id = JSON.parse(ev.data).customer_id;
      count(id, undefined);
      var old = rowOf[id];
      if (old) { old.remove(); delete rowOf[id]; }
    });
    es.addEventListener("event", function (ev) {
      if (ev.lastEventId) table.dataset.stream = ev.lastEventId;
    });
    es.addEventListener("reset", function () { window.location.reload(); });
    return es;
  }, function (lost, at) {
    if (lost) frozenAt = at; else { frozenAt = null; tick(); }
  });
  // Ages count up on their own; every 10 s is enough for minutes and
  // hours, and keeps a phone with 10,000 rows idle.
  setInterval(function () { if (!frozenAt) tick(); }, 10000);
})();
