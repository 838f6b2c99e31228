// The status page: one EventSource on /events; every event is the whole state (ops.StatusJson),
// so a page that reconnects or skips events is right again with the next one. Rates are computed
// here from the stored counts of the last few seconds.
(function () {
  "use strict";
  var WINDOW_MS = 3000;
  var samples = []; // {time, total, stored: [per row]}
  var fmt = new Intl.NumberFormat("es-AR");

  function el(id) { return document.getElementById(id); }

  // HH:MM:SS on the 24-hour clock, whatever locale data the browser has.
  function clock(iso) {
    var d = new Date(iso);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
  }

  function rate(now, pick) {
    var first = null;
    for (var i = 0; i < samples.length; i++) {
      if (now.time - samples[i].time <= WINDOW_MS) { first = samples[i]; break; }
    }
    if (!first || first.time === now.time) return 0;
    return Math.max(0, (pick(now) - pick(first)) * 1000 / (now.time - first.time));
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function render(s) {
    var now = { time: s.time, total: s.total, stored: s.rows.map(function (r) { return r.stored; }) };
    samples.push(now);
    while (samples.length > 0 && now.time - samples[0].time > WINDOW_MS + 1000) samples.shift();

    el("total").textContent = fmt.format(s.total);
    el("rate").textContent = fmt.format(Math.round(rate(now, function (x) { return x.total; })));
    el("connected").textContent = s.connected + " / " + s.agencies;
    el("finished").textContent = s.finished + " / " + s.agencies;

    var draw = el("draw");
    var winners = (s.draw && s.draw.winnersByAgency) || {};
    if (s.draw.state === "held") {
      draw.className = "draw held";
      el("draw-text").textContent = "Sorteo realizado a las " + clock(s.draw.at)
        + " — " + fmt.format(s.draw.winners) + " ganadores";
    } else if (s.draw.state === "failed") {
      draw.className = "draw failed";
      el("draw-text").textContent = "El sorteo falló: " + s.draw.error;
    } else {
      draw.className = "draw waiting";
      el("draw-text").textContent = "Sorteo: esperando a " + (s.agencies - s.finished) + " de " + s.agencies
        + " agencias";
    }

    // A cluster member also says which node holds each agency's session, and the members.
    var cluster = Array.isArray(s.members);
    el("node-column").hidden = !cluster;
    el("members").hidden = !cluster;
    if (cluster) {
      el("self").textContent = "esta página: " + s.node;
      var list = document.createElement("ul");
      list.id = "member-list";
      s.members.forEach(function (m) {
        var li = document.createElement("li");
        li.className = "member " + m.status;
        li.textContent = m.node + " " + m.status + (m.self ? " (este)" : "") + " · " + m.ledgers + " agencias";
        list.appendChild(li);
      });
      el("member-list").replaceWith(list);
    }

    var body = document.createElement("tbody");
    body.id = "rows";
    s.rows.forEach(function (r, i) {
      var tr = document.createElement("tr");
      tr.id = "agency-" + r.id;
      tr.appendChild(cell(String(r.id)));
      tr.appendChild(cell(r.connected ? "sí" : "no", r.connected ? "yes" : "no"));
      tr.appendChild(cell(fmt.format(r.stored), "num stored"));
      tr.appendChild(cell(fmt.format(Math.round(rate(now, function (x) { return x.stored[i] || 0; }))), "num"));
      tr.appendChild(cell(r.finished ? "sí" : "no", r.finished ? "yes" : "no"));
      tr.appendChild(cell(s.draw.state === "held" ? fmt.format(winners[r.id] || 0) : "–", "num winners"));
      if (cluster) tr.appendChild(cell(r.node || "–", "node"));
      body.appendChild(tr);
    });
    el("rows").replaceWith(body);
    el("hidden").textContent = s.hiddenRows > 0
      ? "y " + fmt.format(s.hiddenRows) + " agencias más (incluidas en los totales)" : "";
  }

  function connect() {
    var source = new EventSource("/events");
    source.onopen = function () { el("link").className = "link up"; el("link").textContent = "en vivo"; };
    source.onerror = function () { el("link").className = "link down"; el("link").textContent = "reconectando…"; };
    source.onmessage = function (event) { render(JSON.parse(event.data)); };
  }

  connect();
})();
