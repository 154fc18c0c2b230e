  // ---------------------------------------------------------------- layout elements
  addShadowCss(`
.lp-alert{display:flex;gap:.75rem;align-items:flex-start;border:1px solid;border-radius:var(--lp-r);padding:.7rem .9rem;margin:.5rem 0}
.lp-alert-body{flex:1}
.lp-alert-info{background:var(--lp-accent-soft);border-color:#a9c0f0}
.lp-alert-success{background:var(--lp-ok-soft);border-color:#9ad7b4;color:var(--lp-ok)}
.lp-alert-warning{background:var(--lp-warn-soft);border-color:#f0cf87;color:var(--lp-warn)}
.lp-alert-error{background:var(--lp-err-soft);border-color:#f3aaa3;color:var(--lp-err)}
.lp-card{border:1px solid var(--lp-line);border-radius:var(--lp-r);overflow:hidden;background:var(--lp-bg);box-shadow:0 1px 2px rgba(16,24,40,.06)}
.lp-card>img{display:block;width:100%;height:auto}
.lp-card-h{font-weight:650;font-size:1.05rem;padding:.75rem 1rem 0}
.lp-card-b{padding:.75rem 1rem}
.lp-tablist{display:flex;gap:.25rem;border-bottom:1px solid var(--lp-line);flex-wrap:wrap}
.lp-tab{background:none;border:0;border-bottom:3px solid transparent;padding:.55rem .9rem;font:inherit;font-weight:600;color:var(--lp-muted);cursor:pointer}
.lp-tab[aria-selected=true]{color:var(--lp-accent);border-bottom-color:var(--lp-accent)}
.lp-toast{position:fixed;left:50%;bottom:1rem;transform:translateX(-50%);background:#1c2430;color:#fff;padding:.65rem 1rem;border-radius:var(--lp-r);box-shadow:0 8px 24px rgba(0,0,0,.25);z-index:50;max-width:calc(100vw - 2rem)}
.lp-icon-btn{display:inline-flex;align-items:center;justify-content:center;width:2.4rem;height:2.4rem;border-radius:50%;border:1px solid var(--lp-line);background:var(--lp-bg);font-size:1.15rem;cursor:pointer;color:var(--lp-ink)}
.lp-fab{position:fixed;right:1.25rem;bottom:1.25rem;z-index:40;display:inline-flex;align-items:center;gap:.4rem;min-width:3.25rem;height:3.25rem;padding:0 1rem;border-radius:1.7rem;border:0;background:var(--lp-accent);color:#fff;font:inherit;font-weight:700;font-size:1.05rem;box-shadow:0 6px 16px rgba(36,86,196,.4);cursor:pointer;justify-content:center}
`);
  const ICONS = { close: '\u00d7', clear: '\u00d7', cancel: '\u00d7', add: '+', remove: '\u2212', delete: '\u2715', check: '\u2713', done: '\u2713', 'arrow-back': '\u2190', 'arrow-forward': '\u2192', 'arrow-upward': '\u2191', 'arrow-downward': '\u2193', 'chevron-left': '\u2039', 'chevron-right': '\u203a', refresh: '\u21bb', undo: '\u21b6', redo: '\u21b7', edit: '\u270e', create: '\u270e', search: '\u2315', star: '\u2605', 'more-vert': '\u22ee', menu: '\u2630', info: 'i', 'help-outline': '?', help: '?', 'zoom-in': '+', 'zoom-out': '\u2212', send: '\u27a4', favorite: '\u2665', 'thumb-up': '\u25b2', 'thumb-down': '\u25bc', warning: '!', error: '!' };
  function iconGlyph(name) { return ICONS[name] || (name ? name.charAt(0).toUpperCase() : '\u2022'); }
  // Parts: button (crowd-button, crowd-icon-button, crowd-fab); the author's text is slotted
  // into the button.
  class CrowdButton extends Crowd {
    render(root) {
      const submit = this.getAttribute('form-action') === 'submit';
      const v = this.getAttribute('variant') || (submit ? 'primary' : 'normal');
      const cls = 'lp-btn' + (v === 'primary' ? ' lp-primary' : v === 'link' ? ' lp-linkish' : '');
      this._ctl = h('button', { type: 'button', class: cls, part: 'button', 'data-lp': '' });
      const icon = this.getAttribute('icon');
      if (icon) this._ctl.append(h('span', { 'aria-hidden': 'true', part: 'icon', text: iconGlyph(icon) }));
      this._ctl.append(slot());
      if (!this.textContent.trim() && submit) this._ctl.append('Submit');
      root.append(this._ctl);
      this._syncDisabled();
    }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdIconButton extends Crowd {
    render(root) {
      const icon = this.getAttribute('icon') || '';
      this._ctl = h('button', { type: 'button', class: 'lp-icon-btn', part: 'button', 'data-lp': '', 'aria-label': this.getAttribute('aria-label') || this.getAttribute('title') || icon.replace(/-/g, ' ') || 'button', title: this.getAttribute('title') }, h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }));
      root.append(this._ctl);
      this._syncDisabled();
    }
  }
  class CrowdFab extends Crowd {
    render(root) {
      const icon = this.getAttribute('icon'), label = this.getAttribute('label');
      this._ctl = h('button', { type: 'button', class: 'lp-fab', part: 'button', 'data-lp': '', title: this.getAttribute('title'), 'aria-label': label || this.getAttribute('title') || icon || 'Action' },
        icon ? h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }) : null, label ? h('span', { text: label }) : null);
      root.append(this._ctl);
      this._syncDisabled();
    }
  }
  // Parts: alert, body, dismiss. The role (alert or status) is on the element itself, which holds
  // the author's text.
  class CrowdAlert extends Crowd {
    render(root) {
      const type = (this.getAttribute('type') || 'info').toLowerCase();
      if (!this.hasAttribute('role')) this.setAttribute('role', type === 'error' || type === 'warning' ? 'alert' : 'status');
      const body = h('div', { class: 'lp-alert-body', part: 'body' }, slot());
      const box = h('div', { class: 'lp-alert lp-alert-' + (['success', 'warning', 'error'].includes(type) ? type : 'info'), part: 'alert' }, body);
      if (this.hasAttribute('dismissible')) {
        const x = h('button', { type: 'button', class: 'lp-x', part: 'dismiss', 'aria-label': 'Dismiss', text: '\u00d7' });
        x.addEventListener('click', () => { this.hidden = true; queueHeight(); });
        box.append(x);
      }
      root.append(box);
    }
  }
  // Parts: badge.
  class CrowdBadge extends Crowd {
    render(root) {
      const icon = this.getAttribute('icon'), label = this.getAttribute('label');
      root.append(h('span', { class: 'lp-badge', part: 'badge' }, icon ? h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }) : null, label, slot()));
    }
  }
  // Parts: card, image, heading, body (the author's content).
  class CrowdCard extends Crowd {
    render(root) {
      const heading = this.getAttribute('heading'), image = this.getAttribute('image');
      const body = h('div', { class: 'lp-card-b', part: 'body' }, slot());
      root.append(h('div', { class: 'lp-card', part: 'card' }, image ? h('img', { src: image, part: 'image', alt: heading || '' }) : null, heading ? h('div', { class: 'lp-card-h', part: 'heading', text: heading }) : null, body));
    }
  }
  // crowd-modal, crowd-instructions: a link or button (part link) and a dialog (class lp-modal)
  // around the author's content, in the element's light DOM (see makeModal).
  class CrowdModal extends Crowd {
    render(root) {
      this._modal = makeModal(this.getAttribute('header') || this.getAttribute('link-text') || 'Details', moveChildren(this, h('div')), this);
      root.append(triggerButton(this.getAttribute('link-text') || 'Open', this.getAttribute('link-type') || 'link', this._modal), slot());
    }
    open() { if (this._modal) this._modal.open(); }
    close() { if (this._modal) this._modal.close(); }
  }
  // Its short-summary, detailed-instructions, positive-example and negative-example children
  // each get a titled section in the dialog; other content comes first.
  class CrowdInstructions extends Crowd {
    render(root) {
      const parts = [['short-summary', 'Summary'], ['detailed-instructions', 'Instructions'], ['positive-example', 'Good example'], ['negative-example', 'Bad example']];
      const body = h('div');
      const sections = [];
      for (const [tag, title] of parts) {
        for (const el of Array.from(this.querySelectorAll(tag))) sections.push(h('section', null, h('h3', { class: 'lp-region-title', text: el.getAttribute('header') || title }), el));
      }
      const rest = moveChildren(this, h('section'));
      if (Array.from(rest.childNodes).some((n) => n.nodeType === 1 || n.textContent.trim())) body.append(rest);
      add(body, sections);
      const text = this.getAttribute('link-text') || 'Instructions';
      this._modal = makeModal(text, body, this);
      root.append(triggerButton(text, this.getAttribute('link-type') || 'link', this._modal), slot());
    }
    open() { if (this._modal) this._modal.open(); }
    close() { if (this._modal) this._modal.close(); }
  }
  // The crowd-tab children stay in the light DOM (slotted after the tab list, part tablist; each
  // tab button has part tab).
  class CrowdTabs extends Crowd {
    render(root) {
      const tabs = Array.from(this.children).filter((c) => c.localName === 'crowd-tab');
      const list = h('div', { class: 'lp-tablist', part: 'tablist', role: 'tablist' });
      const btns = tabs.map((tab, i) => {
        const id = uid('tab');
        if (!tab.id) tab.id = uid('panel');
        const title = tab.getAttribute('header') || 'Tab ' + (i + 1);
        tab.setAttribute('role', 'tabpanel');
        // ARIA id references do not cross into the shadow root, so the panel is named directly.
        if (!tab.hasAttribute('aria-label')) tab.setAttribute('aria-label', title);
        const b = h('button', { type: 'button', role: 'tab', id, class: 'lp-tab', part: 'tab', text: title });
        try { b.ariaControlsElements = [tab]; } catch (_) { /* no element reflection */ }
        b.addEventListener('click', () => select(i));
        return b;
      });
      const select = (n) => {
        tabs.forEach((t, i) => { t.hidden = i !== n; btns[i].setAttribute('aria-selected', String(i === n)); btns[i].tabIndex = i === n ? 0 : -1; });
        queueHeight();
      };
      list.addEventListener('keydown', (e) => {
        const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
        const cur = btns.indexOf(root.activeElement);
        if (!d || cur < 0) return;
        e.preventDefault();
        const n = (cur + d + btns.length) % btns.length;
        select(n); btns[n].focus();
      });
      add(list, btns);
      root.append(list, slot());
      if (tabs.length) select(0);
    }
  }
  // Parts: toast.
  class CrowdToast extends Crowd {
    render(root) {
      const text = this.getAttribute('text');
      this._box = h('div', { class: 'lp-toast', part: 'toast', role: 'status', hidden: true }, text, slot());
      root.append(this._box);
      this.show();
    }
    show() {
      if (!this._box) return;
      this._box.hidden = false;
      clearTimeout(this._t);
      const d = num(this, 'duration', 3000);
      if (d > 0) this._t = setTimeout(() => this.close(), d);
    }
    open() { this.show(); }
    close() { if (this._box) this._box.hidden = true; }
  }
