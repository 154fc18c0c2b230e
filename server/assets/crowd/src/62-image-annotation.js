  // ---------------------------------------------------------------- image annotation tools
  addShadowCss(`
.lp-shapes{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.35rem}
.lp-shapes li{display:flex;align-items:center;gap:.5rem;padding:.3rem .5rem;border:1px solid var(--lp-line);border-radius:6px;font-size:.9rem}
.lp-shapes li.lp-sel{border-color:var(--lp-accent);background:var(--lp-accent-soft)}
.lp-shapes .lp-grow{flex:1;text-align:left;background:none;border:0;font:inherit;color:inherit;cursor:pointer;padding:.15rem 0}
`);
  // Parts: those of taskLayout, categories and choice (the label picker), hint, the image stage's
  // (stage, image, canvas), annotation-list.
  class Annotator extends Crowd {
    render() {
      const L = taskLayout(this);
      this._L = L;
      this._labels = listAttr(this, 'labels').map(labelText);
      if (!this._labels.length) throw new Error('The "labels" attribute lists no labels.');
      this._shapes = this._readInitial();
      this._initialJson = this._hadInitial ? JSON.stringify(this._out()) : null;
      this._sel = -1;
      this._cur = 0;
      this._picker();
      this._stage = imageStage(srcAttr(this), { focusable: true, label: (L.header || 'Image') + ': ' + this._help, onLoad: () => this._paint(), onResize: () => this._paint() });
      this._stage.wrap.classList.add('lp-draw');
      const svgEl = this._stage.svg;
      svgEl.addEventListener('pointerdown', (e) => {
        if (locked() || this.disabled || !this._stage.ok || e.button !== 0) return;
        e.preventDefault();
        this._stage.wrap.focus({ preventScroll: true });
        try { svgEl.setPointerCapture(e.pointerId); } catch (_) { /* synthetic pointer */ }
        this._down(this._stage.toImage(e), e.target, e);
        this._changed();
      });
      svgEl.addEventListener('pointermove', (e) => { if (this._drag || this._tracksHover) { this._move(this._stage.toImage(e), e); this._paint(); } });
      const end = (e) => { if (this._drag) { this._up(this._stage.toImage(e), e); this._drag = null; this._changed(); } };
      svgEl.addEventListener('pointerup', end);
      svgEl.addEventListener('pointercancel', () => { this._drag = null; this._paint(); });
      this._stage.wrap.addEventListener('keydown', (e) => this._key(e));
      this._list = h('ul', { class: 'lp-shapes', part: 'annotation-list', 'aria-label': 'Annotations' });
      L.main.append(this._choices.group, h('p', { class: 'lp-hint', part: 'hint', text: this._help }), this._stage.wrap, this._list);
      L.finish();
      this._err = L.err;
      this._changed();
    }
    _picker() {
      const old = this._choices;
      this._choices = makeChoices({ labels: this._labels, multi: false, colors: COLORS, aria: 'Label', onChange: (i) => this._labelPicked(i) });
      this._choices.sel = new Set([this._cur]);
      this._choices.paint();
      if (old) old.group.replaceWith(this._choices.group);
    }
    // Templates read and extend the label list (A2I's hierarchical bounding-box sample does).
    get labels() {
      if (this._labels) return this._labels.slice();
      try { return listAttr(this, 'labels').map(labelText); } catch (_) { return []; }
    }
    set labels(v) {
      if (!Array.isArray(v)) return;
      if (!this._choices) { this.setAttribute('labels', JSON.stringify(v.map(labelText))); return; }
      this._labels = v.map(labelText);
      if (!this._labels.length) this._labels = [''];
      this._cur = Math.min(this._cur, this._labels.length - 1);
      this._picker();
      this._changed();
    }
    _readInitial() {
      const v = readAttr(this, 'initial-value', null);
      this._hadInitial = v != null;
      if (v == null) return [];
      const list = Array.isArray(v) ? v : isObj(v) && Array.isArray(v[this._key0]) ? v[this._key0] : null;
      if (!list) throw new Error('The "initial-value" attribute must be a list of ' + this._key0 + '.');
      return list.filter(isObj).map((x) => this._fromInitial(x));
    }
    _color(label) { const i = this._labels.indexOf(label); return COLORS[(i < 0 ? 0 : i) % COLORS.length]; }
    _labelPicked(i) {
      this._cur = i;
      if (this._sel >= 0 && this._shapes[this._sel]) { this._shapes[this._sel].label = this._labels[i]; this._sel = -1; this._changed(); }
    }
    _select(i) {
      this._sel = i;
      const sh = this._shapes[i];
      if (sh) { const li = this._labels.indexOf(sh.label); if (li >= 0) { this._choices.sel = new Set([li]); this._cur = li; this._choices.paint(); } }
    }
    _pick(i) { return this._choices.activate(i); }
    _key(e) {
      if (locked()) return;
      const k = e.key;
      if ((k === 'Delete' || k === 'Backspace') && this._sel >= 0) { e.preventDefault(); this._remove(this._sel); return; }
      if (k === 'Escape' && (this._sel >= 0 || this._busy())) { e.preventDefault(); this._cancel(); this._sel = -1; this._changed(); return; }
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[k];
      if (d && this._sel >= 0) { e.preventDefault(); const m = e.shiftKey ? 10 : 1; this._nudge(this._shapes[this._sel], d[0] * m, d[1] * m); this._changed(); }
    }
    _busy() { return false; }
    _cancel() {}
    _remove(i) { this._shapes.splice(i, 1); this._sel = -1; this._changed(); }
    _changed() { this._showError(''); this._paint(); this._renderList(); }
    _renderList() {
      const list = this._list;
      list.textContent = '';
      this._shapes.forEach((sh, i) => {
        const pick = h('button', { type: 'button', class: 'lp-grow', 'data-lp': '', 'aria-pressed': String(i === this._sel) },
          h('span', { class: 'lp-swatch', style: 'display:inline-block;margin-right:.4rem;background:' + this._color(sh.label) }), sh.label + ' \u2014 ' + this._describe(sh));
        pick.addEventListener('click', () => { this._select(i); this._changed(); this._stage.wrap.focus(); });
        const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove ' + sh.label + ' ' + (i + 1), text: '\u00d7' });
        del.addEventListener('click', () => { if (!locked()) this._remove(i); });
        list.append(h('li', { class: i === this._sel ? 'lp-sel' : null }, pick, del));
      });
      queueHeight();
    }
    _paint() {
      const st = this._stage;
      if (!st || !st.ok) return;
      const g = st.svg;
      g.textContent = '';
      const sc = st.scale();
      this._shapes.forEach((sh, i) => this._drawShape(g, sh, i, sc));
      this._drawExtra(g, sc);
    }
    _label(g, x, y, text, color, sc) {
      const t = s('text', { x: x + 2 * sc, y: Math.max(y - 4 * sc, 12 * sc), fill: color, class: 'lp-svgtext', 'font-size': 13 * sc });
      t.textContent = text;
      g.append(t);
    }
    _handle(g, x, y, i, extra, sc, color) {
      g.append(s('circle', Object.assign({ cx: x, cy: y, r: 5 * sc, stroke: color, class: 'lp-handle', 'data-i': i, style: 'cursor:pointer' }, extra)));
    }
    _drawExtra() {}
    get value() {
      if (!this._stage) return undefined;
      const v = this._out();
      if (this._stage.ok) v.inputImageProperties = props(this._stage);
      return v;
    }
    get _submittableValue() { return this.value; }
    _validate() { return imageProblem(this._stage); }
    _contribute(answer) { if (this.name) answer[this.name] = this.value; }
  }
  const R = Math.round;

  class BoundingBox extends Annotator {
    get _key0() { return 'boundingBoxes'; }
    get _help() { return 'Drag on the image to draw a box with the chosen label. Click a box to select it: drag it or its corners to adjust it, choose a label to relabel it, or press Delete to remove it.'; }
    _fromInitial(b) { return { label: labelText(b.label), left: +b.left || 0, top: +b.top || 0, width: +b.width || 0, height: +b.height || 0 }; }
    _describe(b) { return R(b.width) + '\u00d7' + R(b.height) + ' at ' + R(b.left) + ', ' + R(b.top); }
    _out() {
      const v = { boundingBoxes: this._shapes.map((b) => ({ height: R(b.height), label: b.label, left: R(b.left), top: R(b.top), width: R(b.width) })) };
      if (this._initialJson != null) v.initialValueModified = JSON.stringify({ boundingBoxes: v.boundingBoxes }) !== this._initialJson;
      return v;
    }
    _down(p, t) {
      const i = t.dataset ? t.dataset.i : undefined;
      if (t.dataset && t.dataset.corner) {
        const b = this._shapes[+i];
        const c = t.dataset.corner;
        this._drag = { mode: 'resize', i: +i, fx: c.includes('w') ? b.left + b.width : b.left, fy: c.includes('n') ? b.top + b.height : b.top };
      } else if (i !== undefined) {
        this._select(+i);
        const b = this._shapes[+i];
        this._drag = { mode: 'move', i: +i, dx: p.x - b.left, dy: p.y - b.top };
      } else {
        this._sel = -1;
        this._drag = { mode: 'draw', x0: p.x, y0: p.y, x1: p.x, y1: p.y };
      }
    }
    _move(p) {
      const d = this._drag, st = this._stage;
      if (d.mode === 'draw') { d.x1 = p.x; d.y1 = p.y; }
      else if (d.mode === 'move') { const b = this._shapes[d.i]; b.left = clamp(p.x - d.dx, 0, st.w - b.width); b.top = clamp(p.y - d.dy, 0, st.h - b.height); }
      else { const b = this._shapes[d.i]; Object.assign(b, { left: Math.min(d.fx, p.x), top: Math.min(d.fy, p.y), width: Math.abs(p.x - d.fx), height: Math.abs(p.y - d.fy) }); }
    }
    _up(p) {
      const d = this._drag;
      this._move(p);
      if (d.mode !== 'draw') return;
      const w = Math.abs(d.x1 - d.x0), hh = Math.abs(d.y1 - d.y0), sc = this._stage.scale();
      if (w / sc < 4 || hh / sc < 4) return;
      this._shapes.push({ label: this._labels[this._cur], left: Math.min(d.x0, d.x1), top: Math.min(d.y0, d.y1), width: w, height: hh });
    }
    _nudge(b, dx, dy) { b.left = clamp(b.left + dx, 0, this._stage.w - b.width); b.top = clamp(b.top + dy, 0, this._stage.h - b.height); }
    _drawShape(g, b, i, sc) {
      const c = this._color(b.label), sel = i === this._sel;
      g.append(s('rect', { x: b.left, y: b.top, width: b.width, height: b.height, fill: c, 'fill-opacity': sel ? 0.22 : 0.1, stroke: c, class: 'lp-shape' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      this._label(g, b.left, b.top, b.label, c, sc);
      if (sel) {
        for (const [corner, x, y] of [['nw', b.left, b.top], ['ne', b.left + b.width, b.top], ['sw', b.left, b.top + b.height], ['se', b.left + b.width, b.top + b.height]])
          this._handle(g, x, y, i, { 'data-corner': corner, style: 'cursor:' + corner + '-resize' }, sc, c);
      }
    }
    _drawExtra(g) {
      const d = this._drag;
      if (d && d.mode === 'draw') {
        const c = this._color(this._labels[this._cur]);
        g.append(s('rect', { x: Math.min(d.x0, d.x1), y: Math.min(d.y0, d.y1), width: Math.abs(d.x1 - d.x0), height: Math.abs(d.y1 - d.y0), fill: c, 'fill-opacity': 0.15, stroke: c, 'stroke-dasharray': '6 4', class: 'lp-shape' }));
      }
    }
  }

  class Keypoint extends Annotator {
    get _key0() { return 'keypoints'; }
    get _help() { return 'Click the image to place a point with the chosen label. Drag a point to move it; click it, then choose a label to relabel it or press Delete to remove it.'; }
    _fromInitial(p) { return { label: labelText(p.label), x: +p.x || 0, y: +p.y || 0 }; }
    _describe(p) { return '(' + R(p.x) + ', ' + R(p.y) + ')'; }
    _out() { return { keypoints: this._shapes.map((p) => ({ label: p.label, x: R(p.x), y: R(p.y) })) }; }
    _down(p, t) {
      let i = t.dataset ? t.dataset.i : undefined;
      const fresh = i === undefined;
      if (fresh) { this._shapes.push({ label: this._labels[this._cur], x: p.x, y: p.y }); i = this._shapes.length - 1; } else this._select(+i);
      this._drag = { i: +i, fresh };
    }
    _move(p) { const k = this._shapes[this._drag.i]; k.x = p.x; k.y = p.y; }
    _up(p) { this._move(p); if (this._drag.fresh) this._sel = -1; }
    _nudge(k, dx, dy) { k.x = clamp(k.x + dx, 0, this._stage.w); k.y = clamp(k.y + dy, 0, this._stage.h); }
    _drawShape(g, k, i, sc) {
      const c = this._color(k.label), sel = i === this._sel;
      g.append(s('circle', { cx: k.x, cy: k.y, r: (sel ? 8 : 6) * sc, fill: c, stroke: '#fff', class: 'lp-shape' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      this._label(g, k.x + 6 * sc, k.y - 4 * sc, k.label, c, sc);
    }
  }

  class Polygon extends Annotator {
    get _key0() { return 'polygons'; }
    get _help() { return 'Click to place the corners of a polygon; click the first corner, double-click or press Enter to close it (Escape cancels). Drag a corner of the selected polygon to adjust it; Delete removes it.'; }
    _fromInitial(pg) { return { label: labelText(pg.label), vertices: (Array.isArray(pg.vertices) ? pg.vertices : []).map((v) => ({ x: +v.x || 0, y: +v.y || 0 })) }; }
    _describe(pg) { return pg.vertices.length + ' corners'; }
    _out() { return { polygons: this._shapes.map((pg) => ({ label: pg.label, vertices: pg.vertices.map((v) => ({ x: R(v.x), y: R(v.y) })) })) }; }
    get _tracksHover() { return !!this._open; }
    _busy() { return !!this._open; }
    _cancel() { this._open = null; }
    _down(p, t) {
      const ds = t.dataset || {};
      const sc = this._stage.scale();
      if (this._open) {
        const first = this._open.vertices[0];
        if (this._open.vertices.length >= 3 && Math.hypot(p.x - first.x, p.y - first.y) <= 9 * sc) { this._close(); return; }
        this._open.vertices.push({ x: p.x, y: p.y });
        return;
      }
      if (ds.v !== undefined && +ds.i === this._sel) { this._drag = { i: +ds.i, v: +ds.v }; return; }
      if (ds.i !== undefined) { this._select(+ds.i); return; }
      this._sel = -1;
      this._open = { label: this._labels[this._cur], vertices: [{ x: p.x, y: p.y }], hover: p };
    }
    _move(p) {
      if (this._drag) { const v = this._shapes[this._drag.i].vertices[this._drag.v]; v.x = p.x; v.y = p.y; }
      else if (this._open) this._open.hover = p;
    }
    _up(p) { this._move(p); }
    _close() {
      const o = this._open;
      this._open = null;
      if (!o || o.vertices.length < 3) { this._paint(); return; }
      this._shapes.push({ label: o.label, vertices: o.vertices });
      this._sel = -1;
      this._changed();
    }
    render() {
      super.render();
      this._stage.svg.addEventListener('dblclick', (e) => {
        if (!this._open) return;
        e.preventDefault();
        // The two clicks of the double-click each placed a corner at the same spot; drop the extra one.
        const vs = this._open.vertices;
        while (vs.length > 3 && Math.hypot(vs[vs.length - 1].x - vs[vs.length - 2].x, vs[vs.length - 1].y - vs[vs.length - 2].y) < 1) vs.pop();
        this._close();
      });
    }
    _key(e) {
      if (this._open && e.key === 'Enter') { e.preventDefault(); this._close(); return; }
      if (this._open && e.key === 'Backspace') { e.preventDefault(); this._open.vertices.pop(); if (!this._open.vertices.length) this._open = null; this._paint(); return; }
      super._key(e);
    }
    _nudge(pg, dx, dy) { for (const v of pg.vertices) { v.x = clamp(v.x + dx, 0, this._stage.w); v.y = clamp(v.y + dy, 0, this._stage.h); } }
    _drawShape(g, pg, i, sc) {
      const c = this._color(pg.label), sel = i === this._sel;
      g.append(s('polygon', { points: pg.vertices.map((v) => v.x + ',' + v.y).join(' '), fill: c, 'fill-opacity': sel ? 0.25 : 0.12, stroke: c, class: 'lp-shape' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      if (pg.vertices[0]) this._label(g, pg.vertices[0].x, pg.vertices[0].y, pg.label, c, sc);
      if (sel) pg.vertices.forEach((v, j) => this._handle(g, v.x, v.y, i, { 'data-v': j, style: 'cursor:move' }, sc, c));
    }
    _drawExtra(g, sc) {
      const o = this._open;
      if (!o) return;
      const c = this._color(o.label);
      const pts = o.vertices.concat(o.hover ? [o.hover] : []);
      g.append(s('polyline', { points: pts.map((v) => v.x + ',' + v.y).join(' '), fill: 'none', stroke: c, 'stroke-dasharray': '6 4', class: 'lp-shape', style: 'pointer-events:none' }));
      o.vertices.forEach((v, j) => g.append(s('circle', { cx: v.x, cy: v.y, r: (j === 0 ? 6 : 4) * sc, fill: j === 0 ? '#fff' : c, stroke: c, class: 'lp-handle', style: 'pointer-events:none' })));
    }
  }

