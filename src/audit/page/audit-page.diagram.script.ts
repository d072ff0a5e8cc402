/**
 * The audit page's state diagram (part of AUDIT_PAGE_SCRIPT: these functions run inside its closure, where
 * `SVG_NS`, `$` and the page's state are defined). Plain ES2020, text only (SVG text nodes, never parsed
 * markup), written without template literals: this file is itself a template string.
 */
export const AUDIT_PAGE_DIAGRAM = String.raw`
  // ----- the state diagram -----

  function svg(name, attributes, parent) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, String(attributes[k])); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function svgText(parent, x, y, text, attributes) {
    var node = svg('text', Object.assign({ x: x, y: y }, attributes || {}), parent);
    node.textContent = text;
    return node;
  }

  /** Distance from a box's centre to its border along the unit vector (ux, uy). */
  function toBorder(box, ux, uy) {
    var tx = Math.abs(ux) < 1e-9 ? Infinity : box.w / 2 / Math.abs(ux);
    var ty = Math.abs(uy) < 1e-9 ? Infinity : box.h / 2 / Math.abs(uy);
    return Math.min(tx, ty);
  }

  function fmt(n) { return Math.round(n * 10) / 10; }

  function triggersText(edge) {
    return Object.keys(edge.triggers).map(function (k) { return k + ' ×' + edge.triggers[k]; }).join(', ');
  }

  function renderDiagram(report) {
    var W = 760, H = 540, cx = W / 2, cy = H / 2, R = 185;
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', id: 'fsm', 'aria-label': 'State diagram of the master\'s state machine' });
    var defs = svg('defs', {}, root);
    var marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, defs);
    svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }, marker);

    var visited = new Set();
    report.edges.forEach(function (e) { visited.add(e.from); visited.add(e.to); });
    if (report.current) visited.add(report.current);

    var boxes = {};
    report.states.forEach(function (name, i) {
      var angle = -Math.PI / 2 + (2 * Math.PI * i) / report.states.length;
      boxes[name] = { x: cx + R * Math.cos(angle), y: cy + R * Math.sin(angle), w: Math.max(96, name.length * 7.4 + 26), h: 36 };
    });

    var edgeLayer = svg('g', { class: 'edges' }, root);
    report.edges.forEach(function (edge) {
      var a = boxes[edge.from], b = boxes[edge.to];
      if (!a || !b) return;
      var g = svg('g', { class: 'edge', 'data-from': edge.from, 'data-to': edge.to, 'data-count': edge.count }, edgeLayer);
      var title = svg('title', {}, g);
      title.textContent = edge.from + ' → ' + edge.to + ': ' + edge.count + '× (' + triggersText(edge) + ')';
      var labelX, labelY;
      if (edge.from === edge.to) {
        // A self-loop: a small loop on the node's side facing away from the circle's centre (snapped to
        // a side, so wide nodes get the same small loop as narrow ones).
        var ox = a.x - cx, oy = a.y - cy;
        var ux = Math.abs(ox) > Math.abs(oy) * 1.2 ? Math.sign(ox) : 0, uy = ux === 0 ? (oy > 0 ? 1 : -1) : 0;
        var tx = -uy, ty = ux, reach = toBorder(a, ux, uy);
        var px = a.x + ux * reach, py = a.y + uy * reach;
        g.setAttribute('class', 'edge loop');
        svg('path', {
          d: 'M' + fmt(px - tx * 12) + ',' + fmt(py - ty * 12) +
            ' C' + fmt(px + ux * 46 - tx * 26) + ',' + fmt(py + uy * 46 - ty * 26) + ' ' + fmt(px + ux * 46 + tx * 26) + ',' + fmt(py + uy * 46 + ty * 26) +
            ' ' + fmt(px + tx * 12 + ux * 2) + ',' + fmt(py + ty * 12 + uy * 2),
          'marker-end': 'url(#arrow)',
        }, g);
        labelX = px + ux * 50;
        labelY = py + uy * 50;
      } else {
        // A gentle curve: the two directions between one pair of states bend to opposite sides.
        var dx = b.x - a.x, dy = b.y - a.y, d = Math.hypot(dx, dy) || 1;
        var nx = -dy / d, ny = dx / d, bend = 28;
        var qx = (a.x + b.x) / 2 + nx * bend, qy = (a.y + b.y) / 2 + ny * bend;
        var ax = qx - a.x, ay = qy - a.y, al = Math.hypot(ax, ay) || 1;
        var bx = qx - b.x, by = qy - b.y, bl = Math.hypot(bx, by) || 1;
        var da = toBorder(a, ax / al, ay / al) + 2, db = toBorder(b, bx / bl, by / bl) + 4;
        var sx = a.x + (ax / al) * da, sy = a.y + (ay / al) * da;
        var ex = b.x + (bx / bl) * db, ey = b.y + (by / bl) * db;
        svg('path', { d: 'M' + fmt(sx) + ',' + fmt(sy) + ' Q' + fmt(qx) + ',' + fmt(qy) + ' ' + fmt(ex) + ',' + fmt(ey), 'marker-end': 'url(#arrow)' }, g);
        labelX = 0.25 * sx + 0.5 * qx + 0.25 * ex;
        labelY = 0.25 * sy + 0.5 * qy + 0.25 * ey;
      }
      svgText(g, fmt(labelX), fmt(labelY), String(edge.count), { class: 'count' });
    });

    var nodeLayer = svg('g', { class: 'nodes' }, root);
    report.states.forEach(function (name) {
      var box = boxes[name];
      var classes = ['node'];
      if (!visited.has(name)) classes.push('unvisited');
      if (name === report.current) classes.push('current');
      var g = svg('g', { class: classes.join(' '), 'data-state': name }, nodeLayer);
      var title = svg('title', {}, g);
      title.textContent = name + (name === report.current ? ' (current)' : visited.has(name) ? '' : ' (never visited)');
      svg('rect', { x: fmt(box.x - box.w / 2), y: fmt(box.y - box.h / 2), width: fmt(box.w), height: box.h, rx: 8 }, g);
      svgText(g, fmt(box.x), fmt(box.y), name);
    });

    var holder = $('diagram');
    holder.textContent = '';
    holder.appendChild(root);
    var current = $('current');
    current.textContent = report.current ? 'now: ' + report.current : 'no history';
  }

  // ----- chain verification -----
`;
