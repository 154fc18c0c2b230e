  // ---------------------------------------------------------------- images
  // An image with an SVG drawn over it in the image's natural pixel space.
  function imageStage(src, o) {
    o = o || {};
    const img = h('img', { alt: o.alt || 'Task image', draggable: 'false' });
    const svgEl = s('svg', { 'aria-hidden': 'true', preserveAspectRatio: 'none' });
    const box = h('div', { class: 'lp-stagebox' }, img, svgEl);
    const wrap = h('div', { class: 'lp-stage', tabindex: o.focusable ? 0 : null, role: o.focusable ? 'application' : null, 'aria-label': o.label || null }, box);
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
      if (!wrap.querySelector('.lp-stage-msg')) wrap.append(h('div', { class: 'lp-stage-msg', role: 'alert', text: 'The image could not be loaded.' }));
      queueHeight();
    });
    if (o.unit) svgEl.setAttribute('viewBox', '0 0 1 1');
    if (typeof ResizeObserver === 'function' && o.onResize) new ResizeObserver(() => o.onResize(st)).observe(img);
    if (src) img.src = src; else { st.failed = true; wrap.append(h('div', { class: 'lp-stage-msg', role: 'alert', text: 'No image was given (the src attribute is empty).' })); }
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
        st.box.append(h('img', { class: 'lp-overlay', alt: '', src: /^(data:|blob:|https?:|\/)/.test(segSrc) ? segSrc : 'data:image/png;base64,' + segSrc }));
      }
    }
    _validate() { return imageProblem(this._stage) || super._validate(); }
  }
  class ImageMultiClassifier extends ImageClassifier { get _multi() { return true; } }

