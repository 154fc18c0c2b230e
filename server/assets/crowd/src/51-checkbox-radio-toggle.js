  // ---------------------------------------------------------------- checkbox, radio, toggle
  class CrowdCheckbox extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked']; }
    attributeChangedCallback(n) { super.attributeChangedCallback(n); if (n === 'checked' && this._ctl) this._ctl.checked = this.hasAttribute('checked'); }
    render() {
      this._ctl = h('input', { type: 'checkbox', 'data-lp': '' });
      this._ctl.checked = this._pending != null ? this._pending : flag(this, 'checked');
      this._err = h('div', { class: 'lp-err', role: 'alert' });
      const text = moveChildren(this, h('span'));
      this._ctl.addEventListener('change', () => this._showError(''));
      this.append(h('label', { class: 'lp-check' }, this._ctl, text), this._err);
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
    render() {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'radiogroup');
      this._err = h('div', { class: 'lp-err', role: 'alert', style: 'flex-basis:100%' });
      this.append(this._err);
      this.addEventListener('change', () => this._showError(''));
    }
    get _groupKey() { if (!this._gk) this._gk = uid('rg'); return this._gk; }
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
    render() {
      const group = this.closest('crowd-radio-group');
      this._ctl = h('input', { type: 'radio', 'data-lp': '', name: group ? group._groupKey : 'lp-rb-' + (this.name || 'solo') });
      this._ctl.value = this.value;
      this._ctl.checked = this._pending != null ? this._pending : flag(this, 'checked');
      const text = moveChildren(this, h('span'));
      this.append(h('label', { class: 'lp-check' }, this._ctl, text));
    }
    get checked() { return this._ctl ? this._ctl.checked : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) this._ctl.checked = !!v; else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
    _validate() {
      if (!flag(this, 'required') || this.checked) return null;
      const g = this.closest('crowd-radio-group');
      const peers = g ? g._buttons() : Array.from(D.querySelectorAll('crowd-radio-button')).filter((b) => b.name === this.name);
      return peers.some((b) => b.checked) ? null : { message: 'Choose one of the options.', focus: this._ctl };
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
    render() {
      const lid = uid('tg');
      const text = moveChildren(this, h('span', { id: lid }));
      this._ctl = h('button', { type: 'button', role: 'switch', class: 'lp-switch', 'data-lp': '', 'aria-checked': 'false' });
      if (text.childNodes.length) this._ctl.setAttribute('aria-labelledby', lid);
      else this._ctl.setAttribute('aria-label', this.getAttribute('aria-label') || this.name || this.value);
      this._ctl.classList.toggle('lp-invalid', flag(this, 'invalid'));
      this._ctl.addEventListener('click', () => { if (!locked()) { this._set(!this.checked); this._showError(''); this.dispatchEvent(new Event('change', { bubbles: true })); } });
      this._err = h('div', { class: 'lp-err', role: 'alert' });
      text.addEventListener('click', () => this._ctl.click());
      this.append(h('span', { class: 'lp-check' }, this._ctl, text), this._err);
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

