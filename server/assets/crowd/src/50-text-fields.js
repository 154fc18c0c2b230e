  // ---------------------------------------------------------------- text fields
  // Parts: field, label, input (crowd-input) or textarea (crowd-text-area), counter, error.
  class CrowdInput extends Crowd {
    render() { this._field(false); }
    _field(multi) {
      const id = uid('in');
      const label = this.getAttribute('label');
      const req = flag(this, 'required');
      const ctl = h(multi ? 'textarea' : 'input', {
        id, class: 'lp-text', part: multi ? 'textarea' : 'input', 'data-lp': '',
        type: multi ? null : (this.getAttribute('type') || 'text'),
        placeholder: this.getAttribute('placeholder'),
        maxlength: this.getAttribute('max-length') || this.getAttribute('maxlength'),
        minlength: this.getAttribute('min-length') || this.getAttribute('minlength'),
        min: this.getAttribute('min'), max: this.getAttribute('max'), step: this.getAttribute('step'),
        pattern: this.getAttribute('pattern'),
        rows: multi ? (this.getAttribute('rows') || 3) : null,
        required: req,
        'aria-label': label ? null : (this.getAttribute('aria-label') || this.getAttribute('placeholder') || this.name || null),
      });
      const init = this._pending != null ? this._pending : this.getAttribute('value');
      if (init != null) ctl.value = init;
      this._ctl = forwardChange(ctl, this);
      this._err = h('div', { class: 'lp-err', part: 'error', role: 'alert', id: uid('err') });
      ctl.setAttribute('aria-describedby', this._err.id);
      const field = h('div', { class: 'lp-field', part: 'field' },
        label ? h('label', { class: 'lp-label', part: 'label', for: id }, label, req ? h('span', { class: 'lp-req', 'aria-hidden': 'true', text: '*' }) : null) : null,
        ctl);
      const allowed = this.getAttribute('allowed-pattern');
      if (allowed) {
        let re = null;
        try { re = new RegExp(allowed, 'u'); } catch (_) { try { re = new RegExp(allowed); } catch (__) { re = null; } }
        if (re) {
          ctl.addEventListener('beforeinput', (e) => {
            if (e.data && Array.from(e.data).some((ch) => { re.lastIndex = 0; return !re.test(ch); })) e.preventDefault();
          });
        }
      }
      const max = parseInt(ctl.getAttribute('maxlength'), 10);
      if (multi && flag(this, 'char-counter')) {
        const counter = h('div', { class: 'lp-counter', part: 'counter', 'aria-live': 'polite' });
        const upd = () => { counter.textContent = ctl.value.length + (max > 0 ? ' / ' + max : ''); };
        ctl.addEventListener('input', upd); upd();
        field.append(counter);
      }
      if (multi) {
        const maxRows = parseInt(this.getAttribute('max-rows'), 10);
        const grow = () => {
          ctl.style.height = 'auto';
          const lh = parseFloat(getComputedStyle(ctl).lineHeight) || 20;
          const limit = maxRows > 0 ? maxRows * lh + 18 : Infinity;
          ctl.style.height = Math.min(ctl.scrollHeight + 2, limit) + 'px';
        };
        ctl.addEventListener('input', grow);
        requestAnimationFrame(grow);
      }
      ctl.addEventListener('input', () => {
        if (flag(this, 'auto-validate')) { const p = this._validate(); this._showError(p ? p.message : ''); } else this._showError('');
        ctl.classList.remove('lp-invalid');
      });
      field.append(this._err);
      this.shadowRoot.append(field, slot());
      if (flag(this, 'auto-focus') || flag(this, 'autofocus')) setTimeout(() => ctl.focus(), 0);
    }
    _validate() {
      const c = this._ctl;
      if (!c) return null;
      const custom = this.getAttribute('error-message');
      let msg = null;
      if (flag(this, 'required') && !c.value.trim()) msg = custom || 'This field is required.';
      else if (!c.checkValidity()) msg = custom || c.validationMessage || 'Please check this value.';
      if (msg) c.classList.add('lp-invalid');
      return msg ? { message: msg, focus: c } : null;
    }
    _contribute(answer) { const v = this.value; if (this.name && v !== '') answer[this.name] = v; }
    get value() { return this._ctl ? this._ctl.value : (this._pending != null ? this._pending : (this.getAttribute('value') || '')); }
    set value(v) { if (this._ctl) this._ctl.value = v == null ? '' : String(v); else this._pending = v == null ? '' : String(v); }
    get invalid() { return !!this._validate(); }
    validate() { const p = this._validate(); this._showError(p ? p.message : ''); return !p; }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdTextArea extends CrowdInput { render() { this._field(true); } }

