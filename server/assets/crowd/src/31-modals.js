  // ---------------------------------------------------------------- modal dialogs
  const MODAL_CSS = `
dialog.lp-modal{border:0;border-radius:12px;padding:0;width:calc(100vw - 2rem);max-width:46rem;max-height:calc(100vh - 2rem);box-shadow:0 20px 50px rgba(16,24,40,.3);color:var(--lp-ink);font-family:var(--lp-font)}
dialog.lp-modal::backdrop{background:rgba(16,24,40,.45)}
.lp-modal-h{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.85rem 1.1rem;border-bottom:1px solid var(--lp-line);position:sticky;top:0;background:#fff}
.lp-modal-h h2{font-size:1.1rem;margin:0}
.lp-modal-b{padding:1rem 1.1rem 1.25rem}
.lp-modal-b section+section{margin-top:1rem}
`;
  addShadowCss(MODAL_CSS);
  addDocCss(MODAL_CSS);
  // A dialog appended to `container`, opened with showModal() so it sits in the top layer. The
  // author's content is inside it as real descendants (tools and scripts that look inside the
  // dialog find it): crowd-modal, crowd-instructions and a lone full-instructions put the dialog in
  // their own light DOM around their children (ids in it stay reachable from the document, the
  // host's shadow root slots it in); a task element puts its full-instructions element into a
  // dialog in its shadow root. Extra part names (o.part) and classes (o.cls) tell dialogs apart.
  function makeModal(title, body, container, o) {
    o = o || {};
    const tid = uid('mt');
    const close = h('button', { type: 'button', class: 'lp-x', part: 'dialog-close', 'aria-label': 'Close', text: '\u00d7' });
    const dlg = h('dialog', { class: 'lp-modal' + (o.cls ? ' ' + o.cls : ''), part: 'dialog' + (o.part ? ' ' + o.part : ''), 'aria-labelledby': tid },
      h('div', { class: 'lp-modal-h', part: 'dialog-header' }, h('h2', { id: tid, part: 'dialog-title', text: title }), close),
      h('div', { class: 'lp-modal-b', part: 'dialog-body' }, body));
    close.addEventListener('click', () => dlg.close());
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
    dlg.addEventListener('close', () => { if (dlg._opener && dlg._opener.isConnected) dlg._opener.focus(); queueHeight(); });
    container.append(dlg);
    state.dialogs.add(dlg);
    return {
      dlg,
      open(opener) { dlg._opener = opener || deepActive(); if (!dlg.open) { try { dlg.showModal(); } catch (_) { dlg.setAttribute('open', ''); } } },
      close() { if (dlg.open) dlg.close(); },
    };
  }
  function anyModalOpen() {
    for (const d of state.dialogs) if (d.open && d.isConnected) return true;
    return !!D.querySelector('dialog[open]');
  }
  function triggerButton(text, type, modal, part) {
    const b = h('button', { type: 'button', class: type === 'button' ? 'lp-btn lp-small' : 'lp-link', part: part || 'link', 'aria-haspopup': 'dialog', 'data-lp-keep': '', text });
    b.addEventListener('click', () => modal.open(b));
    return b;
  }
