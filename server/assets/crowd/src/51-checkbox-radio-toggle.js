  // ---------------------------------------------------------------- checkbox, radio, toggle
  addShadowCss(`
.lp-check{display:inline-flex;align-items:center;gap:.5rem;cursor:pointer;min-height:2rem;margin-right:1rem}
.lp-fullrow{flex-basis:100%}
.lp-check input{width:1.1rem;height:1.1rem;accent-color:var(--lp-accent);margin:0}
.lp-switch{position:relative;width:2.6rem;height:1.5rem;border-radius:1rem;border:1.5px solid var(--lp-line);background:#dfe4ec;cursor:pointer;padding:0;flex:none}
.lp-switch::after{content:"";position:absolute;top:.12rem;left:.14rem;width:1.05rem;height:1.05rem;border-radius:50%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.35);transition:transform .15s}
.lp-switch[aria-checked=true]{background:var(--lp-accent);border-color:var(--lp-accent)}
.lp-switch[aria-checked=true]::after{transform:translateX(1.1rem)}
.lp-switch.lp-invalid{border-color:var(--lp-err)}
`);
  // The author's text is slotted into the control's label. Parts: label, checkbox / radio /
  // switch, error.
  class CrowdCheckbox extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked']; }
    attributeChangedCallback(n) { super.attributeChangedCallback(n); if (n === 'checked' && this._ctl) this._ctl.checked = this.hasAttribute('checked'); }
    render(root) {
      this._ctl = h('input', { type: 'checkbox', part: 'checkbox', 'data-lp': '' });
      this._ctl.checked = this._pending != null ? this._pending : flag(this, 'checked');
      this._err = h('div', { class: 'lp-err', part: 'error', role: 'alert' });
      this._ctl.addEventListener('change', () => this._showError(''));
      forwardChange(this._ctl, this);
      root.append(h('label', { class: 'lp-check', part: 'label' }, this._ctl, h('span', null, mirrorLabel(this._ctl, this, slot()))), this._err);
    }
    get checked() { return this._ctl ? this._ctl.checked : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) this._ctl.checked = !!v; else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _validate() { return flag(this, 'required') && !this.checked ? { message: 'Check this box to continue.', focus: this._ctl } : null; }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdRadioGroup extends Crowd {
    render(root) {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'radiogroup');
      this._err = h('div', { class: 'lp-err lp-fullrow', part: 'error', role: 'alert' });
      root.append(slot(), this._err);
      this.addEventListener('change', () => this._showError(''));
    }
    _buttons() { return Array.from(this.querySelectorAll('crowd-radio-button')).filter((b) => b.closest('crowd-radio-group') === this); }
    get value() { const b = this._buttons().find((x) => x.checked); return b ? b.value : ''; }
    _validate() {
      if (!flag(this, 'required') || this._buttons().some((b) => b.checked)) return null;
      const first = this._buttons()[0];
      return { message: 'Choose one of the options.', focus: first && first._ctl };
    }
  }
  class CrowdRadioButton extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked']; }
    attributeChangedCallback(n) { super.attributeChangedCallback(n); if (n === 'checked' && this._ctl) this._ctl.checked = this.hasAttribute('checked'); }
    // Each button's radio sits in its own shadow root, where the browser does not group radios by
    // name, so the group's exclusivity and arrow keys are done here.
    render(root) {
      this._ctl = h('input', { type: 'radio', part: 'radio', 'data-lp': '' });
      this._ctl.value = this.value;
      this._ctl.checked = this._pending != null ? this._pending : flag(this, 'checked');
      this._ctl.addEventListener('change', () => this._exclude());
      forwardChange(this._ctl, this);
      this._ctl.addEventListener('keydown', (e) => {
        const d = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
        const peers = this._peers().filter((b) => b._ctl && !b._ctl.disabled);
        const at = peers.indexOf(this);
        if (!d || at < 0 || peers.length < 2) return;
        e.preventDefault();
        const next = peers[(at + d + peers.length) % peers.length];
        next._ctl.focus();
        next._ctl.click();
      });
      root.append(h('label', { class: 'lp-check', part: 'label' }, this._ctl, h('span', null, mirrorLabel(this._ctl, this, slot()))));
    }
    _exclude() { if (this._ctl && this._ctl.checked) for (const b of this._peers()) if (b !== this && b._ctl) b._ctl.checked = false; }
    // The buttons this one excludes: those of its crowd-radio-group, else those with its name.
    _peers() {
      const g = this.closest('crowd-radio-group');
      if (g) return g._buttons();
      return Array.from(D.querySelectorAll('crowd-radio-button')).filter((b) => !b.closest('crowd-radio-group') && b.name === this.name);
    }
    get checked() { return this._ctl ? this._ctl.checked : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) { this._ctl.checked = !!v; this._exclude(); } else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
    _validate() {
      if (!flag(this, 'required') || this.checked) return null;
      return this._peers().some((b) => b.checked) ? null : { message: 'Choose one of the options.', focus: this._ctl };
    }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdToggleButton extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked', 'invalid']; }
    attributeChangedCallback(n) {
      super.attributeChangedCallback(n);
      if (!this._ctl) return;
      if (n === 'checked') this._set(this.hasAttribute('checked'));
      if (n === 'invalid') this._ctl.classList.toggle('lp-invalid', flag(this, 'invalid'));
    }
    render(root) {
      this._ctl = h('button', { type: 'button', role: 'switch', class: 'lp-switch', part: 'switch', 'data-lp': '', 'aria-checked': 'false' });
      const text = h('span', { part: 'label' }, mirrorLabel(this._ctl, this, slot(), this.getAttribute('aria-label') || this.name || this.value));
      this._ctl.classList.toggle('lp-invalid', flag(this, 'invalid'));
      this._ctl.addEventListener('click', () => { if (!locked()) { this._set(!this.checked); this._showError(''); this.dispatchEvent(new Event('change', { bubbles: true })); } });
      this._err = h('div', { class: 'lp-err', part: 'error', role: 'alert' });
      text.addEventListener('click', () => this._ctl.click());
      root.append(h('span', { class: 'lp-check' }, this._ctl, text), this._err);
      this._set(this._pending != null ? this._pending : flag(this, 'checked'));
    }
    _set(v) { this._on = !!v; if (this._ctl) this._ctl.setAttribute('aria-checked', String(this._on)); }
    get checked() { return this._ctl ? this._on : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) this._set(v); else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _validate() { return flag(this, 'required') && !this.checked ? { message: 'Switch this on to continue.', focus: this._ctl } : null; }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
  }

