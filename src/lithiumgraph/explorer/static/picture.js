// Saving the picture: the canvas as PNG on white, or the boxes, lines and labels as SVG. Labels become
// SVG text through textContent, so a name is never read as markup; files are handed over as blob URLs.
window.lgPicture = (function () {
  "use strict";
  function download(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 5000);
  }
  function png(src, name) {
    const c = document.createElement("canvas");
    c.width = src.width; c.height = src.height;
    const ctx = c.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, c.width, c.height); ctx.drawImage(src, 0, 0);
    c.toBlob(function (b) { download(b, name); }, "image/png");
  }
  // nodes and edges as vis-network holds them, pos: id -> {x, y, w, h}, b: their bounds
  function svg(nodes, edges, pos, b, font) {
    const NS = "http://www.w3.org/2000/svg", root = document.createElementNS(NS, "svg");
    function add(parent, tag, attrs, text) {
      const e = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
      if (text !== undefined) e.textContent = text;
      parent.appendChild(e);
      return e;
    }
    root.setAttribute("xmlns", NS);
    root.setAttribute("viewBox", [b.x0 - 10, b.y0 - 10, b.x1 - b.x0 + 20, b.y1 - b.y0 + 20].join(" "));
    add(root, "rect", {x: b.x0 - 10, y: b.y0 - 10, width: b.x1 - b.x0 + 20, height: b.y1 - b.y0 + 20, fill: "#ffffff"});
    edges.forEach(function (e) {
      const p = pos.get(e.from), q = pos.get(e.to);
      add(root, "line", {x1: p.x, y1: p.y, x2: q.x, y2: q.y, stroke: e.color.color, "stroke-width": e.width,
                         "stroke-opacity": e.color.opacity, "stroke-dasharray": e.dashes ? e.dashes.join(" ") : "none"});
    });
    nodes.forEach(function (n) {
      const p = pos.get(n.id), g = add(root, "g", {opacity: n.opacity === undefined ? 1 : n.opacity});
      const dash = n.shapeProperties.borderDashes, top = n.heightConstraint.valign === "top", size = n.font.size;
      add(g, "rect", {x: p.x - p.w / 2, y: p.y - p.h / 2, width: p.w, height: p.h, rx: 3, fill: n.color.background,
                      stroke: n.color.border, "stroke-width": n.borderWidth, "stroke-dasharray": dash ? dash.join(" ") : "none"});
      n.label.split("\n").forEach(function (line, i, all) {
        const y = top ? p.y - p.h / 2 + 8 + (i + 0.8) * size * 1.15 : p.y + (i - (all.length - 1) / 2) * size * 1.15 + size * 0.35;
        add(g, "text", {x: p.x, y: y, "text-anchor": "middle", "font-size": size, "font-family": font, fill: n.font.color}, line);
      });
    });
    return new XMLSerializer().serializeToString(root);
  }
  return {download: download, png: png, svg: svg};
})();
