  // ---------------------------------------------------------------- open shapes: crowd-line, crowd-polyline
  // Like crowd-polygon, but the shapes stay open: a line has exactly two points, a polyline two or
  // more. Shapes can also be drawn from the keyboard: arrow keys move a cursor over the image and
  // Space places a point there.
  addShadowCss(`
.lp-hit{vector-effect:non-scaling-stroke;cursor:pointer}
.lp-shape.lp-open{fill:none;stroke-width:3}
.lp-shape.lp-open.lp-sel{stroke-width:4}
.lp-dot{pointer-events:none}
`);
  // `label-colors`: one hex colour per label, in the order of `labels`; a bad entry falls back to
  // the palette.
  function labelColors(el, labels) {
    const given = listAttr(el, 'label-colors');
    return labels.map((_, i) => hexColor(given[i]) || COLORS[i % COLORS.length]);
  }

  // Parts: those of crowd-polygon (taskLayout's, categories and choice, hint, the image stage's,
  // annotation-list) and tools (the toolbar with its undo button).
  class OpenShape extends Annotator {
    get _maxPoints() { return Infinity; }
    render() {
      this._palette = labelColors(this, listAttr(this, 'labels').map(labelText));
      this._undo = [];
      super.render();
      this._lastJson = JSON.stringify(this._shapes);
      const undoBtn = h('button', { type: 'button', class: 'lp-btn lp-small', part: 'undo', 'data-lp': '', text: 'Undo', 'aria-keyshortcuts': 'Control+Z' });
      undoBtn.addEventListener('click', () => { if (!locked() && !this.disabled) this._undoStep(); });
      this._stage.wrap.before(h('div', { class: 'lp-tools', part: 'tools', role: 'toolbar', 'aria-label': 'Drawing tools' }, undoBtn));
      this._stage.svg.addEventListener('dblclick', (e) => {
        if (!this._open) return;
        e.preventDefault();
        this._close();
      });
    }
    _picker() {
      super._picker();
      this._choices.buttons.forEach((b, i) => { const sw = b.querySelector('.lp-swatch'); if (sw) sw.style.background = this._color(this._labels[i]); });
    }
    _color(label) {
      const i = this._labels.indexOf(label);
      return (this._palette && this._palette[i]) || COLORS[(i < 0 ? 0 : i) % COLORS.length];
    }
    _readInitial() { return super._readInitial().filter((sh) => sh.vertices.length >= 2); }
    _fromInitial(x) {
      const vs = (Array.isArray(x.vertices) ? x.vertices : []).filter(isObj).map((v) => ({ x: +v.x || 0, y: +v.y || 0 }));
      return { label: labelText(x.label), vertices: vs.slice(0, this._maxPoints) };
    }
    _out() {
      const v = {};
      v[this._key0] = this._shapes.map((sh) => ({ label: sh.label, vertices: sh.vertices.map((p) => ({ x: R(p.x), y: R(p.y) })) }));
      if (this._initialJson != null) v.initialValueModified = JSON.stringify({ [this._key0]: v[this._key0] }) !== this._initialJson;
      return v;
    }
    get _tracksHover() { return !!this._open; }
    _busy() { return !!this._open; }
    _cancel() { this._open = null; }
    // Every change of the shapes (a new one, a moved point, a relabel, a removal) is one undo step.
    _changed() {
      const now = JSON.stringify(this._shapes);
      if (this._lastJson != null && now !== this._lastJson) {
        this._undo.push(this._lastJson);
        if (this._undo.length > 100) this._undo.shift();
      }
      this._lastJson = now;
      super._changed();
    }
    _undoStep() {
      if (this._open) { this._backStep(); return; }
      const prev = this._undo.pop();
      if (prev == null) return;
      this._shapes = JSON.parse(prev);
      this._lastJson = prev;
      this._sel = -1;
      this._changed();
    }
    _backStep() {
      this._open.vertices.pop();
      if (!this._open.vertices.length) this._open = null;
      this._paint();
    }
    // A point placed by a click or by Space at the keyboard cursor.
    _place(p) {
      if (!this._open) {
        this._sel = -1;
        this._open = { label: this._labels[this._cur], vertices: [{ x: p.x, y: p.y }], hover: p };
        return;
      }
      const vs = this._open.vertices, last = vs[vs.length - 1];
      // The second click of a double-click lands on the point the first one placed.
      if (Math.hypot(p.x - last.x, p.y - last.y) / this._stage.scale() < 2) return;
      vs.push({ x: p.x, y: p.y });
      if (vs.length >= this._maxPoints) this._close();
    }
    _down(p, t) {
      const ds = t.dataset || {};
      if (this._open) { this._place(p); return; }
      if (ds.v !== undefined && +ds.i === this._sel) { this._drag = { mode: 'point', i: +ds.i, v: +ds.v }; return; }
      if (ds.i !== undefined) { this._select(+ds.i); this._drag = { mode: 'move', i: +ds.i, last: p }; return; }
      this._place(p);
      // Pressing, dragging and releasing draws a line in one stroke.
      if (this._maxPoints === 2) this._drag = { mode: 'stroke', from: p };
    }
    _move(p) {
      const d = this._drag;
      if (d && d.mode === 'point') { const v = this._shapes[d.i].vertices[d.v]; v.x = p.x; v.y = p.y; }
      else if (d && d.mode === 'move') { this._shift(this._shapes[d.i], p.x - d.last.x, p.y - d.last.y); d.last = p; }
      if (this._open) this._open.hover = p;
    }
    _up(p) {
      const d = this._drag;
      this._move(p);
      if (d.mode === 'stroke' && this._open && this._open.vertices.length === 1 && Math.hypot(p.x - d.from.x, p.y - d.from.y) / this._stage.scale() > 6) this._place(p);
    }
    _close() {
      const o = this._open;
      this._open = null;
      if (!o || o.vertices.length < 2) { this._paint(); return; }
      this._shapes.push({ label: o.label, vertices: o.vertices });
      this._sel = -1;
      this._changed();
    }
    // Moves a whole shape, keeping every point inside the image.
    _shift(sh, dx, dy) {
      const st = this._stage;
      const xs = sh.vertices.map((v) => v.x), ys = sh.vertices.map((v) => v.y);
      dx = clamp(dx, -Math.min(...xs), st.w - Math.max(...xs));
      dy = clamp(dy, -Math.min(...ys), st.h - Math.max(...ys));
      for (const v of sh.vertices) { v.x += dx; v.y += dy; }
    }
    _nudge(sh, dx, dy) { this._shift(sh, dx, dy); }
    _key(e) {
      if (locked() || this.disabled || !this._stage.ok) return;
      const k = e.key;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (k === 'z' || k === 'Z')) { e.preventDefault(); this._undoStep(); return; }
      if (this._open && k === 'Enter') { e.preventDefault(); this._close(); return; }
      if (this._open && k === 'Backspace') { e.preventDefault(); this._backStep(); return; }
      if (k === ' ') {
        e.preventDefault();
        if (!this._cursor) { this._cursor = this._center(); this._paint(); return; }
        this._place(this._cursor);
        this._changed();
        return;
      }
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[k];
      if (d && this._sel < 0 && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        const m = e.shiftKey ? 10 : 1, c = this._cursor || this._center();
        this._cursor = { x: clamp(c.x + d[0] * m, 0, this._stage.w), y: clamp(c.y + d[1] * m, 0, this._stage.h) };
        if (this._open) this._open.hover = this._cursor;
        this._paint();
        return;
      }
      super._key(e);
    }
    _center() { return { x: Math.round(this._stage.w / 2), y: Math.round(this._stage.h / 2) }; }
    _describe(sh) {
      if (this._maxPoints === 2) return '(' + R(sh.vertices[0].x) + ', ' + R(sh.vertices[0].y) + ') to (' + R(sh.vertices[1].x) + ', ' + R(sh.vertices[1].y) + ')';
      return sh.vertices.length + ' points';
    }
    _drawShape(g, sh, i, sc) {
      const c = this._color(sh.label), sel = i === this._sel;
      const pts = sh.vertices.map((v) => v.x + ',' + v.y).join(' ');
      // A wide invisible stroke makes a thin line easy to click.
      g.append(s('polyline', { points: pts, fill: 'none', stroke: 'transparent', 'stroke-width': 14, class: 'lp-hit', 'data-i': i }));
      g.append(s('polyline', { points: pts, fill: 'none', stroke: c, class: 'lp-shape lp-open' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      this._label(g, sh.vertices[0].x, sh.vertices[0].y, sh.label, c, sc);
      sh.vertices.forEach((v, j) => {
        if (sel) this._handle(g, v.x, v.y, i, { 'data-v': j, style: 'cursor:move' }, sc, c);
        else g.append(s('circle', { cx: v.x, cy: v.y, r: 3 * sc, fill: c, class: 'lp-dot', 'data-i': i }));
      });
    }
    _drawExtra(g, sc) {
      const o = this._open;
      if (o) {
        const c = this._color(o.label);
        const pts = o.vertices.concat(o.hover ? [o.hover] : []);
        g.append(s('polyline', { points: pts.map((v) => v.x + ',' + v.y).join(' '), fill: 'none', stroke: c, 'stroke-dasharray': '6 4', class: 'lp-shape', style: 'pointer-events:none' }));
        o.vertices.forEach((v) => g.append(s('circle', { cx: v.x, cy: v.y, r: 4 * sc, fill: c, stroke: '#fff', class: 'lp-handle', style: 'pointer-events:none' })));
      }
      if (this._cursor) drawCursor(g, this._cursor, 10 * sc, sc);
    }
    _validate() {
      const p = imageProblem(this._stage);
      if (p) return p;
      if (this._open) return { message: 'Finish the ' + this._noun + ' you are drawing (Enter) or cancel it (Escape) before submitting.' };
      if (flag(this, 'required') && !this._shapes.length) return { message: 'Draw at least one ' + this._noun + '.' };
      return null;
    }
  }
  class CrowdLine extends OpenShape {
    get _key0() { return 'lines'; }
    get _noun() { return 'line'; }
    get _maxPoints() { return 2; }
    get _help() { return 'Choose a label, then click both ends of a line, or drag from one end to the other. Arrow keys move a cursor (Shift: 10 pixels) and Space places an end there; Escape cancels a line half drawn, Ctrl+Z undoes. Click a line to select it: drag its ends or the whole line, choose a label to relabel it, press Delete to remove it.'; }
  }
  class CrowdPolyline extends OpenShape {
    get _key0() { return 'polylines'; }
    get _noun() { return 'polyline'; }
    get _help() { return 'Choose a label, then click the points of a polyline; press Enter or double-click to finish it (Backspace removes the last point, Escape cancels). Arrow keys move a cursor (Shift: 10 pixels) and Space places a point there; Ctrl+Z undoes. Click a polyline to select it: drag its points or the whole line, choose a label to relabel it, press Delete to remove it.'; }
  }
