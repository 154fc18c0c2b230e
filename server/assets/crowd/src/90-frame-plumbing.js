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
    for (const el of deepAll(D.documentElement)) {
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
    // Controls in the bundle's dialogs stay usable (they only close them); the bundle's own are switched
    // off by each element (data-lp), everything else here (also inside shadow roots).
    const all = deepAll(D.documentElement);
    for (const el of all) {
      if (!/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName) || el.hasAttribute('data-lp-keep') || el.getAttribute('role') === 'tab') continue;
      if (!closestDeep(el, (p) => state.dialogs.has(p))) el.disabled = true;
    }
    for (const el of all) if (el instanceof Crowd && el._lpBuilt) el._syncDisabled();
    D.body.classList.add('lp-is-expired');
    for (const d of state.dialogs) if (d.open) d.close();
    for (const d of D.querySelectorAll('dialog[open]')) d.close();
    try { banner.scrollIntoView({ block: 'start' }); } catch (_) { /* ignore */ }
    queueHeight();
  }
  // Keys and clicks are read from the element they started on (composedPath), wherever it sits.
  function onKey(e) {
    if (e.defaultPrevented || e.isComposing) return;
    const t = eventTarget(e), inText = isTextField(t), modal = anyModalOpen();
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
      for (const el of deepAll(D.documentElement)) if (el.localName === 'crowd-polygon' && el._busy && el._busy()) return;
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
    const path = typeof e.composedPath === 'function' ? e.composedPath() : [e.target];
    const b = path.find((n) => n && n.nodeType === 1 && n.matches(SUBMIT_SEL)) || null;
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

