  // ---------------------------------------------------------------- modal dialogs
  function makeModal(title, body) {
    const tid = uid('mt');
    const close = h('button', { type: 'button', class: 'lp-x', 'aria-label': 'Close', text: '\u00d7' });
    const dlg = h('dialog', { class: 'lp-modal', 'aria-labelledby': tid },
      h('div', { class: 'lp-modal-h' }, h('h2', { id: tid, text: title }), close),
      h('div', { class: 'lp-modal-b' }, body));
    close.addEventListener('click', () => dlg.close());
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
    dlg.addEventListener('close', () => { if (dlg._opener && dlg._opener.isConnected) dlg._opener.focus(); });
    layer().append(dlg);
    return {
      dlg,
      open(opener) { dlg._opener = opener || D.activeElement; if (!dlg.open) { try { dlg.showModal(); } catch (_) { dlg.setAttribute('open', ''); } } },
      close() { if (dlg.open) dlg.close(); },
    };
  }
  function anyModalOpen() { return !!D.querySelector('dialog[open]'); }
  function triggerButton(text, type, modal) {
    const b = h('button', { type: 'button', class: type === 'button' ? 'lp-btn lp-small' : 'lp-link', 'aria-haspopup': 'dialog', 'data-lp-keep': '', text });
    b.addEventListener('click', () => modal.open(b));
    return b;
  }

