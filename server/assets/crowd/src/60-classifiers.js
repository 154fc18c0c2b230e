  // ---------------------------------------------------------------- classifiers
  // Parts: those of taskLayout, categories and choice (category-choices); the classification
  // target and worker comment are the author's elements, slotted into the main area.
  class Classifier extends Crowd {
    get _multi() { return false; }
    render() {
      const L = taskLayout(this);
      this._L = L;
      this._cats = listAttr(this, 'categories').map(labelText);
      const excl = this._multi ? exclusionText(this, null) : null;
      this._target(L);
      this._excl = excl;
      this._makeChoices();
      L.main.append(this._choices.group);
      if (L.regions['worker-comment']) L.main.append(L.slotFor('worker-comment'));
      L.finish();
      this._err = L.err;
      this._initial();
    }
    // The worker's pick fires `change` on the element (template scripts react to it).
    _makeChoices() {
      const old = this._choices;
      this._choices = makeChoices({ labels: this._cats, multi: this._multi, exclusion: this._excl, aria: this._L.header || 'Categories', onChange: () => { this._showError(''); this.dispatchEvent(new Event('change', { bubbles: true })); } });
      if (old) old.group.replaceWith(this._choices.group);
    }
    // Scripts may replace the categories after rendering (the choice is cleared).
    get categories() { return this._cats ? this._cats.slice() : listAttr(this, 'categories').map(labelText); }
    set categories(v) {
      if (!Array.isArray(v)) return;
      if (!this._choices) { this.setAttribute('categories', JSON.stringify(v.map(labelText))); return; }
      this._cats = v.map(labelText);
      this._makeChoices();
      if (state.digitTarget === this) this.classList.add('lp-show-keys');
      queueHeight();
    }
    _target(L) { if (L.regions['classification-target']) L.main.append(L.slotFor('classification-target')); }
    _initial() {
      const raw = this.getAttribute('initial-value');
      if (raw == null || !raw.trim()) return;
      let v = raw.trim();
      if (!this._cats.includes(v)) { try { v = parseLoose(raw); } catch (_) { return; } }
      const want = (Array.isArray(v) ? v : isObj(v) && Array.isArray(v.labels) ? v.labels : [isObj(v) ? v.label : v]).map(labelText);
      const c = this._choices;
      want.forEach((w) => { const i = this._cats.indexOf(w); if (i >= 0) { if (this._multi) c.sel.add(i); else c.sel = new Set([i]); } });
      c.paint();
    }
    _pick(i) { return this._choices ? this._choices.activate(i) : false; }
    get _classLike() { return true; }
    _labels() { return Array.from(this._choices.sel).sort((a, b) => a - b).map((i) => this._cats[i]); }
    _validate() {
      const c = this._choices;
      if (!c) return null;
      if (!this._multi && !c.sel.size) return { message: 'Choose a category.', focus: c.buttons[0] };
      if (this._multi && !c.sel.size && !c.excl && this.hasAttribute('exclusion-category'))
        return { message: 'Choose at least one category, or \u201c' + exclusionText(this, null) + '\u201d.', focus: c.buttons[0] };
      return null;
    }
    get value() {
      if (!this._choices) return undefined;
      if (this._multi) return { labels: this._labels() };
      const v = {};
      const l = this._labels()[0];
      if (l !== undefined) v.label = l;
      const wc = this._L.regions['worker-comment'];
      if (wc && wc.value && wc.value.trim()) v.workerComment = wc.value;
      // [IMPL] Its string form is the label, so scripts can use the value as a key or compare it
      // with a category name (not enumerable: the answer is the plain object).
      Object.defineProperty(v, 'toString', { value: () => (v.label === undefined ? '' : v.label) });
      return v;
    }
    get _submittableValue() { return this.value; }
    _contribute(answer) {
      if (!this.name || !this._choices) return;
      const v = this.value;
      if (!this._multi && v.label === undefined) return;
      answer[this.name] = Object.assign({}, v);
    }
  }
  class MultiClassifier extends Classifier { get _multi() { return true; } }

