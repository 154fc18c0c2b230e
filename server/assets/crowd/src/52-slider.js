  // ---------------------------------------------------------------- slider
  class CrowdSlider extends Crowd {
    render() {
      const min = num(this, 'min', 0), max = num(this, 'max', 100), step = num(this, 'step', 1);
      const start = this._pending != null ? this._pending : num(this, 'value', min);
      this._hadValue = this.hasAttribute('value') || this._pending != null;
      this._touched = false;
      const r = h('input', { type: 'range', 'data-lp': '', min, max, step, 'aria-label': this.getAttribute('aria-label') || this.getAttribute('label') || this.name || 'Value' });
      r.value = String(clamp(start, min, max));
      this._ctl = r;
      const wrap = h('div', { class: 'lp-slider' }, r);
      const sec = num(this, 'secondary-progress', NaN);
      if (Number.isFinite(sec) && max > min) {
        const pct = clamp((sec - min) / (max - min) * 100, 0, 100);
        r.style.background = 'linear-gradient(to right,#c7d5f3 ' + pct + '%,transparent ' + pct + '%)';
      }
      let pin = null, box = null;
      if (this.hasAttribute('pin')) { pin = h('output', { class: 'lp-pin', 'aria-hidden': 'true' }); wrap.append(pin); }
      if (this.hasAttribute('editable')) {
        box = h('input', { type: 'number', class: 'lp-text', 'data-lp': '', min, max, step, 'aria-label': (this.name || 'Value') + ' (number)' });
        box.addEventListener('change', () => {
          const v = parseFloat(box.value);
          if (Number.isFinite(v)) { r.value = String(clamp(v, min, max)); this._touched = true; sync(); }
        });
        wrap.append(box);
      }
      const sync = () => { if (pin) pin.textContent = r.value; if (box) box.value = r.value; this._showError(''); };
      r.addEventListener('input', () => { this._touched = true; sync(); });
      r.addEventListener('change', () => { this._touched = true; });
      this._err = h('div', { class: 'lp-err', role: 'alert' });
      sync();
      this.prepend(wrap, this._err);
    }
    get value() { return this._ctl ? Number(this._ctl.value) : (this._pending != null ? this._pending : num(this, 'value', num(this, 'min', 0))); }
    set value(v) { if (this._ctl) { this._ctl.value = String(v); this._ctl.dispatchEvent(new Event('input')); } else this._pending = Number(v); }
    _validate() {
      if (flag(this, 'required') && !this._touched && !this._hadValue) return { message: 'Move the slider to choose a value.', focus: this._ctl };
      return null;
    }
    _contribute(answer) { if (this.name) answer[this.name] = this.value; }
  }

