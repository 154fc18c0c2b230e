  // ---------------------------------------------------------------- frame plumbing
  function measure() {
    const b = D.body;
    const r = D.documentElement.getBoundingClientRect().height;
    return Math.ceil(Math.max(r, b ? b.scrollHeight : 0));
  }
  function queueHeight() {
    if (!state.flushed || state.heightQueued) return;
    state.heightQueued = true;
    requestAnimationFrame(() => {
      state.heightQueued = false;
      const hgt = measure();
      if (hgt !== state.lastHeight) { state.lastHeight = hgt; post({ type: 'loupe:height', height: hgt }); }
    });
  }
  function digitTarget() {
    if (state.digitTarget && state.digitTarget.isConnected) return state.digitTarget;
    let first = null;
    for (const el of D.querySelectorAll('*')) {
      if (!(el instanceof Crowd) || !el._pick || !el._lpBuilt || el._broken) continue;
      if (el._classLike) { first = el; break; }
      if (!first) first = el;
    }
    if (state.digitTarget) state.digitTarget.classList.remove('lp-show-keys');
    state.digitTarget = first;
    if (first) first.classList.add('lp-show-keys');
    return first;
  }
  function pickDigit(i) {
    if (state.expired || !Number.isInteger(i) || i < 0) return false;
    const t = digitTarget();
    return !!(t && !t.disabled && t._pick(i));
  }
  function expire() {
    if (state.expired) return;
    state.expired = true;
    const banner = h('div', { class: 'lp-expired', role: 'alert', 'data-lp-expired': '' },
      h('strong', { text: 'Time is up.' }), ' This task has expired, so your answer can no longer be submitted.');
    D.body.prepend(banner);
    // Reading stays possible (instructions, tabs); answering does not.
    for (const el of D.querySelectorAll('input,select,textarea,button')) if (!el.closest('.lp-layer') && !el.hasAttribute('data-lp-keep') && el.getAttribute('role') !== 'tab') el.disabled = true;
    for (const el of D.querySelectorAll('*')) if (el instanceof Crowd && el._lpBuilt) el._syncDisabled();
    D.body.classList.add('lp-is-expired');
    for (const d of D.querySelectorAll('dialog[open]')) d.close();
    try { banner.scrollIntoView({ block: 'start' }); } catch (_) { /* ignore */ }
    queueHeight();
  }
  function onKey(e) {
    if (e.defaultPrevented || e.isComposing) return;
    const t = e.target, inText = isTextField(t), modal = anyModalOpen();
    if (e.key === 'Escape') {
      if (modal) return;
      if (inText) { t.blur(); return; }
      post({ type: 'loupe:key', key: 'Escape' });
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') {
      if (!inText && !modal) { e.preventDefault(); post({ type: 'loupe:key', key: '?' }); }
      return;
    }
    if (/^[1-9]$/.test(e.key) && !inText && !modal) {
      if (pickDigit(Number(e.key) - 1)) e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !modal && !state.expired) {
      if (t && t.nodeType === 1 && !t.hasAttribute('data-lp-enter-submits')) {
        if (t.closest('textarea,select,a[href],summary,[contenteditable=""],[contenteditable=true],[role=button],[role=tab],[role=switch]')) return;
        if (t.tagName === 'BUTTON' || (t.tagName === 'INPUT' && /^(button|submit|reset|image|file)$/i.test(t.type))) return;
      }
      for (const el of D.querySelectorAll('crowd-polygon')) if (el._busy && el._busy()) return;
      e.preventDefault();
      submitFirst(t);
    }
  }
  function onMessage(e) {
    if (e.source !== window.parent) return;
    const m = e.data;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
    if (m.type === 'loupe:submit') { state.busyUntil = 0; submitFirst(null); }
    else if (m.type === 'loupe:expired') expire();
    else if (m.type === 'loupe:pick') pickDigit(Number(m.index));
    // The page asks after each load whether its frame still shows this document.
    else if (m.type === 'loupe:ping') post({ type: 'loupe:here' });
  }
  function onClick(e) {
    const b = e.target.closest && e.target.closest(SUBMIT_SEL);
    if (!b || b.disabled || b.hasAttribute('disabled')) return;
    const root = rootOf(b);
    if (!root) return;
    e.preventDefault();
    submitRoot(root);
  }
  function flush() {
    if (state.flushed) return;
    state.flushed = true;
    const list = state.pending.splice(0);
    list.sort((a, b) => (a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    for (const el of list) el._lpBuild();
    // A page of crowd elements without a crowd-form still gets one answer and a Submit button.
    const any = D.querySelector(TASKS + ',crowd-input,crowd-text-area,crowd-checkbox,crowd-radio-button,crowd-toggle-button,crowd-slider');
    if (!D.querySelector('crowd-form') && any && D.body) {
      state.formless = true;
      appendSubmit(D.body);
    }
    digitTarget();
    try { D.dispatchEvent(new CustomEvent('all-crowd-elements-ready')); } catch (_) { /* a listener threw */ }
    state.lastHeight = measure();
    post({ type: 'loupe:ready', height: state.lastHeight });
    if (typeof ResizeObserver === 'function') {
      const ro = new ResizeObserver(queueHeight);
      ro.observe(D.documentElement);
      if (D.body) ro.observe(D.body);
    }
    window.addEventListener('load', queueHeight);
  }

