  // ---------------------------------------------------------------- segmentation: crowd-semantic-segmentation, crowd-instance-segmentation
  // The worker paints a label map over the image with a brush, an eraser and a polygon fill. The
  // map is one number per pixel of the image's natural size (0 = unlabelled), painted without
  // anti-aliasing, so the PNG answer holds only the mapped colours and transparency.
  addShadowCss(`
.lp-segcanvas{position:absolute;inset:0;width:100%;height:100%;opacity:.55;pointer-events:none;image-rendering:pixelated}
.lp-tools{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .6rem;margin:.5rem 0}
.lp-tools .lp-btn[aria-pressed=true]{background:var(--lp-accent);border-color:var(--lp-accent);color:var(--lp-accent-ink)}
.lp-size{display:inline-flex;align-items:center;gap:.4rem;font-size:.9rem}
.lp-size input{width:8rem;accent-color:var(--lp-accent)}
.lp-brush{fill:none;stroke:#fff;stroke-width:1.5;vector-effect:non-scaling-stroke;pointer-events:none;filter:drop-shadow(0 0 1px #000)}
.lp-kcursor{stroke:#111;stroke-width:1.5;vector-effect:non-scaling-stroke;filter:drop-shadow(0 0 1px #fff)}
.lp-instances{margin:.5rem 0}
.lp-instances .lp-empty{opacity:.65;font-style:italic}
`);

  // A rectangle of pixels, x0/y0 inclusive, x1/y1 exclusive; null is empty.
  function growBox(b, x0, y0, x1, y1) {
    if (x0 >= x1 || y0 >= y1) return b;
    if (!b) return { x0, y0, x1, y1 };
    return { x0: Math.min(b.x0, x0), y0: Math.min(b.y0, y0), x1: Math.max(b.x1, x1), y1: Math.max(b.y1, y1) };
  }
  // Sets every pixel whose centre lies within r of the segment from a to b; returns the box it covered.
  function paintSegment(m, w, h, a, b, r, val) {
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - r)), x1 = Math.min(w, Math.ceil(Math.max(a.x, b.x) + r));
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - r)), y1 = Math.min(h, Math.ceil(Math.max(a.y, b.y) + r));
    const dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy, r2 = r * r;
    for (let y = y0; y < y1; y++) {
      const cy = y + 0.5;
      for (let x = x0; x < x1; x++) {
        const cx = x + 0.5;
        let t = len2 ? ((cx - a.x) * dx + (cy - a.y) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = cx - a.x - t * dx, ey = cy - a.y - t * dy;
        if (ex * ex + ey * ey <= r2) m[y * w + x] = val;
      }
    }
    return growBox(null, x0, y0, x1, y1);
  }
  // Sets every pixel whose centre is inside the polygon (even-odd rule); returns the box it covered.
  function fillPolygonMask(m, w, h, pts, val) {
    const ys = pts.map((p) => p.y);
    const y0 = Math.max(0, Math.floor(Math.min(...ys))), y1 = Math.min(h, Math.ceil(Math.max(...ys)));
    let box = null;
    for (let y = y0; y < y1; y++) {
      const cy = y + 0.5, xs = [];
      for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
        const p = pts[i], q = pts[j];
        if ((p.y <= cy) !== (q.y <= cy)) xs.push(p.x + ((cy - p.y) * (q.x - p.x)) / (q.y - p.y));
      }
      xs.sort((u, v) => u - v);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const from = Math.max(0, Math.ceil(xs[k] - 0.5)), to = Math.min(w, Math.ceil(xs[k + 1] - 0.5));
        for (let x = from; x < to; x++) m[y * w + x] = val;
        box = growBox(box, from, y, to, y + 1);
      }
    }
    return box;
  }
  function cutRect(m, w, b) {
    const out = new m.constructor((b.x1 - b.x0) * (b.y1 - b.y0));
    let k = 0;
    for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) out[k++] = m[y * w + x];
    return out;
  }
  function putRect(m, w, b, data) {
    let k = 0;
    for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) m[y * w + x] = data[k++];
  }
  function sameRect(m, w, b, data) {
    let k = 0;
    for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) if (m[y * w + x] !== data[k++]) return false;
    return true;
  }
  function rgbOf(hex) { const n = parseInt(hex.slice(1), 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; }
  // Distinct colours beyond the palette: hues a golden angle apart.
  function spreadColor(i) {
    const hue = (i * 137.508) % 360, sat = 0.7, lig = i % 2 ? 0.38 : 0.5;
    const f = (n) => {
      const k = (n + hue / 30) % 12, a = sat * Math.min(lig, 1 - lig);
      return Math.round(255 * (lig - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
    };
    return '#' + [f(0), f(8), f(4)].map((v) => v.toString(16).padStart(2, '0')).join('');
  }
  // The next colour of the palette, then of spreadColor, that `taken` does not hold.
  function freshColor(taken) {
    for (let i = 0; ; i++) {
      const c = i < COLORS.length ? COLORS[i] : spreadColor(i);
      if (!taken.has(c)) { taken.add(c); return c; }
    }
  }
  const HEX_COLOR = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;
  function hexColor(v) {
    if (typeof v !== 'string' || !HEX_COLOR.test(v.trim())) return null;
    let x = v.trim().replace('#', '').toLowerCase();
    if (x.length === 3) x = x.replace(/./g, (c) => c + c);
    return '#' + x;
  }
  // The keyboard cursor: a crosshair (and a ring of radius r) at p, in image pixels.
  function drawCursor(g, p, r, sc) {
    const arm = 14 * sc;
    const attrs = { class: 'lp-kcursor', 'pointer-events': 'none' };
    g.append(s('line', Object.assign({ x1: p.x - arm, y1: p.y, x2: p.x + arm, y2: p.y }, attrs)));
    g.append(s('line', Object.assign({ x1: p.x, y1: p.y - arm, x2: p.x, y2: p.y + arm }, attrs)));
    g.append(s('circle', Object.assign({ cx: p.x, cy: p.y, r, fill: 'none' }, attrs)));
  }

  // Parts: those of taskLayout, categories and choice (the label picker), tools (the toolbar:
  // tool, brush-size, undo, redo), hint, the image stage's (stage, image, canvas, shapes-layer),
  // label-map (the painted canvas); crowd-instance-segmentation adds instance-list and new-instance.
  class Segmenter extends Crowd {
    get _help() {
      return 'Choose a label and paint over the image. Tools: Brush (B), Eraser (E), Polygon fill (P: click the corners, then click the first corner, double-click or press Enter). [ and ] change the brush size, Ctrl+Z undoes, Ctrl+Shift+Z redoes. From the keyboard, arrow keys move a cursor (Shift: 10 pixels); hold Space to paint while moving it, or in polygon mode press Space to place a corner.';
    }
    render() {
      const L = taskLayout(this);
      this._L = L;
      this._labels = listAttr(this, 'labels').map(labelText);
      if (!this._labels.length) throw new Error('The "labels" attribute lists no labels.');
      this._setup();
      this._tool = 'brush';
      this._size = 16;
      this._cur = 0;
      this._undo = [];
      this._redo = [];
      this._ver = 0;
      this._choices = makeChoices({ labels: this._labels, multi: false, colors: this._swatches(), aria: 'Label', onChange: (i) => this._labelPicked(i) });
      this._choices.sel = new Set([0]);
      this._choices.paint();
      const tools = h('div', { class: 'lp-tools', part: 'tools', role: 'toolbar', 'aria-label': 'Painting tools' });
      this._toolBtns = {};
      for (const [tool, text, key] of [['brush', 'Brush', 'B'], ['eraser', 'Eraser', 'E'], ['polygon', 'Polygon fill', 'P']]) {
        const b = h('button', { type: 'button', class: 'lp-btn lp-small', part: 'tool', 'data-lp': '', 'aria-pressed': 'false', 'aria-keyshortcuts': key, text });
        b.addEventListener('click', () => this._setTool(tool));
        this._toolBtns[tool] = b;
        tools.append(b);
      }
      this._sizeInput = h('input', { type: 'range', min: 1, max: 100, step: 1, value: this._size, 'data-lp': '', 'aria-label': 'Brush size' });
      this._sizeOut = h('span', { text: this._size + ' px' });
      this._sizeInput.addEventListener('input', () => this._setSize(+this._sizeInput.value));
      tools.append(h('label', { class: 'lp-size', part: 'brush-size' }, 'Brush size', this._sizeInput, this._sizeOut));
      const undoBtn = h('button', { type: 'button', class: 'lp-btn lp-small', part: 'undo', 'data-lp': '', text: 'Undo', 'aria-keyshortcuts': 'Control+Z' });
      const redoBtn = h('button', { type: 'button', class: 'lp-btn lp-small', part: 'redo', 'data-lp': '', text: 'Redo', 'aria-keyshortcuts': 'Control+Shift+Z' });
      undoBtn.addEventListener('click', () => { if (this._ready()) this._step(this._undo, this._redo); });
      redoBtn.addEventListener('click', () => { if (this._ready()) this._step(this._redo, this._undo); });
      tools.append(undoBtn, redoBtn);
      this._setTool('brush');

      const st = this._stage = imageStage(srcAttr(this), { focusable: true, label: (L.header || 'Image') + ': ' + this._help, onLoad: (x) => this._loaded(x), onResize: () => this._paintSvg() });
      st.wrap.classList.add('lp-draw');
      this._canvas = h('canvas', { class: 'lp-segcanvas', part: 'label-map', 'aria-hidden': 'true' });
      st.box.insertBefore(this._canvas, st.svg);
      const svgEl = st.svg;
      svgEl.addEventListener('pointerdown', (e) => {
        if (!this._ready() || e.button !== 0) return;
        e.preventDefault();
        st.wrap.focus({ preventScroll: true });
        try { svgEl.setPointerCapture(e.pointerId); } catch (_) { /* synthetic pointer */ }
        const p = st.toImage(e);
        this._hover = p;
        this._cursor = null;
        if (this._tool === 'polygon') this._corner(p);
        else this._beginStroke(p);
        this._paintSvg();
      });
      svgEl.addEventListener('pointermove', (e) => {
        if (!st.ok) return;
        const p = st.toImage(e);
        this._hover = p;
        if (this._stroke && !this._pen) this._strokeTo(p);
        if (this._open) this._open.hover = p;
        this._paintSvg();
      });
      const end = () => { if (this._stroke && !this._pen) this._endStroke(); };
      svgEl.addEventListener('pointerup', end);
      svgEl.addEventListener('pointercancel', end);
      svgEl.addEventListener('pointerleave', () => { if (!this._stroke) { this._hover = null; this._paintSvg(); } });
      svgEl.addEventListener('dblclick', (e) => { if (this._open) { e.preventDefault(); this._closePolygon(); } });
      st.wrap.addEventListener('keydown', (e) => this._key(e));
      st.wrap.addEventListener('keyup', (e) => { if (e.key === ' ' && this._pen) { this._pen = false; if (this._stroke) this._endStroke(); } });
      st.wrap.addEventListener('blur', () => { if (this._pen) { this._pen = false; if (this._stroke) this._endStroke(); } });
      L.main.append(this._choices.group, this._panel(), tools, h('p', { class: 'lp-hint', part: 'hint', text: this._help }), st.wrap);
      L.finish();
      this._err = L.err;
    }
    _panel() { return null; }
    _ready() { return !locked() && !this.disabled && !!this._mask && !this._initialPending; }
    _pick(i) { return this._choices.activate(i); }
    _setTool(tool) {
      this._tool = tool;
      if (tool !== 'polygon') this._open = null;
      for (const [t, b] of Object.entries(this._toolBtns)) b.setAttribute('aria-pressed', String(t === tool));
      this._paintSvg();
    }
    _setSize(n) {
      this._size = clamp(Math.round(n) || 1, 1, 100);
      this._sizeInput.value = this._size;
      this._sizeOut.textContent = this._size + ' px';
      this._paintSvg();
    }
    _radius() { return Math.max(this._size / 2, 0.71); }
    _loaded(st) {
      const first = !this._mask;
      this._w = st.w;
      this._h = st.h;
      this._mask = new this._MaskType(st.w * st.h);
      this._canvas.width = st.w;
      this._canvas.height = st.h;
      this._ctx = this._canvas.getContext('2d');
      this._img = this._ctx.createImageData(st.w, st.h);
      this._undo = [];
      this._redo = [];
      this._ver++;
      if (first) this._setSize(this._size);
      this._startInitial();
      this._paintSvg();
    }
    _startInitial() {}
    // Copies the mask into the canvas inside box b, in each value's exact colour. Every change of
    // the canvas passes here, so _ver tells whether the PNG made last is still current.
    _show(b) {
      if (!b) return;
      this._ver++;
      const m = this._mask, w = this._w, px = this._img.data, table = [];
      for (let y = b.y0; y < b.y1; y++) {
        for (let x = b.x0; x < b.x1; x++) {
          const v = m[y * w + x], o = (y * w + x) * 4;
          if (!v) { px[o] = px[o + 1] = px[o + 2] = px[o + 3] = 0; continue; }
          const c = table[v] || (table[v] = rgbOf(this._valueColor(v)));
          px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2]; px[o + 3] = 255;
        }
      }
      this._ctx.putImageData(this._img, 0, 0, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    }
    _all() { return { x0: 0, y0: 0, x1: this._w, y1: this._h }; }
    _beginStroke(p) {
      const meta = this._meta();
      const val = this._tool === 'eraser' ? 0 : this._paintValue();
      this._stroke = { val, last: p, box: null, before: this._mask.slice(), meta };
      this._strokeTo(p);
    }
    _strokeTo(p) {
      const k = this._stroke;
      const b = paintSegment(this._mask, this._w, this._h, k.last, p, this._radius(), k.val);
      if (b) { k.box = growBox(k.box, b.x0, b.y0, b.x1, b.y1); this._show(b); }
      k.last = p;
    }
    _endStroke() {
      const k = this._stroke;
      this._stroke = null;
      this._commit(k.before, k.box, k.meta);
    }
    // Records one undo step: what box b held before, and the element's other state (instances).
    _commit(before, b, meta) {
      const changed = b && !sameRect(this._mask, this._w, b, cutRect(before, this._w, b));
      if (!changed && meta === this._meta()) { this._changed(); return; }
      const box = b || { x0: 0, y0: 0, x1: 0, y1: 0 };
      this._undo.push({ box, data: cutRect(before, this._w, box), meta });
      if (this._undo.length > 50) this._undo.shift();
      this._redo = [];
      this._changed();
    }
    // Undo (from undo to redo) or redo (the other way round).
    _step(from, to) {
      if (this._open) { this._backCorner(); return; }
      const e = from.pop();
      if (!e) return;
      to.push({ box: e.box, data: cutRect(this._mask, this._w, e.box), meta: this._meta() });
      putRect(this._mask, this._w, e.box, e.data);
      this._restore(e.meta);
      this._show(e.box);
      this._changed();
    }
    _meta() { return ''; }
    _restore() {}
    _changed() { this._showError(''); this._paintSvg(); }
    _corner(p) {
      const o = this._open;
      if (!o) { this._open = { vertices: [p], hover: p }; return; }
      const sc = this._stage.scale(), first = o.vertices[0], last = o.vertices[o.vertices.length - 1];
      if (o.vertices.length >= 3 && Math.hypot(p.x - first.x, p.y - first.y) <= 9 * sc) { this._closePolygon(); return; }
      if (Math.hypot(p.x - last.x, p.y - last.y) / sc < 2) return;
      o.vertices.push(p);
    }
    _backCorner() {
      this._open.vertices.pop();
      if (!this._open.vertices.length) this._open = null;
      this._paintSvg();
    }
    _closePolygon() {
      const o = this._open;
      this._open = null;
      if (!o || o.vertices.length < 3) { this._paintSvg(); return; }
      const meta = this._meta(), before = this._mask.slice();
      const b = fillPolygonMask(this._mask, this._w, this._h, o.vertices, this._paintValue());
      this._show(b);
      this._commit(before, b, meta);
    }
    _key(e) {
      if (!this._ready()) return;
      const k = e.key, mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && (k === 'z' || k === 'Z')) { e.preventDefault(); if (e.shiftKey) this._step(this._redo, this._undo); else this._step(this._undo, this._redo); return; }
      if (mod && !e.altKey && (k === 'y' || k === 'Y')) { e.preventDefault(); this._step(this._redo, this._undo); return; }
      if (mod || e.altKey) return;
      if (this._open) {
        if (k === 'Enter') { e.preventDefault(); this._closePolygon(); return; }
        if (k === 'Escape') { e.preventDefault(); this._open = null; this._paintSvg(); return; }
        if (k === 'Backspace') { e.preventDefault(); this._backCorner(); return; }
      }
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[k];
      if (d) {
        e.preventDefault();
        const m = e.shiftKey ? 10 : 1, c = this._cursor || this._center();
        this._cursor = { x: clamp(c.x + d[0] * m, 0, this._w), y: clamp(c.y + d[1] * m, 0, this._h) };
        if (this._stroke && this._pen) this._strokeTo(this._cursor);
        if (this._open) this._open.hover = this._cursor;
        this._paintSvg();
        return;
      }
      if (k === ' ') {
        e.preventDefault();
        if (e.repeat) return;
        if (!this._cursor) this._cursor = this._center();
        if (this._tool === 'polygon') this._corner(this._cursor);
        else if (!this._stroke) { this._pen = true; this._beginStroke(this._cursor); }
        this._paintSvg();
        return;
      }
      const tool = { b: 'brush', e: 'eraser', p: 'polygon' }[k.toLowerCase()];
      if (tool) { e.preventDefault(); this._setTool(tool); return; }
      const grow = { '[': -1, ']': 1, '{': -10, '}': 10 }[k];
      if (grow) { e.preventDefault(); this._setSize(this._size + grow); return; }
      this._otherKey(e);
    }
    _otherKey() {}
    // Centre of the image in whole pixels, plus half a pixel: the cursor sits on a pixel's centre.
    _center() { return { x: Math.floor(this._w / 2) + 0.5, y: Math.floor(this._h / 2) + 0.5 }; }
    _paintSvg() {
      const st = this._stage;
      if (!st || !st.ok) return;
      const g = st.svg, sc = st.scale();
      g.textContent = '';
      const o = this._open;
      if (o) {
        const c = this._paintColor();
        const pts = o.vertices.concat(o.hover ? [o.hover] : []);
        g.append(s('polyline', { points: pts.map((v) => v.x + ',' + v.y).join(' '), fill: c, 'fill-opacity': 0.15, stroke: c, 'stroke-dasharray': '6 4', class: 'lp-shape', style: 'pointer-events:none' }));
        o.vertices.forEach((v, j) => g.append(s('circle', { cx: v.x, cy: v.y, r: (j === 0 ? 6 : 4) * sc, fill: j === 0 ? '#fff' : c, stroke: c, class: 'lp-handle', style: 'pointer-events:none' })));
      }
      const at = this._cursor || this._hover;
      if (at && this._tool !== 'polygon') g.append(s('circle', { cx: at.x, cy: at.y, r: this._radius(), class: 'lp-brush' }));
      if (this._cursor) drawCursor(g, this._cursor, 3 * sc, sc);
    }
    // True when at least one pixel carries a value.
    _painted() { return this._mask ? this._mask.some((v) => v !== 0) : false; }
    _png() {
      if (this._pngVer !== this._ver) { this._pngData = this._canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, ''); this._pngVer = this._ver; }
      return this._pngData;
    }
    get value() {
      if (!this._mask || this._initialPending) return undefined;
      return this._answer();
    }
    get _submittableValue() { return this.value; }
    _validate() {
      const p = imageProblem(this._stage);
      if (p) return p;
      if (this._initialPending) return { message: 'The earlier labels are still loading; try again in a moment.' };
      if (this._initialFailed) return { message: this._initialFailed };
      if (this._open) return { message: 'Finish the polygon you are drawing (Enter) or cancel it (Escape) before submitting.' };
      if (flag(this, 'required') && !this._painted()) return { message: 'Paint at least one region before submitting.' };
      return null;
    }
    _contribute(answer) { if (this.name) answer[this.name] = this.value; }
  }

  class SemanticSegmentation extends Segmenter {
    get _MaskType() { return Uint8Array; }
    // Colours: the initial value's labelMappings where given, else the palette. Labels that only
    // the initial value names are added to the list, so their regions can be kept or repainted.
    _setup() {
      const init = readAttr(this, 'initial-value', null);
      this._hadInitial = init != null;
      if (init != null && !isObj(init)) throw new Error('The "initial-value" attribute must be an object with "labelMappings" and "src".');
      const maps = init && isObj(init.labelMappings) ? init.labelMappings : {};
      for (const name of Object.keys(maps)) if (!this._labels.includes(name)) this._labels.push(name);
      const taken = new Set();
      const given = this._labels.map((l) => hexColor(isObj(maps[l]) ? maps[l].color : maps[l]));
      for (const c of given) if (c) taken.add(c);
      this._colors = given.map((c) => c || freshColor(taken));
      this._initialSrc = init && typeof init.src === 'string' ? init.src.trim() : '';
    }
    _swatches() { return this._colors; }
    _labelPicked(i) { this._cur = i; this._paintSvg(); }
    _paintValue() { return this._cur + 1; }
    _paintColor() { return this._colors[this._cur]; }
    _valueColor(v) { return this._colors[v - 1]; }
    // The initial label map: each pixel takes the label of its colour (the nearest label colour
    // when the PNG was resampled; white, black and far-off colours stay unlabelled).
    _startInitial() {
      if (!this._initialSrc) { if (this._hadInitial) this._initialMask = this._mask.slice(); return; }
      this._initialPending = true;
      const src = this._initialSrc;
      const im = new Image();
      if (!/^(data:|blob:)/.test(src) && /^(https?:|\/)/.test(src)) im.crossOrigin = 'anonymous';
      const fail = () => {
        this._initialPending = false;
        this._initialFailed = 'The earlier labels (initial-value src) could not be loaded, so this task cannot be answered.';
        this._showError(this._initialFailed);
      };
      im.onerror = fail;
      im.onload = () => {
        let data;
        try {
          const cv = h('canvas');
          cv.width = this._w; cv.height = this._h;
          const cx = cv.getContext('2d');
          cx.imageSmoothingEnabled = false;
          cx.drawImage(im, 0, 0, this._w, this._h);
          data = cx.getImageData(0, 0, this._w, this._h).data;
        } catch (_) { fail(); return; }
        const rgbs = this._colors.map(rgbOf), exact = new Map();
        rgbs.forEach((c, i) => { if (!exact.has(c.join())) exact.set(c.join(), i + 1); });
        const m = this._mask;
        for (let i = 0, o = 0; i < m.length; i++, o += 4) {
          if (data[o + 3] < 128) continue;
          const r = data[o], g = data[o + 1], b = data[o + 2], key = r + ',' + g + ',' + b;
          let v = exact.get(key);
          if (v === undefined && ((r | g | b) === 0 || (r & g & b) === 255)) v = 0;
          if (v === undefined) {
            let best = 0, bestD = 40 * 40 * 3;
            rgbs.forEach((c, j) => { const dd = (c[0] - r) ** 2 + (c[1] - g) ** 2 + (c[2] - b) ** 2; if (dd < bestD) { bestD = dd; best = j + 1; } });
            v = best;
            exact.set(key, v);
          }
          m[i] = v;
        }
        this._initialMask = m.slice();
        this._initialPending = false;
        this._show(this._all());
        queueHeight();
      };
      im.src = /^(data:|blob:|https?:|\/)/.test(src) ? src : 'data:image/png;base64,' + src;
    }
    _answer() {
      const labelMappings = {};
      this._labels.forEach((l, i) => { labelMappings[l] = { color: this._colors[i] }; });
      const v = { inputImageProperties: props(this._stage), labelMappings, labeledImage: { pngImageData: this._png() } };
      if (this._hadInitial) v.initialValueModified = !this._initialMask || this._mask.some((x, i) => x !== this._initialMask[i]);
      return v;
    }
  }

  class InstanceSegmentation extends Segmenter {
    get _MaskType() { return Uint16Array; }
    get _help() { return super._help + ' Each instance gets its own colour: New instance (N) starts another one of the chosen label, Delete removes the chosen instance.'; }
    _setup() {
      this._instances = [];
      this._inst = -1;
      // Every colour handed out, kept across undo, so no two instances ever share one.
      this._taken = new Set();
    }
    _swatches() { return null; }
    _panel() {
      const add = h('button', { type: 'button', class: 'lp-btn lp-small', part: 'new-instance', 'data-lp': '', 'aria-keyshortcuts': 'N', text: 'New instance' });
      add.addEventListener('click', () => { if (this._ready()) { this._newInstance(); this._changed(); } });
      this._list = h('ul', { class: 'lp-shapes', part: 'instance-list', 'aria-label': 'Instances' });
      return h('div', { class: 'lp-instances' }, this._list, h('div', { class: 'lp-tools' }, add));
    }
    _newInstance() {
      const label = this._labels[this._cur];
      const n = this._instances.filter((x) => x.label === label).length + 1;
      const color = freshColor(this._taken);
      this._instances.push({ label, color, n, deleted: false });
      this._inst = this._instances.length - 1;
      return this._inst;
    }
    // Choosing a label continues its latest instance (a new one if it has none).
    _labelPicked(i) {
      this._cur = i;
      let k = -1;
      this._instances.forEach((x, j) => { if (!x.deleted && x.label === this._labels[i]) k = j; });
      this._inst = k;
      this._changed();
    }
    _selectInstance(j) {
      const x = this._instances[j];
      if (!x || x.deleted) return;
      this._inst = j;
      const li = this._labels.indexOf(x.label);
      if (li >= 0) { this._cur = li; this._choices.sel = new Set([li]); this._choices.paint(); }
      this._changed();
    }
    _paintValue() {
      const cur = this._instances[this._inst];
      if (!cur || cur.deleted || cur.label !== this._labels[this._cur]) this._newInstance();
      return this._inst + 1;
    }
    _paintColor() {
      const cur = this._instances[this._inst];
      return cur && !cur.deleted ? cur.color : '#64748b';
    }
    _valueColor(v) { return this._instances[v - 1].color; }
    _meta() { return JSON.stringify({ inst: this._inst, list: this._instances }); }
    _restore(meta) {
      const m = JSON.parse(meta);
      this._instances = m.list;
      this._inst = m.inst;
    }
    _deleteInstance(j) {
      const x = this._instances[j];
      if (!x || x.deleted) return;
      const meta = this._meta(), before = this._mask.slice(), m = this._mask, w = this._w, val = j + 1;
      let b = null;
      for (let i = 0; i < m.length; i++) if (m[i] === val) { m[i] = 0; const px = i % w, py = (i - px) / w; b = growBox(b, px, py, px + 1, py + 1); }
      x.deleted = true;
      if (this._inst === j) this._inst = -1;
      this._show(b);
      this._commit(before, b, meta);
    }
    _otherKey(e) {
      if (e.key === 'n' || e.key === 'N') { e.preventDefault(); this._newInstance(); this._changed(); }
      else if ((e.key === 'Delete' || e.key === 'Backspace') && this._inst >= 0) { e.preventDefault(); this._deleteInstance(this._inst); }
    }
    _pixelCounts() {
      const counts = new Map();
      for (const v of this._mask) if (v) counts.set(v, (counts.get(v) || 0) + 1);
      return counts;
    }
    _changed() {
      super._changed();
      if (!this._list) return;
      const counts = this._mask ? this._pixelCounts() : new Map();
      this._list.textContent = '';
      this._instances.forEach((x, j) => {
        if (x.deleted) return;
        const name = x.label + ' ' + x.n, empty = !counts.get(j + 1);
        const pick = h('button', { type: 'button', class: 'lp-grow' + (empty ? ' lp-empty' : ''), 'data-lp': '', 'aria-pressed': String(j === this._inst) },
          h('span', { class: 'lp-swatch', style: 'display:inline-block;margin-right:.4rem;background:' + x.color }), name + (empty ? ' (nothing painted)' : ''));
        pick.addEventListener('click', () => { if (!locked()) { this._selectInstance(j); this._stage.wrap.focus(); } });
        const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove ' + name, text: '\u00d7' });
        del.addEventListener('click', () => { if (this._ready()) this._deleteInstance(j); });
        this._list.append(h('li', { class: j === this._inst ? 'lp-sel' : null }, pick, del));
      });
      if (this.disabled || locked()) this._syncDisabled();
      queueHeight();
    }
    // Instances in the order they were made; those with no pixels left are not part of the answer.
    _answer() {
      const counts = this._pixelCounts();
      const instances = [];
      this._instances.forEach((x, j) => { if (!x.deleted && counts.get(j + 1)) instances.push({ color: x.color, label: x.label }); });
      return { inputImageProperties: props(this._stage), instances, labeledImage: { pngImageData: this._png() } };
    }
  }
