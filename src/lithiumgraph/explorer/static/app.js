(function () {
  "use strict";
  // Everything from the data is shown with textContent or drawn as canvas text: never parsed as HTML.
  const data = JSON.parse(document.getElementById("lg-data").textContent);
  const L = data.layout, byId = new Map(), edgeById = new Map();
  data.nodes.forEach(function (n) { byId.set(n.id, n); });
  data.edges.forEach(function (e) { edgeById.set(e.id, e); });
  const collapsed = new Set(L.collapsed);
  const ENDED = new Set(["halted", "suspended", "cancelled", "postponed"]);
  const FIRM_STOPS = new Set(["production_stopped", "licence_suspended", "licence_cancelled", "licence_expired"]);
  const FIRM_GOES = new Set(["resumed", "licence_granted", "licence_renewed"]);
  const FONT = "system-ui, Noto Sans CJK SC, Microsoft YaHei, sans-serif";
  const $ = function (id) { return document.getElementById(id); };
  let asOf = null, focused = null, focusSet = null, hitList = [], hitAt = 0, lastPos = new Map();

  function el(tag, text) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function option(sel, value, text) { const o = el("option", text); o.value = value; sel.appendChild(o); }
  function members(g) { return L.groups[g] ? L.groups[g].members : []; }
  function nameOf(id) { const n = byId.get(id); return n ? n.label : id; }
  function detail(item, key) { const kv = item.lg.details.find(function (x) { return x[0] === key; }); return kv && kv[1]; }

  // -- header, filters, legend -------------------------------------------------------------------------
  $("lg-title").textContent = data.title;
  $("lg-subtitle").textContent = data.subtitle;
  const stageSel = $("lg-stage"), segSel = $("lg-segment"), parkSel = $("lg-park");
  data.stages.forEach(function (s) { option(stageSel, s, s); });
  data.nodes.forEach(function (n) { if (n.lg.kind === "Segment") option(segSel, n.id, n.lg.names[1] || n.id); });
  data.parks.forEach(function (p) { option(parkSel, p[0], p[1]); });
  if (!data.parks.length) parkSel.style.display = "none";
  const legend = $("lg-legend");
  function legendRow(text, style) {
    const row = el("div"), sw = el("span");
    sw.className = "sw";
    Object.keys(style || {}).forEach(function (k) { sw.style[k] = style[k]; });
    if (!style) sw.style.display = "none";
    row.appendChild(sw); row.appendChild(el("span", text)); legend.appendChild(row);
  }
  Object.keys(data.colours).forEach(function (s) { legendRow(s + " stage (box colour)", {background: tint(data.colours[s]), borderColor: data.colours[s]}); });
  Object.keys(data.status).forEach(function (s) {
    const st = data.status[s];
    legendRow(st[3], {background: "#fff", borderColor: st[0], borderStyle: st[2] ? (st[2][0] > 3 ? "dashed" : "dotted") : "solid"});
  });
  legendRow("firm in the park (filled box inside its segment)", {background: "#eef3f8", borderColor: "#333"});
  legendRow("⇢ 园区外 firm outside the park (white, dashed)", {background: "#fff", borderColor: "#555", borderStyle: "dashed"});
  legendRow("停 stopped at the date: production stopped, or all its projects halted or cancelled (faded)", {background: "#fff", borderColor: "#bbb", opacity: "0.4"});
  legendRow("supplies (stated)", {height: "0", borderTop: "4px solid #1b1b1b"});
  legendRow("upstream of (chain template)", {height: "0", borderTop: "2px solid #aab2bb"});
  legendRow("uncertain, or recycling loop", {height: "0", borderTop: "3px dashed #777"});
  legendRow("▸ closed segment: click to open · ▾ open: click to close");

  // -- time ----------------------------------------------------------------------------------------------
  const dateIn = $("lg-date"), dateOut = $("lg-date-text");
  if (!data.dates.length) $("lg-time").style.display = "none";
  if (!data.nodes.some(function (n) { return n.lg.kind === "Enterprise"; })) {   // segments only: no firms to open or follow
    ["lg-expand", "lg-collapse"].forEach(function (id) { $(id).style.display = "none"; });
    $("lg-hops").parentNode.style.display = "none";
  }
  dateIn.max = String(data.dates.length);
  dateIn.value = String(data.dates.length);
  function setDate() {
    const i = Number(dateIn.value);
    asOf = i < data.dates.length ? data.dates[i] + "-12-31" : null;
    dateOut.textContent = asOf ? data.dates[i] : (data.asOf ? "as of " + data.asOf : "now 现在");
  }
  setDate();
  function present(n) { const ev = n.lg.events; return !asOf || !ev || ev[0][0] <= asOf; }
  function ended(n) {
    const ev = n.lg.events;
    let stopped = false;   // the firm itself stopped (production, licence) and has not resumed since
    (n.lg.own || []).forEach(function (e) {
      if (asOf && e[0] > asOf) return;
      if (FIRM_STOPS.has(e[1])) stopped = true;
      else if (FIRM_GOES.has(e[1])) stopped = false;
    });
    if (stopped) return true;
    if (!ev) return false;
    const last = new Map();
    ev.forEach(function (e) { if (!asOf || e[0] <= asOf) last.set(e[2], e[1]); });
    return last.size > 0 && Array.from(last.values()).every(function (s) { return ENDED.has(s); });
  }
  function edgeOn(e) { return !asOf || !e.lg.since || e.lg.since <= asOf; }

  // -- what is shown, and where -------------------------------------------------------------------------
  function passes(n) {
    const st = stageSel.value, sg = segSel.value, pk = parkSel.value, lg = n.lg;
    if (lg.kind === "Enterprise") {
      return (!st || lg.stage === st) && (!sg || lg.segments.indexOf(sg) >= 0) && (!pk || lg.parks.indexOf(pk) >= 0) && present(n);
    }
    const some = function () { return members(n.id).some(function (m) { return passes(byId.get(m)); }); };
    if (lg.kind === "Segment") return (!st || lg.stage === st) && (!sg || n.id === sg || some()) && (!pk || !members(n.id).length || some());
    return some();
  }
  function visibleIds() {
    const ids = new Set();
    data.nodes.forEach(function (n) {
      if (n.lg.kind !== "Enterprise" ? passes(n) : !collapsed.has(n.lg.group) && passes(n)) ids.add(n.id);
    });
    return ids;
  }
  function stack(ids) {
    const pos = new Map(), head = L.twoLine ? L.head2 : L.head;
    let bottom = 0;
    function place(g, x, y, w) {
      const grp = L.groups[g], mem = grp.members.filter(function (m) { return ids.has(m); });
      const rows = Math.ceil(mem.length / grp.cols), h = head + (rows ? rows * L.row + L.pad : 0);
      pos.set(g, {x: x + w / 2, y: y + h / 2, w: w, h: h});
      mem.forEach(function (m, i) {
        pos.set(m, {x: x + L.pad + (i % grp.cols) * (L.box + L.pad) + L.box / 2,
                    y: y + head + Math.floor(i / grp.cols) * L.row + L.row / 2 - 2, w: L.box, h: L.row - 6});
      });
      return h;
    }
    L.columns.forEach(function (c) {
      let y = 0;
      c.groups.forEach(function (g) { if (ids.has(g)) y += place(g, c.x, y, L.groups[g].w) + L.gap; });
      bottom = Math.max(bottom, y);
    });
    let x = 0;   // the band, left to right; a closed group is one box wide
    L.band.forEach(function (g) {
      if (!ids.has(g)) return;
      const w = collapsed.has(g) ? L.box + 2 * L.pad : L.groups[g].w;
      place(g, x, bottom + L.bandgap, w);
      x += w + L.colgap;
    });
    return pos;
  }

  // -- how things look ----------------------------------------------------------------------------------
  const meter = document.createElement("canvas").getContext("2d");
  function fitText(text, size, width) {
    meter.font = size + "px " + FONT;
    if (meter.measureText(text).width <= width) return text;
    let lo = 0, hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (meter.measureText(text.slice(0, mid) + "…").width <= width) lo = mid; else hi = mid - 1;
    }
    return text.slice(0, lo) + "…";
  }
  function textWidth(text, size) { meter.font = size + "px " + FONT; return meter.measureText(text).width; }
  function tint(hex, a) {
    const c = [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
    return a ? "rgba(" + c.join(",") + "," + a + ")" : "rgb(" + c.map(function (x) { return Math.round(x + (255 - x) * 0.8); }).join(",") + ")";
  }
  // an edge's details start with the relation, named by the page's labels
  function detailsOf(item) {
    if (!item.from) return item.lg.details;
    return [["relation", nameOf(item.from) + " —" + item.lg.kind + "→ " + nameOf(item.to)]].concat(item.lg.details);
  }
  function tip(item) { return detailsOf(item).map(function (kv) { return kv[0] + ": " + kv[1]; }).join("\n"); }
  function groupNode(n, p, ids) {
    const lg = n.lg, st = lg.status ? data.status[lg.status] : null, colour = data.colours[lg.stage] || "#888888";
    const shownMembers = members(n.id).filter(function (m) { return passes(byId.get(m)); }).length;
    const icon = st ? st[3].split(" ")[0] + " " : "";
    const more = !members(n.id).length ? "" : (collapsed.has(n.id) ? " ▸" : " ▾") + shownMembers;
    const room = p.w - 34 - textWidth(icon + more, L.groupFont);   // vis wraps text wider than the box less twice its margins
    let label = (icon + fitText(n.label, L.groupFont, room) + more).replace(/ /g, "\u00a0");
    if (L.twoLine && st) {
      const tag = textWidth(st[3], L.groupFont) <= p.w - 34 ? st[3] : st[3].split(" ").slice(0, 2).join(" ");
      label = fitText(n.label, L.groupFont, p.w - 34) + "\n" + tag.replace(/ /g, "\u00a0");
    }
    return {id: n.id, x: p.x, y: p.y, label: label, title: tip(n), shape: "box",
      widthConstraint: {minimum: p.w - 16, maximum: p.w - 16}, heightConstraint: {minimum: p.h - 16, valign: "top"},
      margin: {top: 8, bottom: 8, left: 8, right: 8},
      color: {background: lg.status === "missing" ? "#ffffff" : (lg.outside ? "rgba(240,240,240,0.55)" : tint(colour, 0.22)),
              border: st ? st[0] : (lg.outside ? "#555555" : colour),
              highlight: {background: tint(colour), border: "#000000"}, hover: {background: tint(colour), border: "#000000"}},
      borderWidth: st ? st[1] : 2, shapeProperties: {borderDashes: st ? st[2] : (lg.outside ? [6, 4] : false), borderRadius: 3},
      font: {size: L.groupFont, face: FONT, color: lg.status === "missing" ? "#9a3a00" : "#1b1b1b"}};
  }
  function firmNode(n, p) {
    const lg = n.lg, colour = data.colours[lg.stage] || "#888888", gone = ended(n);
    const label = fitText((gone ? "停 " : "") + n.label, L.firmFont, p.w - 18);
    return {id: n.id, x: p.x, y: p.y, label: label, title: tip(n), shape: "box",
      widthConstraint: {minimum: p.w - 8, maximum: p.w - 8}, heightConstraint: {minimum: p.h - 6},
      margin: {top: 3, bottom: 3, left: 4, right: 4}, opacity: gone ? 0.4 : 1,
      color: {background: lg.local ? tint(colour) : "#ffffff", border: lg.local ? "#333333" : "#555555",
              highlight: {background: "#fff3c4", border: "#000000"}, hover: {background: "#fff3c4", border: "#000000"}},
      borderWidth: lg.local ? 1 : 1.5, shapeProperties: {borderDashes: lg.local && !gone ? false : [4, 3], borderRadius: 2},
      font: {size: L.firmFont, face: FONT, color: "#1b1b1b"}};
  }
  const EDGE = {SUPPLIES: ["#1b1b1b", 3], UPSTREAM_OF: ["#9aa5b1", 1.5], IN_SEGMENT: ["#8c96a0", 1],
                SUBSIDIARY_OF: ["#6d6d6d", 1], INVESTS_IN: ["#6d6d6d", 1]};
  function visEdge(e) {
    const s = EDGE[e.lg.kind], dim = focusSet && !focusSet.edges.has(e.id), faint = !L.twoLine && e.lg.kind !== "SUPPLIES";
    const dashes = e.lg.loop || e.lg.uncertain ? [8, 6] : (e.lg.kind === "SUPPLIES" || e.lg.kind === "UPSTREAM_OF" ? false : [2, 4]);
    return {id: e.id, from: e.from, to: e.to, arrows: "to", width: s[1], dashes: dashes, title: tip(e),
            color: {color: s[0], opacity: dim ? 0.12 : (faint ? 0.45 : 1), highlight: "#000000"}};
  }

  // -- the network ----------------------------------------------------------------------------------------
  const nodes = new vis.DataSet(), edges = new vis.DataSet();
  const container = $("lg-graph");
  container.tabIndex = 0;
  const network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false, layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, dragNodes: false, keyboard: {enabled: true, bindToWindow: false},
                  hideEdgesOnDrag: data.nodes.length > 1500},
    edges: {smooth: false, arrows: {to: {scaleFactor: 0.6}}}
  });
  window.lgNetwork = network;
  network.once("afterDrawing", function () { window.lgDrawnAt = performance.now(); window.lgReady = true; });

  const note = $("lg-note"), drawn = new Map();
  function render() {
    const ids = visibleIds(), pos = stack(ids);
    const want = [];
    ids.forEach(function (id) {
      const n = byId.get(id), p = pos.get(id), v = n.lg.kind === "Enterprise" ? firmNode(n, p) : groupNode(n, p, ids);
      if (focusSet && !focusSet.nodes.has(id) && !focusSet.groups.has(id)) v.opacity = 0.15;
      want.push(v);
    });
    // hand vis-network only what changed: re-creating thousands of nodes costs a second
    const gone = nodes.getIds().filter(function (id) { return !ids.has(id); });
    gone.forEach(function (id) { drawn.delete(id); });
    nodes.remove(gone);
    nodes.update(want.filter(function (v) {
      const key = JSON.stringify(v);
      if (drawn.get(v.id) === key) return false;
      drawn.set(v.id, key);
      return true;
    }));
    // thousands of lines are a tangle and cost hundreds of ms a frame: with many firms open, only the
    // chain template and the focused firm's chain are drawn
    let open = 0;
    ids.forEach(function (id) { if (byId.get(id).lg.kind === "Enterprise") open++; });
    const many = open > L.edgeFirms;
    note.textContent = many ? open + " firms open: their links are drawn for a focused firm only" : "";
    const es = data.edges.filter(function (e) {
      return ids.has(e.from) && ids.has(e.to) && edgeOn(e) && (!many || e.lg.kind === "UPSTREAM_OF" || (focusSet && focusSet.edges.has(e.id)));
    }).map(visEdge);
    const keep = new Set(es.map(function (e) { return e.id; }));
    edges.remove(edges.getIds().filter(function (id) { return !keep.has(id); }));
    edges.update(es);
    lastPos = pos;
    return pos;
  }
  function bounds(pos) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    pos.forEach(function (p) {
      x0 = Math.min(x0, p.x - p.w / 2); x1 = Math.max(x1, p.x + p.w / 2);
      y0 = Math.min(y0, p.y - p.h / 2); y1 = Math.max(y1, p.y + p.h / 2);
    });
    return {x0: x0, y0: y0, x1: x1, y1: y1};
  }
  function fitScale(pos) {
    const b = bounds(pos), m = 12;
    return Math.min((container.clientWidth - 2 * m) / (b.x1 - b.x0), (container.clientHeight - 2 * m) / (b.y1 - b.y0), 1.6);
  }
  function fit(pos) {
    const b = bounds(pos);
    network.moveTo({position: {x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2}, scale: fitScale(pos), animation: false});
  }
  // the first view: everything on screen with labels of at least 11 px; close the biggest segments until so
  function legibleStart() {
    const small = Math.min(L.firmFont, L.groupFont);
    for (;;) {
      const ids = visibleIds(), pos = stack(ids);
      if (fitScale(pos) * small >= 11) break;
      const open = Object.keys(L.groups).filter(function (g) { return !collapsed.has(g) && members(g).some(function (m) { return ids.has(m); }); });
      if (!open.length) break;
      open.sort(function (a, b) { return members(b).length - members(a).length || (a < b ? -1 : 1); });
      collapsed.add(open[0]);
    }
    fit(render());
  }
  legibleStart();

  // -- details, focus and why ------------------------------------------------------------------------------
  const details = $("lg-details"), whyBox = $("lg-why");
  function show(item) {
    details.textContent = "";
    if (!item) { details.textContent = "Nothing selected."; return; }
    const dl = el("dl");
    detailsOf(item).forEach(function (kv) { dl.appendChild(el("dt", kv[0])); dl.appendChild(el("dd", kv[1])); });
    details.appendChild(dl);
  }
  const supOut = new Map(), supIn = new Map();
  data.edges.forEach(function (e) {
    if (e.lg.kind !== "SUPPLIES") return;
    if (!supOut.has(e.from)) supOut.set(e.from, []);
    if (!supIn.has(e.to)) supIn.set(e.to, []);
    supOut.get(e.from).push(e); supIn.get(e.to).push(e);
  });
  function chain(id, k) {
    const ns = new Set([id]), es = new Map();
    [[supOut, "to"], [supIn, "from"]].forEach(function (way) {
      let frontier = [id];
      const seen = new Set([id]);
      for (let h = 0; h < k && frontier.length; h++) {
        const next = [];
        frontier.forEach(function (u) {
          (way[0].get(u) || []).forEach(function (e) {
            if (!edgeOn(e)) return;
            es.set(e.id, e);
            const v = e[way[1]];
            if (!seen.has(v)) { seen.add(v); ns.add(v); next.push(v); }
          });
        });
        frontier = next;
      }
    });
    const groups = new Set();
    ns.forEach(function (n) { const g = byId.get(n) && byId.get(n).lg.group; if (g) groups.add(g); });
    return {nodes: ns, edges: es, groups: groups};
  }
  function why(id, k) {
    whyBox.textContent = "";
    const list = Array.from(focusSet.edges.values());
    whyBox.appendChild(el("p", nameOf(id) + ": " + (focusSet.nodes.size - 1) + " firm(s) up- and downstream within " + k +
      " hop(s), " + list.length + " supply link(s). Esc clears."));
    const ol = el("ol");
    list.forEach(function (e) {
      const li = el("li"), what = [detail(e, "product"), detail(e, "period"), detail(e, "confidence")].filter(Boolean);
      li.appendChild(el("div", nameOf(e.from) + " → " + nameOf(e.to) + (what.length ? " · " + what.join(" · ") : "")));
      e.lg.sources.forEach(function (s) {
        const d = el("div", "source " + s + (data.sources[s] ? ": " + data.sources[s] : ""));
        d.className = "src"; li.appendChild(d);
      });
      ol.appendChild(li);
    });
    whyBox.appendChild(ol);
  }
  function focusOn(id) {
    const k = Math.max(1, Math.min(6, Number($("lg-hops").value) || 2));
    focused = id;
    focusSet = chain(id, k);
    focusSet.groups.forEach(function (g) { collapsed.delete(g); });
    render();
    network.selectNodes([id]);
    why(id, k);
  }
  function clearFocus() {
    if (!focusSet) return;
    focused = null; focusSet = null;
    whyBox.textContent = "Click a firm to follow its supply chain.";
    render();
  }
  function toggle(g) {
    if (collapsed.has(g)) collapsed.delete(g); else collapsed.add(g);
    render();
  }
  network.on("click", function (p) {
    if (p.nodes.length) {
      const n = byId.get(p.nodes[0]);
      show(n);
      if (n.lg.kind === "Enterprise") focusOn(n.id);
      else if (members(n.id).length) toggle(n.id);
    } else if (p.edges.length) {
      show(edgeById.get(p.edges[0]));
    } else {
      clearFocus();
    }
  });

  // -- search ----------------------------------------------------------------------------------------------
  function norm(s) { return String(s || "").normalize("NFKC").toLowerCase(); }
  const search = $("lg-search"), hits = $("lg-hits");
  function goTo(i) {
    if (!hitList.length) return;
    hitAt = (i + hitList.length) % hitList.length;
    const n = byId.get(hitList[hitAt]);
    if (nodes.get(n.id)) network.focus(n.id, {scale: Math.max(network.getScale(), 1), animation: false});
    show(n);
  }
  search.addEventListener("input", function () {
    const q = norm(search.value.trim());
    hitList = [];
    if (!q) { hits.textContent = ""; network.unselectAll(); return; }
    const found = data.nodes.filter(function (n) {
      return passes(n) && n.lg.names.some(function (x) { return x && norm(x).indexOf(q) >= 0; });
    });
    const ids = [];
    found.forEach(function (n) {
      ids.push(n.id);
      if (n.lg.kind === "Segment") members(n.id).forEach(function (m) { if (passes(byId.get(m))) ids.push(m); });
    });
    if (ids.length <= 200) ids.forEach(function (id) { const g = byId.get(id).lg.group; if (g) collapsed.delete(g); });
    render();
    hitList = found.map(function (n) { return n.id; });
    hits.textContent = found.length + " found";
    network.selectNodes(ids.filter(function (id) { return nodes.get(id); }));
    goTo(0);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); goTo(hitAt + (ev.shiftKey ? -1 : 1)); }
    if (ev.key === "Escape") { search.value = ""; search.dispatchEvent(new Event("input")); }
  });
  document.addEventListener("keydown", function (ev) {
    const typing = /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
    if (ev.key === "/" && !typing) { ev.preventDefault(); search.focus(); }
    if (ev.key === "Escape" && !typing) { clearFocus(); network.unselectAll(); }
  });

  // -- filters, time, buttons ----------------------------------------------------------------------------
  [stageSel, segSel, parkSel].forEach(function (s) { s.addEventListener("change", function () { render(); }); });
  dateIn.addEventListener("input", function () {
    setDate();
    if (focused) focusOn(focused); else render();
  });
  $("lg-expand").addEventListener("click", function () { collapsed.clear(); render(); });
  $("lg-collapse").addEventListener("click", function () {
    Object.keys(L.groups).forEach(function (g) { if (members(g).length) collapsed.add(g); });
    render();
  });
  $("lg-fit").addEventListener("click", function () { fit(lastPos); });

  $("lg-png").addEventListener("click", function () { lgPicture.png(container.querySelector("canvas"), "lithium-chain.png"); });
  $("lg-svg").addEventListener("click", function () { lgPicture.download(new Blob([svgText()], {type: "image/svg+xml"}), "lithium-chain.svg"); });
  function svgText() { return lgPicture.svg(nodes.get(), edges.get(), lastPos, bounds(lastPos), FONT); }
  window.lgApp = {render: render, toggle: toggle, focusOn: focusOn, clearFocus: clearFocus, collapsed: collapsed,
                  fit: function () { fit(lastPos); }, svgText: svgText};
})();
