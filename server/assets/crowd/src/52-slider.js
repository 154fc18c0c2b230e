  // ---------------------------------------------------------------- slider
  addShadowCss(`
.lp-slider{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap}
.lp-slider input[type=range]{flex:1 1 12rem;accent-color:var(--lp-accent);min-height:1.8rem}
.lp-pin{min-width:2.5rem;text-align:center;font-weight:700;background:var(--lp-accent-soft);border-radius:6px;padding:.15rem .4rem}
.lp-slider .lp-text{width:6rem;flex:none}
`);
  // Parts: slider (the row), range, pin, number (the `editable` box), error.
  class CrowdSlider extends Crowd {
    render(root) {
      const min = num(this, 'min', 0), max = num(this, 'max', 100), step = num(this, 'step', 1);
      const start = this._pending != null ? this._pending : num(this, 'value', min);
      this._hadValue = this.hasAttribute('value') || this._pending != null;
      this._touched = false;
      const r = h('input', { type: 'range', part: 'range', 'data-lp': '', min, max, step, 'aria-label': this.getAttribute('aria-label') || this.getAttribute('label') || this.name || 'Value' });
      r.value = String(clamp(start, min, max));
      this._ctl = r;
      const wrap = h('div', { class: 'lp-slider', part: 'slider' }, r);
      const sec = num(this, 'secondary-progress', NaN);
      if (Number.isFinite(sec) && max > min) {
        const pct = clamp((sec - min) / (max - min) * 100, 0, 100);
        r.style.background = 'linear-gradient(to right,#c7d5f3 ' + pct + '%,transparent ' + pct + '%)';
      }
      let pin = null, box = null;
      if (this.hasAttribute('pin')) { pin = h('output', { class: 'lp-pin', part: 'pin', 'aria-hidden': 'true' }); wrap.append(pin); }
      if (this.hasAttribute('editable')) {
        box = h('input', { type: 'number', class: 'lp-text', part: 'number', 'data-lp': '', min, max, step, 'aria-label': (this.name || 'Value') + ' (number)' });
        box.addEventListener('change', () => {
          const v = parseFloat(box.value);
          if (Number.isFinite(v)) { r.value = String(clamp(v, min, max)); this._touched = true; sync(); }
        });
        forwardChange(box, this);
        wrap.append(box);
      }
      const sync = () => { if (pin) pin.textContent = r.value; if (box) box.value = r.value; this._showError(''); };
      r.addEventListener('input', () => { this._touched = true; sync(); });
      r.addEventListener('change', () => { this._touched = true; });
      forwardChange(r, this);
      this._err = h('div', { class: 'lp-err', part: 'error', role: 'alert' });
      sync();
      root.append(wrap, this._err, slot());
    }
    get value() { return this._ctl ? Number(this._ctl.value) : (this._pending != null ? this._pending : num(this, 'value', num(this, 'min', 0))); }
    set value(v) { if (this._ctl) { this._ctl.value = String(v); this._ctl.dispatchEvent(new Event('input')); } else this._pending = Number(v); }
    _validate() {
      if (flag(this, 'required') && !this._touched && !this._hadValue) return { message: 'Move the slider to choose a value.', focus: this._ctl };
      return null;
    }
    _contribute(answer) { if (this.name) answer[this.name] = this.value; }
  }

