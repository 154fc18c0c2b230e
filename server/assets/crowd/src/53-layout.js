  // ---------------------------------------------------------------- layout elements
  const ICONS = { close: '\u00d7', clear: '\u00d7', cancel: '\u00d7', add: '+', remove: '\u2212', delete: '\u2715', check: '\u2713', done: '\u2713', 'arrow-back': '\u2190', 'arrow-forward': '\u2192', 'arrow-upward': '\u2191', 'arrow-downward': '\u2193', 'chevron-left': '\u2039', 'chevron-right': '\u203a', refresh: '\u21bb', undo: '\u21b6', redo: '\u21b7', edit: '\u270e', create: '\u270e', search: '\u2315', star: '\u2605', 'more-vert': '\u22ee', menu: '\u2630', info: 'i', 'help-outline': '?', help: '?', 'zoom-in': '+', 'zoom-out': '\u2212', send: '\u27a4', favorite: '\u2665', 'thumb-up': '\u25b2', 'thumb-down': '\u25bc', warning: '!', error: '!' };
  function iconGlyph(name) { return ICONS[name] || (name ? name.charAt(0).toUpperCase() : '\u2022'); }
  class CrowdButton extends Crowd {
    render() {
      const submit = this.getAttribute('form-action') === 'submit';
      const v = this.getAttribute('variant') || (submit ? 'primary' : 'normal');
      const cls = 'lp-btn' + (v === 'primary' ? ' lp-primary' : v === 'link' ? ' lp-linkish' : '');
      this._ctl = h('button', { type: 'button', class: cls, 'data-lp': '' });
      const icon = this.getAttribute('icon');
      if (icon) this._ctl.append(h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }));
      moveChildren(this, this._ctl);
      if (!this._ctl.textContent.trim() && submit) this._ctl.append('Submit');
      this.append(this._ctl);
      this._syncDisabled();
    }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdIconButton extends Crowd {
    render() {
      const icon = this.getAttribute('icon') || '';
      this._ctl = h('button', { type: 'button', class: 'lp-icon-btn', 'data-lp': '', 'aria-label': this.getAttribute('aria-label') || this.getAttribute('title') || icon.replace(/-/g, ' ') || 'button', title: this.getAttribute('title') }, h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }));
      this.append(this._ctl);
      this._syncDisabled();
    }
  }
  class CrowdFab extends Crowd {
    render() {
      const icon = this.getAttribute('icon'), label = this.getAttribute('label');
      this._ctl = h('button', { type: 'button', class: 'lp-fab', 'data-lp': '', title: this.getAttribute('title'), 'aria-label': label || this.getAttribute('title') || icon || 'Action' },
        icon ? h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }) : null, label ? h('span', { text: label }) : null);
      this.append(this._ctl);
      this._syncDisabled();
    }
  }
  class CrowdAlert extends Crowd {
    render() {
      const type = (this.getAttribute('type') || 'info').toLowerCase();
      const body = moveChildren(this, h('div', { class: 'lp-alert-body' }));
      const box = h('div', { class: 'lp-alert lp-alert-' + (['success', 'warning', 'error'].includes(type) ? type : 'info'), role: type === 'error' || type === 'warning' ? 'alert' : 'status' }, body);
      if (this.hasAttribute('dismissible')) {
        const x = h('button', { type: 'button', class: 'lp-x', 'aria-label': 'Dismiss', text: '\u00d7' });
        x.addEventListener('click', () => { this.hidden = true; queueHeight(); });
        box.append(x);
      }
      this.append(box);
    }
  }
  class CrowdBadge extends Crowd {
    render() {
      const icon = this.getAttribute('icon'), label = this.getAttribute('label');
      const b = h('span', { class: 'lp-badge' }, icon ? h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }) : null, label);
      moveChildren(this, b);
      this.append(b);
    }
  }
  class CrowdCard extends Crowd {
    render() {
      const heading = this.getAttribute('heading'), image = this.getAttribute('image');
      const body = moveChildren(this, h('div', { class: 'lp-card-b' }));
      this.append(h('div', { class: 'lp-card' }, image ? h('img', { src: image, alt: heading || '' }) : null, heading ? h('div', { class: 'lp-card-h', text: heading }) : null, body));
    }
  }
  class CrowdModal extends Crowd {
    render() {
      const body = moveChildren(this, h('div'));
      this._modal = makeModal(this.getAttribute('header') || this.getAttribute('link-text') || 'Details', body);
      this.append(triggerButton(this.getAttribute('link-text') || 'Open', this.getAttribute('link-type') || 'link', this._modal));
    }
    open() { if (this._modal) this._modal.open(); }
    close() { if (this._modal) this._modal.close(); }
  }
  class CrowdInstructions extends Crowd {
    render() {
      const parts = [['short-summary', 'Summary'], ['detailed-instructions', 'Instructions'], ['positive-example', 'Good example'], ['negative-example', 'Bad example']];
      const body = h('div');
      const rest = [];
      for (const [tag, title] of parts) {
        for (const el of Array.from(this.querySelectorAll(tag))) {
          body.append(h('section', null, h('h3', { class: 'lp-region-title', text: el.getAttribute('header') || title }), moveChildren(el, h('div'))));
          el.remove();
        }
      }
      moveChildren(this, h('div')).childNodes.forEach((n) => rest.push(n));
      if (rest.some((n) => n.nodeType === 1 || n.textContent.trim())) body.prepend(h('section', null, rest));
      const text = this.getAttribute('link-text') || 'Instructions';
      this._modal = makeModal(text, body);
      this.append(triggerButton(text, this.getAttribute('link-type') || 'link', this._modal));
    }
    open() { if (this._modal) this._modal.open(); }
  }
  class CrowdTabs extends Crowd {
    render() {
      const tabs = Array.from(this.children).filter((c) => c.localName === 'crowd-tab');
      const list = h('div', { class: 'lp-tablist', role: 'tablist' });
      const btns = tabs.map((tab, i) => {
        const id = uid('tab');
        if (!tab.id) tab.id = uid('panel');
        tab.setAttribute('role', 'tabpanel');
        tab.setAttribute('aria-labelledby', id);
        const b = h('button', { type: 'button', role: 'tab', id, class: 'lp-tab', 'aria-controls': tab.id, text: tab.getAttribute('header') || 'Tab ' + (i + 1) });
        b.addEventListener('click', () => select(i));
        return b;
      });
      const select = (n) => {
        tabs.forEach((t, i) => { t.hidden = i !== n; btns[i].setAttribute('aria-selected', String(i === n)); btns[i].tabIndex = i === n ? 0 : -1; });
        queueHeight();
      };
      list.addEventListener('keydown', (e) => {
        const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
        const cur = btns.indexOf(D.activeElement);
        if (!d || cur < 0) return;
        e.preventDefault();
        const n = (cur + d + btns.length) % btns.length;
        select(n); btns[n].focus();
      });
      add(list, btns);
      this.prepend(list);
      if (tabs.length) select(0);
    }
  }
  class CrowdToast extends Crowd {
    render() {
      const text = this.getAttribute('text');
      this._box = h('div', { class: 'lp-toast', role: 'status', hidden: true }, text, moveChildren(this, D.createDocumentFragment()));
      this.append(this._box);
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

