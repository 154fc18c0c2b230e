  // ---------------------------------------------------------------- base element
  // Every element draws into its own open shadow root and shows the author's light-DOM children
  // through <slot>s: the author's markup stays where it was written (template scripts find it with
  // document.querySelector), the drawn parts sit in element.shadowRoot with `part` names (scripts
  // reach them through shadowRoot.querySelector, template CSS through crowd-x::part(name)).
  // While the document is still being parsed an element's children are not there yet, so
  // rendering waits for DOMContentLoaded and then runs in document order (containers first).
  //
  // A family file follows one pattern: addShadowCss(`its rules`) at the top, then
  //   class X extends Crowd { render(root) { root.append(h('div', { part: 'x' }, slot())); } }
  // where `root` is the element's shadow root (styles already adopted); controls the bundle makes
  // carry data-lp (never collected as plain fields, disabled with the element); this._err is the
  // element's error box; task-like elements build on taskLayout(this) below.
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
      const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
      adoptStyles(root);
      try { this.render(root); } catch (err) { this._fail(err); }
      if (this.hasAttribute('disabled') || state.expired) this._syncDisabled();
      queueHeight();
    }
    _fail(err) {
      this._broken = (err && err.message) || String(err);
      const root = this.shadowRoot || this;
      root.prepend(h('div', { class: 'lp-elerr', role: 'alert', part: 'error', text: this.localName + ': ' + this._broken }));
      if (root !== this && !root.querySelector('slot:not([name])')) root.append(slot());
    }
    render() {}
    attributeChangedCallback(name) { if (this._lpBuilt && name === 'disabled') this._syncDisabled(); }
    get disabled() { return this.hasAttribute('disabled'); }
    set disabled(v) { this.toggleAttribute('disabled', !!v); }
    get name() { return this.getAttribute('name') || ''; }
    set name(v) { this.setAttribute('name', v); }
    _syncDisabled() {
      const off = this.disabled || state.expired;
      if (this.shadowRoot) for (const c of this.shadowRoot.querySelectorAll('[data-lp]')) c.disabled = off;
      this.toggleAttribute('data-lp-expired', state.expired);
    }
    // An error shown next to this element; cleared when the worker changes something.
    _showError(msg) { if (this._err) this._err.textContent = msg || ''; }
  }

  // ---------------------------------------------------------------- shadow DOM helpers
  function slot(name) { return h('slot', name ? { name } : null); }
  // The nearest element (n itself included) passing `test`, climbing out of shadow roots to their hosts.
  function closestDeep(n, test) {
    for (let p = n; p; p = p.parentNode || p.host) if (p.nodeType === 1 && test(p)) return p;
    return null;
  }
  // Every element under root, including the contents of every open shadow root on the way (the
  // element's own shadow root too): answers and checks must see what template scripts put there.
  function deepAll(root) {
    const out = [];
    const walk = (r) => { for (const el of r.querySelectorAll('*')) { out.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
    if (root.shadowRoot) walk(root.shadowRoot);
    walk(root);
    return out;
  }
  // `change` does not leave a shadow root (`input` does), so the host fires its own, as the
  // element did when its controls were in the light DOM (template scripts listen on the host).
  function forwardChange(ctl, host) {
    ctl.addEventListener('change', () => host.dispatchEvent(new Event('change', { bubbles: true })));
    return ctl;
  }
  // A control labelled by the author's slotted text also carries that text as its aria-label:
  // tools that read a <label>'s own text (not what is slotted into it) find it by the same name.
  function mirrorLabel(ctl, host, sl, fallback) {
    const set = () => {
      const text = host.textContent.replace(/\s+/g, ' ').trim() || fallback || '';
      if (text) ctl.setAttribute('aria-label', text); else ctl.removeAttribute('aria-label');
    };
    sl.addEventListener('slotchange', set);
    set();
    return sl;
  }
  // The focused element itself, not the shadow host the document reports.
  function deepActive() {
    let a = D.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  }
  // The element an event really started on (events leaving a shadow root are retargeted to its host).
  function eventTarget(e) {
    const path = typeof e.composedPath === 'function' ? e.composedPath() : [];
    for (const n of path) if (n && n.nodeType === 1) return n;
    return e.target;
  }

  // ---------------------------------------------------------------- task layout
  const TASKS = 'crowd-classifier,crowd-classifier-multi-select,crowd-image-classifier,crowd-image-classifier-multi-select,crowd-bounding-box,crowd-keypoint,crowd-polygon,crowd-line,crowd-polyline,crowd-semantic-segmentation,crowd-instance-segmentation,crowd-entity-annotation,crowd-rekognition-detect-moderation-labels,crowd-textract-analyze-document';
  const REGIONS = ['short-instructions', 'full-instructions', 'classification-target', 'worker-comment'];
  function ownRegion(el, tag) {
    for (const r of el.querySelectorAll(tag)) {
      const owner = r.parentElement && r.parentElement.closest(TASKS);
      if (owner === el) return r;
    }
    return null;
  }
  // The standard two-column task layout, in the element's shadow root:
  //   crowd-form#wrapform (part form; an inner form, as in AWS's elements, so template scripts
  //   can add questions to it) > .lp-task (part layout) >
  //     aside.awsui-app-layout__navigation (part instructions): <slot name=short-instructions>,
  //       the full instructions link (part full-instructions-link)
  //     .lp-main.annotation-area (part main): h2 (part header), what the family appends,
  //       the error box (part error), then the author's other children (default slot)
  //   dialog.awsui-modal-dialog (parts dialog full-instructions) holding the full-instructions
  //     element itself (moved there, so its content is inside the dialog)
  // The author's other region elements stay light-DOM children of the element, in named slots.
  function taskLayout(el, defHeader) {
    const root = el.shadowRoot;
    const regions = {};
    for (const tag of REGIONS) {
      const r = ownRegion(el, tag);
      regions[tag] = r;
      if (!r) continue;
      if (r.parentElement !== el) el.append(r);
      if (tag !== 'full-instructions') r.setAttribute('slot', tag);
      r._lpOwner = el;
    }
    const placed = new Set();
    const regionSlot = (tag) => { placed.add(tag); return slot(tag); };
    const side = h('aside', { class: 'lp-side awsui-app-layout__navigation', part: 'instructions', 'aria-label': 'Instructions' });
    if (regions['short-instructions']) side.append(regionSlot('short-instructions'));
    const full = regions['full-instructions'];
    let modal = null;
    if (full) {
      placed.add('full-instructions');
      modal = makeModal(full.getAttribute('header') || 'Full instructions', full, root, { part: 'full-instructions', cls: 'awsui-modal-dialog' });
      side.append(triggerButton(full.getAttribute('link-text') || 'View full instructions', 'link', modal, 'full-instructions-link'));
      el._lpFullModal = modal;
    }
    const header = el.getAttribute('header') || defHeader || '';
    const main = h('div', { class: 'lp-main annotation-area', part: 'main' }, header ? h('h2', { class: 'lp-header', part: 'header', text: header }) : null);
    const wide = !side.childNodes.length;
    const layout = h('div', { class: 'lp-task' + (wide ? ' lp-wide' : ''), part: 'layout' }, wide ? null : side, main);
    const form = D.createElement('crowd-form');
    form._lpInner = true;
    setProps(form, { id: 'wrapform', class: 'lp-wrapform', part: 'form' });
    form.append(layout);
    const err = h('div', { class: 'lp-err', role: 'alert', part: 'error', id: uid('err') });
    const extra = h('div', { class: 'lp-extra', part: 'extra' });
    return {
      root, side, main, regions, extra, err, header, form, modal,
      // Any region the family did not place itself (regionSlot) is shown with the other children.
      slotFor: regionSlot,
      finish() {
        for (const tag of REGIONS) if (regions[tag] && !placed.has(tag)) extra.append(regionSlot(tag));
        extra.append(slot());
        main.append(err, extra);
        root.prepend(form);
      },
    };
  }
