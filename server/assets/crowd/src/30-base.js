  // ---------------------------------------------------------------- base element
  // Elements render into their light DOM. While the document is still being parsed an element's
  // children are not there yet, so rendering waits for DOMContentLoaded and then runs in document
  // order (containers before the regions inside them).
  class Crowd extends HTMLElement {
    static get observedAttributes() { return ['disabled']; }
    connectedCallback() {
      if (this._lpQueued || this._lpBuilt) return;
      this._lpQueued = true;
      if (state.flushed) this._lpBuild(); else state.pending.push(this);
    }
    _lpBuild() {
      this._lpQueued = false;
      if (this._lpBuilt || !this.isConnected) return;
      this._lpBuilt = true;
      this.setAttribute('data-lp-ready', '');
      try { this.render(); } catch (err) { this._fail(err); }
      if (this.hasAttribute('disabled') || state.expired) this._syncDisabled();
      queueHeight();
    }
    _fail(err) {
      this._broken = (err && err.message) || String(err);
      this.prepend(h('div', { class: 'lp-elerr', role: 'alert', text: this.localName + ': ' + this._broken }));
    }
    render() {}
    attributeChangedCallback(name) { if (this._lpBuilt && name === 'disabled') this._syncDisabled(); }
    get disabled() { return this.hasAttribute('disabled'); }
    set disabled(v) { this.toggleAttribute('disabled', !!v); }
    get name() { return this.getAttribute('name') || ''; }
    set name(v) { this.setAttribute('name', v); }
    _syncDisabled() {
      const off = this.disabled || state.expired;
      for (const c of this.querySelectorAll('[data-lp]')) if (nearestCrowd(c) === this) c.disabled = off;
    }
    // An error shown next to this element; cleared when the worker changes something.
    _showError(msg) { if (this._err) this._err.textContent = msg || ''; }
  }
  function nearestCrowd(n) {
    for (let p = n.parentElement; p; p = p.parentElement) if (p instanceof Crowd) return p;
    return null;
  }

  const TASKS = 'crowd-classifier,crowd-classifier-multi-select,crowd-image-classifier,crowd-image-classifier-multi-select,crowd-bounding-box,crowd-keypoint,crowd-polygon,crowd-line,crowd-polyline,crowd-semantic-segmentation,crowd-instance-segmentation,crowd-entity-annotation,crowd-rekognition-detect-moderation-labels,crowd-textract-analyze-document';
  function ownRegion(el, tag) {
    for (const r of el.querySelectorAll(tag)) {
      const owner = r.parentElement && r.parentElement.closest(TASKS);
      if (owner === el) return r;
    }
    return null;
  }
  // The standard two-column task layout: instructions on the side, header + work area in main.
  function taskLayout(el, defHeader) {
    const regions = {};
    for (const tag of ['short-instructions', 'full-instructions', 'classification-target', 'worker-comment']) {
      regions[tag] = ownRegion(el, tag);
      if (regions[tag]) regions[tag].remove();
    }
    const extra = moveChildren(el, h('div', { class: 'lp-extra' }));
    const side = h('aside', { class: 'lp-side', 'aria-label': 'Instructions' });
    if (regions['short-instructions']) side.append(regions['short-instructions']);
    if (regions['full-instructions']) side.append(regions['full-instructions']);
    const header = el.getAttribute('header') || defHeader || '';
    const main = h('div', { class: 'lp-main' }, header ? h('h2', { class: 'lp-header', text: header }) : null);
    const root = h('div', { class: 'lp-task' + (side.childNodes.length ? '' : ' lp-wide') }, side.childNodes.length ? side : null, main);
    el.append(root);
    const err = h('div', { class: 'lp-err', role: 'alert', id: uid('err') });
    return {
      root, side, main, regions, extra, err, header,
      finish() {
        for (const r of Object.values(regions)) if (r && !r.isConnected) extra.prepend(r);
        main.append(err, extra);
      },
    };
  }

