  // ---------------------------------------------------------------- images
  addShadowCss(`
.lp-stagebox{position:relative;display:inline-block;max-width:100%;line-height:0;border:1px solid var(--lp-line);border-radius:4px;background:repeating-conic-gradient(#eef1f5 0 25%,#fff 0 50%) 0 0/16px 16px;user-select:none;-webkit-user-select:none;touch-action:none}
.lp-stagebox img{display:block;max-width:100%;height:auto}
.lp-stagebox svg{position:absolute;inset:0;width:100%;height:100%;overflow:visible}
.lp-stage{display:block}
.lp-stage.lp-draw svg{cursor:crosshair}
.lp-stage-msg{font-size:.9rem;color:var(--lp-muted);line-height:1.4;padding:.5rem}
.lp-canvas{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}
:host([data-lp-expired]) .lp-stagebox{cursor:not-allowed;opacity:.75}
.lp-overlay{position:absolute;inset:0;width:100%;height:100%;opacity:.5;pointer-events:none}
.lp-shape{vector-effect:non-scaling-stroke;stroke-width:2;cursor:move}
.lp-shape.lp-sel{stroke-width:3}
.lp-handle{vector-effect:non-scaling-stroke;fill:#fff;stroke-width:2}
.lp-svgtext{paint-order:stroke;stroke:#fff;stroke-width:3px;font-family:var(--lp-font);font-weight:700;pointer-events:none}
`);
  // An image with an SVG drawn over it in the image's natural pixel space. Parts: stage (the
  // focusable frame), image, overlay (image classifiers), message (load errors). A transparent
  // canvas.upper-canvas (part canvas) covers the image exactly, as the drawing canvas of AWS's
  // annotation tools does, so template scripts that line things up with it keep working.
  function imageStage(src, o) {
    o = o || {};
    const img = h('img', { alt: o.alt || 'Task image', part: 'image', draggable: 'false' });
    const svgEl = s('svg', { 'aria-hidden': 'true', part: 'shapes-layer', preserveAspectRatio: 'none' });
    const box = h('div', { class: 'lp-stagebox', part: 'stage-box' }, img, h('canvas', { class: 'lp-canvas upper-canvas', part: 'canvas', 'aria-hidden': 'true' }), svgEl);
    const wrap = h('div', { class: 'lp-stage', part: 'stage', tabindex: o.focusable ? 0 : null, role: o.focusable ? 'application' : null, 'aria-label': o.label || null }, box);
    const st = {
      wrap, box, img, svg: svgEl, w: 0, h: 0, ok: false, failed: false,
      toImage(e) {
        const r = img.getBoundingClientRect();
        return { x: clamp((e.clientX - r.left) * st.w / r.width, 0, st.w), y: clamp((e.clientY - r.top) * st.h / r.height, 0, st.h) };
      },
      scale() { const r = img.getBoundingClientRect(); return r.width ? st.w / r.width : 1; },
      setSrc(u) { st.ok = false; img.src = u; },
    };
    img.addEventListener('load', () => {
      st.w = img.naturalWidth; st.h = img.naturalHeight; st.ok = true; st.failed = false;
      if (!o.unit) svgEl.setAttribute('viewBox', '0 0 ' + st.w + ' ' + st.h);
      if (o.onLoad) o.onLoad(st);
      queueHeight();
    });
    img.addEventListener('error', () => {
      st.failed = true;
      if (!wrap.querySelector('.lp-stage-msg')) wrap.append(h('div', { class: 'lp-stage-msg', part: 'message', role: 'alert', text: 'The image could not be loaded.' }));
      queueHeight();
    });
    if (o.unit) svgEl.setAttribute('viewBox', '0 0 1 1');
    if (typeof ResizeObserver === 'function' && o.onResize) new ResizeObserver(() => o.onResize(st)).observe(img);
    if (src) img.src = src; else { st.failed = true; wrap.append(h('div', { class: 'lp-stage-msg', part: 'message', role: 'alert', text: 'No image was given (the src attribute is empty).' })); }
    return st;
  }
  function imageProblem(st) {
    if (st.ok) return null;
    return { message: st.failed ? 'The image could not be loaded, so this task cannot be answered.' : 'The image is still loading; try again in a moment.' };
  }
  function props(st) { return { height: st.h, width: st.w }; }

  class ImageClassifier extends Classifier {
    _target(L) {
      this._stage = imageStage(srcAttr(this), { onLoad: (st) => this._overlay(st) });
      L.main.append(this._stage.wrap);
    }
    _overlay(st) {
      let ov;
      try { ov = readAttr(this, 'overlay', null); } catch (e) { st.wrap.append(h('div', { class: 'lp-elerr', text: e.message })); return; }
      if (!isObj(ov)) return;
      ov = camel(ov);
      const bb = ov.boundingBox;
      const list = bb && (Array.isArray(bb.value) ? bb.value : Array.isArray(bb) ? bb : null);
      if (list) {
        const labels = Array.isArray(bb.labels) ? bb.labels.map(labelText) : [];
        const sc = st.scale();
        list.forEach((b) => {
          const c = COLORS[Math.max(0, labels.indexOf(b.label)) % COLORS.length];
          st.svg.append(s('rect', { x: b.left, y: b.top, width: b.width, height: b.height, fill: 'none', stroke: c, class: 'lp-shape', style: 'pointer-events:none' }));
          if (b.label) { const t = s('text', { x: b.left + 3 * sc, y: b.top - 4 * sc, fill: c, class: 'lp-svgtext', 'font-size': 13 * sc }); t.textContent = b.label; st.svg.append(t); }
        });
      }
      const seg = ov.semanticSegmentation || ov.instanceSegmentation;
      const segSrc = seg && (typeof seg === 'string' ? seg : seg.value || seg.src);
      if (typeof segSrc === 'string' && segSrc) {
        st.box.append(h('img', { class: 'lp-overlay', part: 'overlay', alt: '', src: /^(data:|blob:|https?:|\/)/.test(segSrc) ? segSrc : 'data:image/png;base64,' + segSrc }));
      }
    }
    _validate() { return imageProblem(this._stage) || super._validate(); }
  }
  class ImageMultiClassifier extends ImageClassifier { get _multi() { return true; } }

